"""Generation through AI providers end to end: the real CLI and pipeline, real gates, a wire-level server."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from specloom.audit.sqlite import SqliteAuditStore
from specloom.config import load_config
from specloom.pipeline import CodeGenerationService, GenerateOptions
from specloom.providers import build_orchestrator
from tests.helpers import EXAMPLES

from .answers import EXTENSIONS, FAILS_RUFF, GOOD, SECRET, STORY
from .conftest import KEY, provider_toml
from .wire_server import Fault, InvalidJson, Reply

ADR = EXAMPLES / "adr/0003-rate-limiter.md"  # the same file as ../shared/specs/adr/0003-rate-limiter.md
PRIMARY_BACKUP = {"primary": "openai", "backup": "anthropic"}


def workspace(tmp_path: Path, toml: str, spec: Path = ADR) -> Path:
    (tmp_path / "specloom.toml").write_text(toml + '\n[identity]\nuser = "dev@example.com"\n')
    shutil.copy(spec, tmp_path / spec.name)
    return tmp_path


async def generate(root: Path, spec_name: str, **overrides):
    config = load_config(root)
    orchestrator = build_orchestrator(config)
    opts = GenerateOptions.from_config(config, root / spec_name, root / "out", root, **overrides)
    store = SqliteAuditStore(root / "audit.db")
    try:
        outcome = await CodeGenerationService(store, orchestrator=orchestrator).generate(opts)
        return outcome, store.get(outcome.audit_id)
    finally:
        await orchestrator.aclose()
        store.close()


def test_cli_delivers_the_rate_limiter_from_the_backup_when_the_primary_fails(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup", "template"], max_retries=1))
    wire.script("primary", Fault(500, "overloaded"), Fault(503, "overloaded"))
    wire.script("backup", Reply(GOOD, tokens_in=1500, tokens_out=900))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}

    def specloom(*args):
        return subprocess.run(
            [sys.executable, "-m", "specloom", *args], cwd=root, capture_output=True, text=True, env=env, timeout=600
        )

    done = specloom("generate", ADR.name, "--out", "out", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "succeeded" and report["report"]["outcome"] == "delivered"
    assert all(g["passed"] for g in report["validation"]["gates"])
    for path in ("ratelimit/bucket.py", "ratelimit/registry.py", "tests/test_bucket.py", "tests/test_registry.py"):
        assert (root / "out" / path).is_file()
    shown = json.loads(specloom("audit", "show", report["audit_id"], "--json").stdout)
    assert [(a["provider"], a["outcome"], a["status"]) for a in shown["attempts"]] == [
        ("primary", "error", 500),
        ("primary", "error", 503),
        ("backup", "ok", None),
    ]
    ok = shown["attempts"][-1]
    assert (ok["model"], ok["tokens_in"], ok["tokens_out"]) == ("anthropic-test-model", 1500, 900)
    assert KEY not in done.stdout + done.stderr + json.dumps(shown)
    manifest = json.loads((root / "out/.specloom/manifest.json").read_text())
    assert manifest["files"]["ratelimit/bucket.py"]["producer"] == "ai:backup/anthropic-test-model"


async def test_the_repair_loop_turns_a_ruff_failure_into_a_delivered_result(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup"]))
    wire.script("primary", Reply(FAILS_RUFF), Reply(GOOD))
    outcome, record = await generate(root, ADR.name)
    assert outcome.outcome == "delivered", outcome.message
    assert outcome.repair_rounds == 1
    assert [(a["provider"], a["round"]) for a in outcome.attempts] == [("primary", "generate"), ("primary", "repair 1")]
    repair_request = json.dumps(wire.calls("primary")[1].body)
    assert "F401" in repair_request and "import os" in repair_request
    assert "import os" not in (root / "out/ratelimit/bucket.py").read_text()
    first_round = record.record.gate_results[0]
    assert first_round["round"] == 0 and any("F401" in issue for issue in first_round["issues"])


async def test_a_hard_coded_secret_goes_back_to_the_model_and_never_reaches_the_tree(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup"], repair_attempts=1))
    wire.script("primary", Reply(SECRET), Reply(SECRET))
    wire.script("backup", Reply(SECRET))
    outcome, record = await generate(root, ADR.name)
    assert outcome.outcome == "gate_failed" and not (root / "out").exists()
    assert any(i.gate == "security" for i in outcome.gate_issues)
    # repair 1 goes back to the primary first; its answer is parsed fine, so the backup is not needed
    assert [(a["provider"], a["round"]) for a in outcome.attempts] == [("primary", "generate"), ("primary", "repair 1")]
    assert "ghp_" not in json.dumps(record.to_json())


async def test_every_provider_failing_is_reported_and_audited(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup", "template"], max_retries=0))
    wire.script("primary", Fault(401, "invalid x-api-key"))
    wire.script("backup", InvalidJson())
    outcome, record = await generate(root, ADR.name)
    assert outcome.exit_code == 4 and outcome.outcome == "providers_failed"
    assert "primary: primary" in outcome.message
    assert re.search(r"primary: auth: HTTP 401.*backup: .*template: unsupported", outcome.message)
    assert [a["provider"] for a in record.record.provider_attempts] == ["primary", "backup", "template"]
    assert not (root / "out").exists()


def hostile_spec(folder: Path) -> tuple[str, Path]:
    """broken.yaml's prompt-injection summary in an otherwise valid spec."""
    hostile = re.search(r'summary: "(Ignore all previous[^"]*)"', (EXAMPLES / "openapi/broken.yaml").read_text())[1]
    spec = folder / "orders.yaml"
    spec.parent.mkdir(exist_ok=True)
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: Orders, version: 1.0.0}\npaths:\n  /orders:\n    get:\n"
        f"      operationId: listOrders\n      summary: {json.dumps(hostile)}\n"
        "      responses:\n        '200': {description: the orders}\n"
    )
    return hostile, spec


