"""The go-nethttp pack: golden cases, the rendered project under the real Go gates, served under schemathesis,
and the spec fuzzer; and the Go gates failing closed, naming file and line."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from specloom.backends import backend_named
from specloom.backends.languages.go import GATES, go_env
from specloom.core.specs import parse_path
from specloom.gates.base import GateConfig
from specloom.templates.generate import render_spec
from specloom.templates.goldens import run_pack
from specloom.templates.packs import BUILTIN_PACKS, PackError, discover, select
from specloom.toolchains import toolchains_root

from .spec_strategies import crud_specs
from .test_served_projects import auth_config, schemathesis
from .test_spec_fuzzer import CI, as_yaml

PACK = BUILTIN_PACKS / "go-nethttp" / "1.0.0"
BOOKSTORE = PACK / "tests" / "bookstore" / "spec.yaml"
# Each fuzzed project runs go vet, staticcheck, gosec and go test (~10 s here): a few keep CI within budget.
FUZZED_EXAMPLES = 2


@pytest.fixture(scope="module")
def tools() -> Path:
    """The pack's prepared toolchain (make test prepares it; preparing again is a no-op)."""
    folder = toolchains_root() / "go-nethttp@1.0.0"
    GATES.prepare(folder, None)
    assert GATES.tool_problem(folder) is None
    return folder


def pack():
    packs, errors = discover()
    assert errors == []
    return select(packs, "go-nethttp", "^1.0")


def rendered(spec_path: Path, folder: Path) -> list[str]:
    spec, _ = parse_path(spec_path)
    result = render_spec(pack(), spec, None, {}, extensions=False)
    for f in result.files:
        (folder / f.path).parent.mkdir(parents=True, exist_ok=True)
        (folder / f.path).write_text(f.content, encoding="utf-8")
    return result.gaps


def all_gates(root: Path, tools: Path) -> list:
    async def run():
        cfg = GateConfig()
        return [
            *await GATES.style(root, cfg, tools),
            *await GATES.security(root, cfg, tools),
            *await GATES.tests(root, cfg, tools),
        ]

    return asyncio.run(run())


def test_the_golden_cases_pass():
    results = run_pack(pack())
    assert {r.case for r in results} == {"bookstore", "library", "petstore-expanded"}
    assert all(r.passed for r in results), [r.differences for r in results]


