"""The typescript-fastify pack and the TypeScript gates, for real: goldens, the delivered project's own tests,
the gates on rendered projects, the gates failing closed, the project served to schemathesis, the spec fuzzer
and the corpus. Nothing is installed at test time: projects get a `node_modules` symlink to the prepared toolchain.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from specloom.backends.languages.typescript import GATES
from specloom.backends.typescript_fastify import BACKEND, TOOLCHAIN
from specloom.core.specs import parse_path
from specloom.gates.base import GateConfig
from specloom.templates.generate import render_spec
from specloom.templates.goldens import run_pack
from specloom.templates.packs import PackError, discover, select
from specloom.toolchains import toolchains_root
from tests.corpus.corpus import documents, install
from tests.helpers import EXAMPLES
from tests.templates.spec_strategies import crud_specs
from tests.templates.test_served_projects import auth_config, free_port, schemathesis
from tests.templates.test_spec_fuzzer import CI, as_yaml

PACK = select(discover()[0], "typescript-fastify")
FUZZED_EXAMPLES = 2  # each runs the three TypeScript gates (~10 s idle); bench/bench_typescript.py runs more
GATED_CORPUS_DOCUMENTS = 1


@pytest.fixture(scope="module")
def tools() -> Path:
    """The pack's toolchain, prepared once (a no-op when `make test` already did)."""
    folder = toolchains_root() / TOOLCHAIN
    GATES.prepare(folder, PACK.root / "toolchain")
    return folder


def write_project(spec, target: Path, tools: Path, operations: list[str] | None = None) -> list[str]:
    result = render_spec(PACK, spec, operations, {}, extensions=False)
    for f in result.files:
        (target / f.path).parent.mkdir(parents=True, exist_ok=True)
        (target / f.path).write_text(f.content, encoding="utf-8")
    (target / "node_modules").symlink_to(tools / "node_modules", target_is_directory=True)
    return result.gaps


def run_gates(root: Path, tools: Path) -> list:
    async def all_three():
        cfg = GateConfig()
        return await asyncio.gather(
            GATES.style(root, cfg, tools), GATES.security(root, cfg, tools), GATES.tests(root, cfg, tools)
        )

    return [f for findings in asyncio.run(all_three()) for f in findings]


def shell(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        shell=True,  # noqa: S602 - the manifest's commands are shell commands by contract
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": os.environ["PATH"], "HOME": str(cwd), "CI": "1", "NO_COLOR": "1", "FORCE_COLOR": "0", **env},
    )


def test_the_golden_cases_pass(tools: Path):
    results = run_pack(PACK)
    assert {r.case for r in results} == {"bookstore", "library", "petstore-expanded"}
    assert all(r.passed for r in results), [r.differences for r in results]


def test_the_delivered_bookstore_passes_its_own_tests_with_95_percent_coverage(tools: Path, tmp_path: Path):
    spec, _ = parse_path(EXAMPLES / "openapi/bookstore.yaml")
    assert write_project(spec, tmp_path, tools) == []
    command = BACKEND.run_commands(spec, {})["test"]
    done = shell(f"{command} -- --coverage.reporter=json-summary --coverage.reporter=text", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"Tests\s+\d+ passed", done.stdout), done.stdout[-2000:]
    lines = json.loads((tmp_path / "coverage/coverage-summary.json").read_text())["total"]["lines"]
    assert lines["pct"] >= 95, lines


@pytest.mark.parametrize("case", ["bookstore"])
def test_the_typescript_gates_find_nothing_in_a_rendered_project(case: str, tools: Path, tmp_path: Path):
    spec, _ = parse_path(PACK.root / "tests" / case / "spec.yaml")
    write_project(spec, tmp_path, tools)
    (tmp_path / "node_modules").unlink()  # the gates link it themselves, and remove it afterwards
    assert run_gates(tmp_path, tools) == []
    assert not (tmp_path / "node_modules").exists()