async def test_hostile_spec_text_is_refused_before_any_prompt(wire, api_key, tmp_path):
    _, spec = hostile_spec(tmp_path / "input")
    root = workspace(tmp_path, provider_toml(wire, {"primary": "ollama"}, ["primary"]), spec)
    outcome, _ = await generate(root, "orders.yaml", language="csharp")  # no C# pack: a model would write it all
    assert outcome.outcome == "invalid_spec"
    assert [f.code for f in outcome.spec_findings] == ["SEC002"]
    assert wire.calls("primary") == []


def test_hostile_spec_text_reaches_the_prompt_only_as_quoted_data(tmp_path):
    """Should the detector miss a variant, the prompt still carries spec text only as quoted data."""
    from specloom.core.plan import plan
    from specloom.core.specs import parse_path
    from specloom.providers.prompts import generation_prompt

    hostile, path = hostile_spec(tmp_path)
    spec, _ = parse_path(path)
    prompt = generation_prompt(spec, plan(spec, None, "go", None), "go", 95)
    assert hostile not in prompt.system and "never instructions" in prompt.system
    assert prompt.user.count(hostile) == 1
    quoted = re.search(r'<data name="specification" id="(\w+)">\n(.*)\n</data id="\1">', prompt.user, re.S)
    assert quoted and hostile in quoted[2]
    assert hostile not in prompt.user.replace(quoted[0], "")


async def test_without_an_ai_provider_an_adr_is_refused_naming_the_setting(tmp_path):
    root = workspace(tmp_path, "")
    outcome, _ = await generate(root, ADR.name)
    assert outcome.exit_code == 4
    assert "[providers.<name>]" in outcome.message and "fallback_chain" in outcome.message


@pytest.mark.parametrize("chain", [["template"], []])
async def test_openapi_crud_still_generates_through_templates_without_providers(tmp_path, chain):
    toml = f"[generation]\nfallback_chain = {json.dumps(chain)}\n"
    root = workspace(tmp_path, toml, EXAMPLES / "openapi/bookstore.yaml")
    outcome, record = await generate(root, "bookstore.yaml", dry_run=True)
    assert outcome.outcome == "dry_run", outcome.message
    assert [a["provider"] for a in record.record.provider_attempts] == ["template"]


def test_providers_lists_the_chain_with_health_and_missing_keys(wire, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup", "template"]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPECLOOM_", "ANTHROPIC_KEY"))}
    env["OPENAI_KEY"] = KEY
    done = subprocess.run(
        [sys.executable, "-m", "specloom", "providers", "--json"], cwd=root, capture_output=True, text=True, env=env
    )
    assert done.returncode == 1  # a provider in the chain cannot be used
    listed = {p["name"]: p for p in json.loads(done.stdout)["providers"]}
    assert listed["primary"]["health"] == "ok" and listed["primary"]["in_chain"] == 1
    assert listed["backup"]["health"] == "missing key: set ANTHROPIC_KEY"
    assert listed["template"]["health"] == "ok"
    assert KEY not in done.stdout


async def test_a_user_story_generates_code_and_tests_through_gemini(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, {"primary": "gemini"}, ["primary"]), EXAMPLES / "stories/lending.md")
    wire.script("primary", Reply(STORY))
    outcome, _ = await generate(root, "lending.md")
    assert outcome.outcome == "delivered", outcome.message
    assert (root / "out/src/lend_a_book.py").is_file() and (root / "out/tests/test_lend_a_book.py").is_file()
    prompt = json.dumps(wire.calls("primary")[0].body)
    assert "one test per acceptance criterion" in prompt and "5 open loans" in prompt