def test_a_rendered_bookstore_passes_every_go_gate_and_its_own_test_command(tmp_path: Path, tools: Path):
    assert rendered(BOOKSTORE, tmp_path) == []
    assert all_gates(tmp_path, tools) == []
    spec, _ = parse_path(BOOKSTORE)
    commands = backend_named("go-nethttp").run_commands(spec, {})
    done = subprocess.run(
        commands["test"], shell=True, cwd=tmp_path, env=go_env(tools), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    coverage = float(done.stdout.split("coverage: ")[1].split("%")[0])
    assert coverage >= 95, done.stdout
    assert commands["credentials_env"] == ["BOOKSTORE_API_TOKENS"]


def test_the_go_gates_name_file_line_and_rule(tmp_path: Path, tools: Path):
    (tmp_path / "go.mod").write_text("module shell\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text(
        'package main\n\nimport (\n\t"os"\n\t"os/exec"\n)\n\nfunc main() {\n'
        '\tinput := os.Args[1]\n\t_ = exec.Command("sh", "-c", input).Run() // #nosec G204\n}\n'
        "func  unformatted() {}\n"
    )
    cfg = GateConfig()
    security = asyncio.run(GATES.security(tmp_path, cfg, tools))
    assert ("main.go", 10, "G204") in {(f.file, f.line, f.code) for f in security}, security
    style = asyncio.run(GATES.style(tmp_path, cfg, tools))
    assert any(f.code == "gofmt" and f.file == "main.go" for f in style), style
    assert any(f.code == "U1000" and f.file == "main.go" and f.line == 12 for f in style), style
    [missing] = asyncio.run(GATES.tests(tmp_path, cfg, tools))
    assert missing.code == "no-tests" and missing.severity == "error"


def test_a_failing_test_and_low_coverage_fail_the_tests_gate(tmp_path: Path, tools: Path):
    (tmp_path / "go.mod").write_text("module low\n\ngo 1.22\n")
    (tmp_path / "low.go").write_text(
        "package low\n\nfunc Half(n int) int {\n\tif n < 0 {\n\t\treturn 0\n\t}\n\treturn n / 2\n}\n"
    )
    test = (
        'package low\n\nimport "testing"\n\nfunc TestHalf(t *testing.T) {\n\tif Half(4) != WANT {\n'
        '\t\tt.Fatal("no")\n\t}\n}\n'
    )
    (tmp_path / "low_test.go").write_text(test.replace("WANT", "2"))
    [low] = asyncio.run(GATES.tests(tmp_path, GateConfig(), tools))
    assert low.code == "coverage" and "below the 95% threshold" in low.message
    (tmp_path / "low_test.go").write_text(test.replace("WANT", "3"))
    [failed] = asyncio.run(GATES.tests(tmp_path, GateConfig(), tools))
    assert (failed.file, failed.line, failed.code) == ("low_test.go", 7, "test-failure")


def test_an_unprepared_toolchain_fails_closed_naming_the_install_command(tmp_path: Path):
    problem = GATES.tool_problem(tmp_path / "empty")
    assert "staticcheck" in problem and "specloom templates prepare go-nethttp" in problem
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    for gate in (GATES.style, GATES.security, GATES.tests):
        [finding] = asyncio.run(gate(tmp_path, GateConfig(), tmp_path / "empty"))
        assert finding.code == "tool-missing" and finding.severity == "error" and finding.message == problem


def test_what_go_fields_cannot_hold_is_refused_by_name():
    spec, _ = parse_path(PACK / "tests" / "bookstore" / "spec.yaml")
    backend = backend_named("go-nethttp")
    spec.schemas["NewAuthor"]["properties"]["address"] = {"type": "object", "properties": {"city": {"type": "string"}}}
    create = next(op for op in spec.operations if op.operation_id == "createAuthor")
    assert backend.template_gap(spec, create) == (
        "field `address` of schema NewAuthor is a nested object, which go-nethttp 1.0.0 does not implement"
    )
    book = next(op for op in spec.operations if op.operation_id == "createBook")
    assert backend.template_gap(spec, book) is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(project: Path, tools: Path, command: str, env: dict[str, str]):
    """The delivered project's own serve command on a free port, until the block ends."""
    port = free_port()
    build = subprocess.run(["go", "build", "./..."], cwd=project, env=go_env(tools), capture_output=True, text=True)
    assert build.returncode == 0, build.stderr  # compiled before the clock starts: `go run` then starts at once
    server = subprocess.Popen(
        command, shell=True, cwd=project, env={**go_env(tools), **env, "PORT": str(port)}, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            assert server.poll() is None, f"the served project exited with {server.returncode}"
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the served project did not answer within 120 s"
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(server.pid, 9)
        server.wait()


def only_beyond_64_bits(report: str) -> bool:
    """Whether every failure schemathesis reports is a body integer beyond 64 bits, answered 422: the pack's
    one known limit (Go's int64; the README names it), which bookstore's unbounded `born` lets it find."""
    failures = re.split(r"\n_{5,} .* _{5,}\n", report.split("FAILURES", 1)[-1].split("SUMMARY", 1)[0])[1:]
    return bool(failures) and all("of 64 bits: this service stores no larger one" in f for f in failures)


def test_the_served_bookstore_behaves_as_the_spec_says_under_schemathesis(tmp_path: Path, tools: Path):
    rendered(BOOKSTORE, tmp_path)
    spec, _ = parse_path(BOOKSTORE)
    commands = backend_named("go-nethttp").run_commands(spec, {})
    credentials = dict.fromkeys(commands["credentials_env"], "served-token")
    with serving(tmp_path, tools, commands["serve"], credentials) as url:
        headers = {"Authorization": "Bearer served-token"}
        with httpx.Client(base_url=url, headers=headers, timeout=10) as http:
            assert httpx.get(url + "/books", timeout=10).status_code == 401
            book = {"title": "Dune", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction"}
            created = http.post("/books", json=book)
            assert created.status_code == 201 and created.headers["content-type"] == "application/json"
            body = created.json()
            assert {k: body[k] for k in book} == book and body["id"] and body["createdAt"]
            assert http.get(f"/books/{body['id']}").json() == body
            assert http.get("/books", params={"genre": "fiction", "limit": 10}).json() == {"items": [body], "total": 1}
            assert http.get("/books", params={"genre": "poetry"}).json() == {"items": [], "total": 0}
            assert http.delete(f"/books/{body['id']}").status_code == 204
            missing = http.get(f"/books/{body['id']}")
            assert missing.status_code == 404 and set(missing.json()) == {"error", "message"}
            invalid = http.post("/books", json={"title": ""})
            assert invalid.status_code == 422 and set(invalid.json()) == {"error", "message"}
        positive = schemathesis(BOOKSTORE, url, headers, "positive", ["all"], ["ignored_auth"])
        assert positive.returncode == 0 or only_beyond_64_bits(positive.stdout), positive.stdout[-4000:]
        negative = schemathesis(
            BOOKSTORE,
            url,
            headers,
            "negative",
            ["not_a_server_error", "response_schema_conformance", "content_type_conformance"],
        )
        assert negative.returncode == 0, negative.stdout[-4000:]


# The golden cases (petstore-expanded is OpenAPI's own public example), an ordinary CRUD spec of our own (pages,
# an API key, nesting) and public corpus documents, each served and fuzzed as delivered.
ORDINARY = Path(__file__).parent / "specs" / "served-ordinary-30-page-apikey-nested.yaml"
PUBLIC_SERVED = [
    "3.0/json/openapi-workshop/hoot.json"
]  # a public document of the corpus (tests/corpus) the pack delivers


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
def test_a_golden_case_or_public_spec_is_gated_tested_and_served_as_it_says(case: str, tmp_path: Path, tools: Path):
    spec_path = served_spec_path(case, PACK / "tests" / case / "spec.yaml")
    project = tmp_path / "project"
    project.mkdir()
    rendered(spec_path, project)
    spec, _ = parse_path(spec_path)
    backend = backend_named("go-nethttp")
    commands = backend.run_commands(spec, {})
    assert all_gates(project, tools) == []
    done = subprocess.run(
        commands["test"], shell=True, cwd=project, env=go_env(tools), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0 and float(done.stdout.split("coverage: ")[1].split("%")[0]) >= 95, done.stdout
    config, token = auth_config(spec.data, tmp_path)
    # What the pack leaves to an AI provider (named in the plan) is not served without one.
    rendering = backend.render_context(pack(), spec, None, {}, False)
    operations = sorted({f"{r.op.method.upper()} {r.op.path}" for rv in rendering.resources for r in rv.routes})
    with serving(project, tools, commands["serve"], dict.fromkeys(commands["credentials_env"], token)) as url:
        positive = schemathesis(spec_path, url, {}, "positive", ["all"], ["ignored_auth"], config, operations)
        assert positive.returncode == 0 or only_beyond_64_bits(positive.stdout), positive.stdout[-4000:]
        checks = ["not_a_server_error", "response_schema_conformance", "content_type_conformance"]
        negative = schemathesis(spec_path, url, {}, "negative", checks, config=config, operations=operations)
        assert negative.returncode == 0, negative.stdout[-4000:]


def gated_or_named(spec_path: Path, folder: Path, tools: Path) -> str | None:
    """None when the pack refuses the document by name, or renders a project every Go gate passes in which
    each operation is implemented or named; else what broke that."""
    parsed, _ = parse_path(spec_path)
    try:
        result = render_spec(pack(), parsed, None, {}, extensions=False)
    except PackError as refused:
        return None if str(refused) else "refused without a reason"
    routes = "\n".join(f.content for f in result.files if f.path.startswith("api/routes_"))
    for op in parsed.operations:
        named = any(g.startswith(f"{op.operation_id}:") or op.path in g for g in result.gaps)
        if f"({op.operation_id})" not in routes and not named:
            return f"{op.operation_id} neither rendered nor named"
    for f in result.files:
        (folder / f.path).parent.mkdir(parents=True, exist_ok=True)
        (folder / f.path).write_text(f.content, encoding="utf-8")
    findings = all_gates(folder, tools)
    return f"gate findings: {findings}" if findings else None


# A few public documents python-fastapi delivers (tests/corpus): bounded, as the fuzzer, to keep CI short.
CORPUS_SAMPLE = ["3.0/json/link-example.json", "3.0/json/openapi-workshop/hoot.json", "3.0/json/response-schemas.json"]


@pytest.mark.parametrize("document", CORPUS_SAMPLE)
def test_a_public_document_is_gated_or_refused_by_name(document: str, tmp_path: Path, tools: Path):
    from tests.corpus.corpus import install

    package, why = install()
    if package is None:
        pytest.skip(f"the @readme/oas-examples corpus is unavailable: {why}")
    assert gated_or_named(package / document, tmp_path, tools) is None


@settings(CI, max_examples=FUZZED_EXAMPLES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(crud_specs())
def test_the_pack_renders_a_gated_project_or_names_what_it_refuses(tools: Path, spec: dict):
    import json

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "spec.json").write_text(json.dumps(spec, ensure_ascii=False))
        parsed, _ = parse_path(folder / "spec.json")
        try:
            result = render_spec(pack(), parsed, None, {}, extensions=False)
        except PackError as refused:
            assert str(refused), as_yaml(spec)  # refused, and it says why
            return
        routes = "\n".join(f.content for f in result.files if f.path.startswith("api/routes_"))
        for op in parsed.operations:
            named = any(g.startswith(f"{op.operation_id}:") or op.path in g for g in result.gaps)
            assert f"({op.operation_id})" in routes or named, f"{op.operation_id} neither rendered nor named"
        project = folder / "project"
        for f in result.files:
            (project / f.path).parent.mkdir(parents=True, exist_ok=True)
            (project / f.path).write_text(f.content, encoding="utf-8")
        findings = all_gates(project, tools)
        assert findings == [], f"{findings}\n--- spec ---\n{as_yaml(spec)}"


def test_a_create_body_that_is_the_item_schema_may_leave_out_its_read_only_fields(tmp_path: Path, tools: Path):
    gaps = rendered(Path(__file__).parent / "specs" / "read-only-in-request.yaml", tmp_path)
    assert gaps == []
    # The generated tests create a pet without id and createdAt, and read the server's values back.
    assert all_gates(tmp_path, tools) == []