def test_the_typescript_gates_name_file_line_and_rule(tools: Path, tmp_path: Path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src/handler.ts").write_text(
        "export function run(req: { body: string }): unknown {\n"
        "  return eval(req.body);\n"
        "}\n"
        "export const count: number = 'three';\n",
        encoding="utf-8",
    )
    found = {(f.gate, f.file, f.line, f.code) for f in run_gates(tmp_path, tools)}
    assert ("security", "src/handler.ts", 2, "security/detect-eval-with-expression") in found
    assert ("style", "src/handler.ts", 4, "TS2322") in found  # the strict type check
    assert ("style", "src/handler.ts", 1, "prettier") in found  # single quotes are not prettier's layout
    assert ("tests", "", 0, "no-tests") in found  # code without tests never passes


COUNTER_TEST = (
    'import { expect, it } from "vitest";\n\nimport { next } from "../src/counter.js";\n\n'
    'it("counts from one", () => {\n  expect(next()).toBe(1);\n});\n'
)


def test_the_tests_gate_runs_each_test_file_as_the_projects_own_npm_test_does(tools: Path, tmp_path: Path):
    """Each test file gets fresh modules: a test that passes only after another file ran fails, as under
    `npm test` (sharing modules across files would save about a third of Vitest's CPU, and pass it)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "src/counter.ts").write_text(
        "let count = 0;\n\nexport function next(): number {\n  count += 1;\n  return count;\n}\n", encoding="utf-8"
    )
    for name in ("a", "b"):
        (tmp_path / f"tests/{name}.test.ts").write_text(COUNTER_TEST, encoding="utf-8")
    assert asyncio.run(GATES.tests(tmp_path, GateConfig(), tools)) == []
    (tmp_path / "tests/b.test.ts").write_text(COUNTER_TEST.replace("toBe(1)", "toBe(2)"), encoding="utf-8")
    [failed] = asyncio.run(GATES.tests(tmp_path, GateConfig(), tools))
    assert (failed.file, failed.line, failed.code) == ("tests/b.test.ts", 5, "test-failed")
    assert "expected 1 to be 2" in failed.message


def test_a_missing_toolchain_names_the_tool_and_the_command_that_installs_it(tmp_path: Path):
    problem = GATES.tool_problem(tmp_path / TOOLCHAIN)
    assert "typescript" in problem and "vitest" in problem
    assert "specloom templates prepare typescript-fastify" in problem
    assert "specloom templates prepare --language typescript" in GATES.tool_problem(tmp_path / "typescript@0.1.0")


def test_what_the_pack_does_not_implement_is_refused_with_the_reason():
    spec, _ = parse_path(Path(__file__).parent / "specs/pages-and-problems.yaml")
    gaps = render_spec(PACK, spec, None, {}, extensions=False).gaps
    assert any("cursor pages are not implemented by typescript-fastify 1.0.0" in gap for gap in gaps), gaps


@contextlib.contextmanager
def served(project: Path, command: str, env: dict[str, str]):
    """The delivered project's own `commands.serve`, on a free port, until the block ends."""
    port = free_port()
    server = subprocess.Popen(
        command,
        shell=True,  # noqa: S602 - the manifest's commands are shell commands by contract
        cwd=project,
        env={"PATH": os.environ["PATH"], "HOME": str(project), "PORT": str(port), **env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # tsc builds first
    try:
        while True:
            if server.poll() is not None:
                pytest.fail(f"the served project exited with {server.returncode} before answering on {port}")
            try:
                httpx.get(url + "/no-such-path", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    pytest.fail("the served project did not answer within 90 s")
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(server.pid, 9)
        server.wait()


IDS = Path(__file__).parent / "specs/ids.yaml"


def test_a_body_default_fills_a_create_and_a_partial_update_keeps_what_it_leaves_out(tools: Path, tmp_path: Path):
    spec, _ = parse_path(IDS)
    assert write_project(spec, tmp_path, tools) == []
    assert run_gates(tmp_path, tools) == []  # the item requires `value`, the create body defaults it
    commands = BACKEND.run_commands(spec, {})
    with served(tmp_path, commands["serve"], {}) as url, httpx.Client(base_url=url, timeout=10) as http:
        created = http.post("/counters", json={"name": "a"}).json()
        assert created["value"] == 0 and created["counterId"] >= 1000, created
        counter = f"/counters/{created['counterId']}"
        assert http.patch(counter, json={"name": "a", "value": 5}).json()["value"] == 5
        assert http.patch(counter, json={"name": "b"}).json() == {**created, "name": "b", "value": 5}


def test_the_served_bookstore_behaves_as_its_spec_says_under_schemathesis(tools: Path, tmp_path: Path):
    spec_path = EXAMPLES / "openapi/bookstore.yaml"
    spec, _ = parse_path(spec_path)
    write_project(spec, tmp_path, tools)
    commands = BACKEND.run_commands(spec, {})
    env = dict.fromkeys(commands["credentials_env"], "served-token")
    with served(tmp_path, commands["serve"], env) as url:
        headers = {"Authorization": "Bearer served-token"}
        with httpx.Client(base_url=url, headers=headers, timeout=10) as http:
            assert httpx.get(url + "/books", timeout=10).status_code == 401
            book = {"title": "Dune", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction"}
            created = http.post("/books", json=book)
            assert created.status_code == 201 and created.headers["content-type"].startswith("application/json")
            body = created.json()
            assert {k: body[k] for k in book} == book and body["id"] and body["createdAt"]
            assert http.get(f"/books/{body['id']}").json() == body
            assert http.get("/books", params={"genre": "fiction"}).json() == {"items": [body], "total": 1}
            assert http.delete(f"/books/{body['id']}").status_code == 204
            missing = http.get(f"/books/{body['id']}")
            assert missing.status_code == 404 and set(missing.json()) == {"error", "message"}
            invalid = http.post("/books", json={"title": ""})
            assert invalid.status_code == 422 and set(invalid.json()) == {"error", "message"}
            # An unbounded integer past JavaScript's 1e21 is answered in digits, an integer to any client.
            author = http.post(
                "/authors",
                content=b'{"name": "Old", "born": 1300000000000000000001}',
                headers={"content-type": "application/json"},
            )
            assert author.status_code == 201 and '"born":1300000000000000000000' in author.text, author.text
        negative = schemathesis(
            spec_path,
            url,
            headers,
            "negative",
            ["not_a_server_error", "response_schema_conformance", "content_type_conformance"],
        )
        assert negative.returncode == 0, negative.stdout[-4000:]
        positive = schemathesis(spec_path, url, headers, "positive", ["all"], ["ignored_auth"])
        assert positive.returncode == 0, positive.stdout[-4000:]


# The golden cases (petstore-expanded is OpenAPI's own public example), an ordinary CRUD spec of our own (pages,
# an API key, nesting) and public corpus documents, each served and fuzzed as delivered.
ORDINARY = Path(__file__).parent / "specs" / "served-ordinary-30-page-apikey-nested.yaml"
PUBLIC_SERVED = ["3.0/json/openapi-workshop/hoot.json"]  # a public document of the corpus (tests/corpus) it delivers


def served_spec_path(case: str, golden: Path) -> Path:
    if case == ORDINARY.name:
        return ORDINARY
    if case not in PUBLIC_SERVED:
        return golden
    from tests.corpus.corpus import install

    package, why = install()
    if package is None:
        pytest.skip(f"the @readme/oas-examples corpus is unavailable: {why}")
    return package / case


@pytest.mark.parametrize("case", ["petstore-expanded", "library", ORDINARY.name, *PUBLIC_SERVED])
def test_a_golden_case_or_public_spec_is_gated_tested_and_served_as_it_says(case: str, tools: Path, tmp_path: Path):
    spec_path = served_spec_path(case, PACK.root / "tests" / case / "spec.yaml")
    spec, _ = parse_path(spec_path)
    project = tmp_path / "project"
    write_project(spec, project, tools)
    commands = BACKEND.run_commands(spec, {})
    (project / "node_modules").unlink()  # the gates link it themselves, and remove it afterwards
    assert run_gates(project, tools) == []
    (project / "node_modules").symlink_to(tools / "node_modules", target_is_directory=True)
    done = shell(f"{commands['test']} -- --coverage.reporter=json-summary", project)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert json.loads((project / "coverage/coverage-summary.json").read_text())["total"]["lines"]["pct"] >= 95
    config, token = auth_config(spec.data, tmp_path)
    # What the pack leaves to an AI provider (named in the plan) is not served without one.
    rendering = BACKEND.render_context(PACK, spec, None, {}, False)
    operations = sorted({f"{r.op.method.upper()} {r.op.path}" for rv in rendering.resources for r in rv.routes})
    with served(project, commands["serve"], dict.fromkeys(commands["credentials_env"], token)) as url:
        positive = schemathesis(spec_path, url, {}, "positive", ["all"], ["ignored_auth"], config, operations)
        assert positive.returncode == 0, positive.stdout[-4000:]
        checks = ["not_a_server_error", "response_schema_conformance", "content_type_conformance"]
        negative = schemathesis(spec_path, url, {}, "negative", checks, config=config, operations=operations)
        assert negative.returncode == 0, negative.stdout[-4000:]


def unnamed(spec_dict: dict, rendered: set[str], gaps: list[str]) -> list[str]:
    """Operations neither rendered nor named in a gap: what a refusal would leave unexplained."""
    ids = [
        op["operationId"]
        for item in (spec_dict.get("paths") or {}).values()
        for op in (item or {}).values()
        if isinstance(op, dict) and op.get("operationId")
    ]
    return [i for i in ids if i not in rendered and not any(i in gap for gap in gaps)]


def render_or_refuse(spec, spec_dict: dict, target: Path, tools: Path) -> bool:
    """Render into `target`; False when the pack refuses all of it, saying why. Fails on an unnamed refusal."""
    try:
        rendering = BACKEND.render_context(PACK, spec, None, {}, False)
    except PackError as refused:
        assert str(refused), as_yaml(spec_dict)
        return False
    rendered = {r.op.operation_id for rv in rendering.resources for r in rv.routes}
    assert unnamed(spec_dict, rendered, rendering.api.gaps) == [], as_yaml(spec_dict)
    write_project(spec, target, tools)
    (target / "node_modules").unlink()
    return True


@settings(CI, max_examples=FUZZED_EXAMPLES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(crud_specs())
def test_a_fuzzed_spec_renders_a_project_the_gates_pass_or_is_refused_by_name(spec_dict: dict):
    tools = toolchains_root() / TOOLCHAIN
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.json"
        path.write_text(json.dumps(spec_dict, ensure_ascii=False))
        spec, _ = parse_path(path)
        project = Path(tmp) / "project"
        if render_or_refuse(spec, spec_dict, project, tools):
            findings = [f for f in run_gates(project, tools) if f.severity == "error"]
            assert findings == [], f"{findings[:8]}\n--- spec ---\n{as_yaml(spec_dict)}"


def test_the_corpus_renders_or_is_refused_by_name_and_what_renders_passes_the_gates(tools: Path, tmp_path: Path):
    package, why = install()
    if package is None:
        pytest.skip(why)
    gated = 0
    for document in documents(package):
        spec, _ = parse_path(package / document)
        spec_dict = spec.data
        project = tmp_path / document.replace("/", "_")
        if render_or_refuse(spec, spec_dict, project, tools) and gated < GATED_CORPUS_DOCUMENTS:
            gated += 1
            findings = [f for f in run_gates(project, tools) if f.severity == "error"]
            assert findings == [], f"{document}: {findings[:8]}"
    assert gated == GATED_CORPUS_DOCUMENTS