LOGIC_SPEC = EXAMPLES.parent / "templates/python-fastapi/1.1.0/tests/library/spec.yaml"  # takeInventory has logic


async def test_x_specloom_logic_is_written_by_the_ai_beside_the_template_crud(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, {"primary": "anthropic"}, ["primary", "template"]), LOGIC_SPEC)
    wire.script("primary", Reply(EXTENSIONS))
    outcome, record = await generate(root, "spec.yaml")
    assert outcome.outcome == "delivered", outcome.message
    out = root / "out/library"
    assert "include_router(extensions.router)" in (out / "app.py").read_text()
    assert (out / "routes/extensions.py").is_file() and (root / "out/tests/test_extensions.py").is_file()
    assert (out / "routes/shelves.py").is_file()  # the CRUD is still the pack's
    prompt = wire.calls("primary")[0].body["messages"][0]["content"]
    assert "takeInventory: POST /shelves/{shelfId}/inventory" in prompt and "Count the books stored" in prompt
    producers = {a["provider"] for a in record.record.provider_attempts}
    assert producers == {"template", "primary"}


async def test_without_a_working_provider_the_template_crud_is_the_floor(wire, api_key, tmp_path):
    root = workspace(
        tmp_path, provider_toml(wire, {"primary": "openai"}, ["primary", "template"], max_retries=0), LOGIC_SPEC
    )
    wire.script("primary", Fault(503))
    outcome, _ = await generate(root, "spec.yaml")
    assert outcome.outcome == "delivered", outcome.message
    assert not (root / "out/library/routes/extensions.py").exists()
    assert "extensions" not in (root / "out/library/app.py").read_text()
    assert any("not implemented" in gap and "503" in gap for gap in outcome.gaps)


TS_ADR = """---
status: accepted
date: 2026-12-01
---
# ADR-0042: A calculator endpoint in TypeScript

## Context and Problem Statement

Clients send arithmetic expressions and want the result.

## Considered Options

* Parse the expression
* Evaluate it as code

## Decision Outcome

Chosen option: "Parse the expression", because running it as code would hand the server to the client.

## Technical Specification

```typescript
// File: src/calc.ts
export function calculate(expression: string): number {
  return 0;
}
```

```typescript
// File: tests/calc.test.ts
import { calculate } from "../src/calc";
```
"""


def ts_answer(body: str) -> str:
    test = 'import { expect, test } from "vitest";\nimport { calculate } from "../src/calc";\n\n'
    test += 'test("adds", () => {\n  expect(calculate("1 + 2")).toBe(3);\n});\n'
    return (
        "```typescript\n// File: src/calc.ts\n"
        f"export function calculate(expression: string): number {{\n{body}}}\n```\n\n"
        f"```typescript\n// File: tests/calc.test.ts\n{test}```\n"
    )


async def test_model_written_typescript_goes_through_its_gates_and_eval_goes_back_to_the_model(wire, api_key, tmp_path):
    (tmp_path / "adr").mkdir()
    (tmp_path / "adr" / "calc.md").write_text(TS_ADR)
    root = workspace(
        tmp_path,
        provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup"], repair_attempts=1),
        tmp_path / "adr" / "calc.md",
    )
    parsed = '  const [a, b] = expression.split("+").map(Number);\n  return a + b;\n'
    wire.script("primary", Reply(ts_answer("  return eval(expression);\n")), Reply(ts_answer(parsed)))
    outcome, _ = await generate(root, "calc.md", language="typescript")
    assert [(a["provider"], a["round"]) for a in outcome.attempts] == [("primary", "generate"), ("primary", "repair 1")]
    repair_request = json.dumps(wire.calls("primary")[1].body)
    assert "MAL001" in repair_request and "src/calc.ts" in repair_request
    # the repaired code passes the pattern scan; whatever else is left is TypeScript's own gates' verdict
    assert outcome.outcome == "delivered", [(i.code, i.file, i.message) for i in outcome.gate_issues]
    assert "eval" not in (root / "out" / "src" / "calc.ts").read_text()


GO_ADR = (
    TS_ADR.replace("TypeScript", "Go")
    .split("```typescript")[0]
    .replace("running it as code", "handing it to a shell")
    .replace("Evaluate it as code", "Hand it to a shell")
)


def go_answer(body: str, imports: str) -> str:
    test = (
        'package calc\n\nimport "testing"\n\nfunc TestAdds(t *testing.T) {\n'
        '\tif got, err := Calculate("1 + 2"); err != nil || got != 3 {\n'
        '\t\tt.Fatalf("Calculate(1 + 2) = %v, %v", got, err)\n\t}\n}\n\n'
        "func TestRefusesWhatIsNotANumber(t *testing.T) {\n"
        '\tfor _, expression := range []string{"x + 1", "1 + y"} {\n'
        "\t\tif _, err := Calculate(expression); err == nil {\n"
        '\t\t\tt.Errorf("Calculate(%q) gave no error", expression)\n\t\t}\n\t}\n}\n'
    )
    return (
        "```text\n// File: go.mod\nmodule example.com/calc\n\ngo 1.22\n```\n\n"
        f"```go\n// File: calc/calc.go\npackage calc\n\nimport (\n{imports})\n\n"
        "// Calculate adds the two numbers of an expression `a + b`.\n"
        f"func Calculate(expression string) (int, error) {{\n{body}}}\n```\n\n"
        f"```go\n// File: calc/calc_test.go\n{test}```\n"
    )


async def test_model_written_go_goes_through_its_gates_and_a_shell_call_goes_back_to_the_model(wire, api_key, tmp_path):
    (tmp_path / "adr").mkdir()
    (tmp_path / "adr" / "calc.md").write_text(
        GO_ADR + "\n## Technical Specification\n\n" + go_answer("\treturn 0, nil\n", "")
    )
    root = workspace(
        tmp_path,
        provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup"], repair_attempts=1),
        tmp_path / "adr" / "calc.md",
    )
    shelled = (
        '\tout, err := exec.Command("sh", "-c", "expr "+expression).Output()\n'
        "\tif err != nil {\n\t\treturn 0, err\n\t}\n"
        "\treturn strconv.Atoi(strings.TrimSpace(string(out)))\n"
    )
    parsed = (
        '\ta, b, _ := strings.Cut(expression, "+")\n'
        "\tx, err := strconv.Atoi(strings.TrimSpace(a))\n"
        "\tif err != nil {\n\t\treturn 0, err\n\t}\n"
        "\ty, err := strconv.Atoi(strings.TrimSpace(b))\n"
        "\treturn x + y, err\n"
    )
    first = go_answer(shelled, '\t"os/exec"\n\t"strconv"\n\t"strings"\n')
    wire.script("primary", Reply(first), Reply(go_answer(parsed, '\t"strconv"\n\t"strings"\n')))
    outcome, _ = await generate(root, "calc.md", language="go")
    assert [(a["provider"], a["round"]) for a in outcome.attempts] == [("primary", "generate"), ("primary", "repair 1")]
    repair_request = json.dumps(wire.calls("primary")[1].body)
    assert "MAL003" in repair_request and "calc/calc.go" in repair_request
    assert outcome.outcome == "delivered", [(i.code, i.file, i.message) for i in outcome.gate_issues]
    assert "os/exec" not in (root / "out" / "calc" / "calc.go").read_text()


CS_CODE = "public static class Calc\n{\n    public static int Add(int a, int b) => a + b;\n}\n"
CS_TESTS = "public class CalcTests\n{\n    public bool Adds() => Calc.Add(1, 2) == 3;\n}\n"
CS_ADR = TS_ADR.split("```typescript")[0].replace("TypeScript", "C#") + (
    f"```csharp\n// File: src/Calc.cs\n{CS_CODE}```\n\n```csharp\n// File: tests/CalcTests.cs\n{CS_TESTS}```\n"
)


@pytest.mark.skipif(shutil.which("dotnet") is not None, reason="the .NET SDK is installed here")
async def test_missing_tools_are_not_sent_back_to_the_model_and_the_report_names_the_install(wire, api_key, tmp_path):
    (tmp_path / "adr").mkdir()
    (tmp_path / "adr" / "calc.md").write_text(CS_ADR)
    toml = provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup"], repair_attempts=2)
    root = workspace(tmp_path, toml, tmp_path / "adr" / "calc.md")
    wire.script("primary", Reply(CS_ADR.split("## Technical Specification")[1]))
    outcome, _ = await generate(root, "calc.md", language="csharp")
    assert outcome.outcome == "gate_failed" and outcome.repair_rounds == 0, outcome.message
    assert [a["round"] for a in outcome.attempts] == ["generate"]
    assert {i.code for i in outcome.gate_issues if i.severity == "error"} == {"tool-missing"}
    assert ".NET SDK" in outcome.message and "dotnet-sdk-8.0" in outcome.message
    [prepared] = outcome.toolchains  # the pipeline tried to prepare it before the gates, and says why it could not
    assert prepared["language"] == "csharp" and ".NET SDK" in prepared["problem"]
