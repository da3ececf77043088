"""The java-springboot pack: golden cases, the rendered project under the real Java gates, served under
schemathesis, and the spec fuzzer; and the Java gates failing closed, naming file, line and rule."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from specloom.backends import backend_named
from specloom.backends.languages.java import GATES, maven_repository
from specloom.core.specs import parse_path
from specloom.gates.base import GateConfig
from specloom.templates.generate import render_spec
from specloom.templates.goldens import run_pack
from specloom.templates.packs import BUILTIN_PACKS, PackError, discover, select
from specloom.toolchains import toolchains_root

from .spec_strategies import crud_specs
from .test_served_projects import auth_config, schemathesis
from .test_spec_fuzzer import CI, as_yaml

pytestmark = pytest.mark.skipif(
    shutil.which("mvn") is None or shutil.which("java") is None, reason="needs a JDK, Maven"
)

PACK = BUILTIN_PACKS / "java-springboot" / "1.0.0"
CASES = PACK / "tests"
BOOKSTORE = CASES / "bookstore" / "spec.yaml"
# Each gated project runs three Maven builds and a Spring context (~40 s here): one in CI keeps its budget.
FUZZED_EXAMPLES = 1


@pytest.fixture(scope="module")
def tools() -> Path:
    """The pack's prepared toolchain (make test prepares it; preparing again is a no-op)."""
    folder = toolchains_root() / "java-springboot@1.0.0"
    GATES.prepare(folder, PACK / "toolchain")
    assert GATES.tool_problem(folder) is None
    return folder


def maven_env(tools: Path) -> dict[str, str]:
    """How the delivered project's own commands find the prepared repository (as a user's ~/.m2 would be)."""
    return {**os.environ, "MAVEN_OPTS": f"-Dmaven.repo.local={maven_repository(tools)}"}


def pack():
    packs, errors = discover()
    assert errors == []
    return select(packs, "java-springboot", "^1.0")


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
        found = await asyncio.gather(GATES.style(root, cfg, tools), GATES.security(root, cfg, tools))
        return [*found[0], *found[1], *await GATES.tests(root, cfg, tools)]

    return asyncio.run(run())


@pytest.fixture(scope="module")
def gated_bookstore(tools: Path, tmp_path_factory) -> tuple[Path, list[str], list]:
    """Bookstore rendered once and put through every Java gate: (folder, gaps, findings) for the tests below."""
    folder = tmp_path_factory.mktemp("bookstore")
    gaps = rendered(BOOKSTORE, folder)
    return folder, gaps, all_gates(folder, tools)


def test_the_golden_cases_pass():
    results = run_pack(pack())
    assert {r.case for r in results} == {"bookstore", "library", "petstore-expanded"}
    assert all(r.passed for r in results), [r.differences for r in results]


def test_a_rendered_bookstore_passes_every_java_gate(gated_bookstore):
    folder, gaps, findings = gated_bookstore
    assert gaps == []
    assert findings == []
    assert (folder / "src/main/java/bookstore/BooksController.java").is_file()


def test_the_delivered_test_command_passes_with_95_percent_line_coverage(gated_bookstore, tools: Path):
    folder, _, _ = gated_bookstore
    spec, _ = parse_path(BOOKSTORE)
    commands = backend_named("java-springboot").run_commands(spec, {})
    assert commands["credentials_env"] == ["BOOKSTORE_API_TOKENS"]
    done = subprocess.run(
        commands["test"] + " -o",
        shell=True,
        cwd=folder,
        env=maven_env(tools),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    missed = covered = 0
    for row in (folder / "target/site/jacoco/jacoco.csv").read_text().splitlines()[1:]:
        cells = row.split(",")
        missed, covered = missed + int(cells[7]), covered + int(cells[8])
    assert 100 * covered / (missed + covered) >= 95


# What an AI provider writes for the library's takeInventory, which the pack leaves to it: a controller
# and a test; the test asks whether the pack's filter guards the operation, as the extension prompt says.
EXTENSION = """package library;

import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class Extensions {
  @PostMapping("/shelves/{shelfId}/inventory")
  Map<String, Object> takeInventory(@PathVariable("shelfId") long shelfId) {
    return Map.of("shelfId", shelfId, "books", 0);
  }
}
"""
EXTENSION_TEST = """package library;

import org.junit.jupiter.api.Test;

class ExtensionsTest extends ApiTest {
  @Test
  void takeInventoryNeedsTheCredential() throws Exception {
    expectError(call("POST", "/shelves/1/inventory", "", false), 401);
    expectStatus(call("POST", "/shelves/1/inventory", "", true), 200);
  }
}
"""


def test_a_secured_operation_left_to_the_ai_is_guarded_by_the_filter(tmp_path: Path, tools: Path):
    spec, _ = parse_path(CASES / "library" / "spec.yaml")
    result = render_spec(pack(), spec, None, {}, extensions=True)
    assert any(gap.startswith("takeInventory") for gap in result.gaps)
    for f in result.files:
        (tmp_path / f.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f.path).write_text(f.content, encoding="utf-8")
    (tmp_path / "src/main/java/library/Extensions.java").write_text(EXTENSION)
    (tmp_path / "src/test/java/library/ExtensionsTest.java").write_text(EXTENSION_TEST)
    done = subprocess.run(
        ["mvn", "-o", "-q", "test", "-Dtest=ExtensionsTest"],
        cwd=tmp_path,
        env=maven_env(tools),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


# The pack's parent: what its prepared repository builds offline.
BROKEN_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId>
    <version>3.5.7</version><relativePath/></parent>
  <groupId>demo</groupId><artifactId>shell</artifactId><version>1</version>
  <properties><java.version>17</java.version></properties>
</project>
"""
SHELL = """package shell;

import java.io.IOException;
import java.util.List;

public final class Shell {
  private Shell() {}

  public static void run(String input) throws IOException {
    Runtime.getRuntime().exec(input);
  }

  public static boolean yes(String answer) {
    return answer == "yes";
  }
}
"""


LOW_POM = BROKEN_POM.replace(
    "</project>",
    "  <dependencies><dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>\n"
    "    <scope>test</scope></dependency></dependencies>\n</project>",
)
HALF = """package low;

public final class Half {
  private Half() {}

  public static int of(int n) {
    if (n < 0) {
      return 0;
    }
    return n / 2;
  }
}
"""
HALF_TEST = """package low;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HalfTest {
  @Test
  void halves() {
    assertEquals(WANT, Half.of(4));
  }
}
"""


def test_the_java_gates_name_file_line_and_rule(tmp_path: Path, tools: Path):
    (tmp_path / "pom.xml").write_text(BROKEN_POM)
    source = tmp_path / "src/main/java/shell/Shell.java"
    source.parent.mkdir(parents=True)
    source.write_text(SHELL.replace("  private Shell() {}", "  private   Shell() {}"))
    cfg = GateConfig()
    style = asyncio.run(GATES.style(tmp_path, cfg, tools))
    found = {(f.file, f.line, f.code) for f in style}
    file = "src/main/java/shell/Shell.java"
    assert (file, 4, "google-java-format") in found, style  # its first difference: it drops the unused import
    assert (file, 4, "checkstyle:UnusedImports") in found, style
    assert (file, 14, "checkstyle:StringLiteralEquality") in found, style
    security = asyncio.run(GATES.security(tmp_path, cfg, tools))
    assert (file, 10, "COMMAND_INJECTION") in {(f.file, f.line, f.code) for f in security}, security
    [missing] = asyncio.run(GATES.tests(tmp_path, cfg, tools))
    assert missing.code == "no-tests" and missing.severity == "error"


def test_a_compiler_warning_fails_the_tests_gate_with_its_place(tmp_path: Path, tools: Path):
    (tmp_path / "pom.xml").write_text(LOW_POM)
    source = tmp_path / "src/main/java/low/Old.java"
    source.parent.mkdir(parents=True)
    source.write_text(
        "package low;\n\npublic final class Old {\n  private Old() {}\n\n"
        "  public static Integer boxed(int value) {\n    return new Integer(value);\n  }\n}\n"
    )
    (tmp_path / "src/test/java/low").mkdir(parents=True)
    (tmp_path / "src/test/java/low/OldTest.java").write_text(
        HALF_TEST.replace("HalfTest", "OldTest").replace("WANT, Half.of(4)", "4, Old.boxed(4)")
    )
    found = asyncio.run(GATES.tests(tmp_path, GateConfig(), tools))
    assert [(f.file, f.line, f.code) for f in found] == [("src/main/java/low/Old.java", 7, "javac")], found
    assert "deprecated" in found[0].message


def test_a_pom_that_configures_a_gate_plugin_is_refused(tmp_path: Path, tools: Path):
    plugin = "<build><plugins><plugin><artifactId>maven-checkstyle-plugin</artifactId></plugin></plugins></build>"
    pom = BROKEN_POM.replace("</project>", f"  {plugin}\n</project>")
    (tmp_path / "pom.xml").write_text(pom)
    line = pom[: pom.index(plugin)].count("\n") + 1
    (tmp_path / "src/test/java").mkdir(parents=True)
    (tmp_path / "src/test/java/ATest.java").write_text("class ATest {}\n")
    for gate in (GATES.style, GATES.security, GATES.tests):
        [refused] = asyncio.run(gate(tmp_path, GateConfig(), tools))
        assert (refused.file, refused.line, refused.code) == ("pom.xml", line, "gate-config"), refused


def test_a_failing_test_and_low_coverage_fail_the_tests_gate(tmp_path: Path, tools: Path):
    (tmp_path / "pom.xml").write_text(LOW_POM)
    (tmp_path / "src/main/java/low").mkdir(parents=True)
    (tmp_path / "src/main/java/low/Half.java").write_text(HALF)
    (tmp_path / "src/test/java/low").mkdir(parents=True)
    (tmp_path / "src/test/java/low/HalfTest.java").write_text(HALF_TEST.replace("WANT", "3"))
    [failed] = asyncio.run(GATES.tests(tmp_path, GateConfig(), tools))
    assert (failed.file, failed.line, failed.code) == ("src/test/java/low/HalfTest.java", 10, "test-failed"), failed
    assert "expected: <3> but was: <2>" in failed.message
    (tmp_path / "src/test/java/low/HalfTest.java").write_text(HALF_TEST.replace("WANT", "2"))
    [low] = asyncio.run(GATES.tests(tmp_path, GateConfig(), tools))
    assert low.code == "coverage" and "below the 95% threshold" in low.message and "low.Half" in low.message


def test_an_unprepared_toolchain_fails_closed_naming_the_install_command(tmp_path: Path):
    problem = GATES.tool_problem(tmp_path / "java-springboot@1.0.0")
    assert "specloom templates prepare java-springboot" in problem
    (tmp_path / "pom.xml").write_text(BROKEN_POM)
    for gate in (GATES.style, GATES.security, GATES.tests):
        [finding] = asyncio.run(gate(tmp_path, GateConfig(), tmp_path / "java-springboot@1.0.0"))
        assert finding.code == "tool-missing" and finding.severity == "error" and finding.message == problem


def test_what_java_fields_cannot_hold_is_refused_by_name():
    spec, _ = parse_path(BOOKSTORE)
    backend = backend_named("java-springboot")
    spec.schemas["NewAuthor"]["properties"]["address"] = {"type": "object", "properties": {"city": {"type": "string"}}}
    create = next(op for op in spec.operations if op.operation_id == "createAuthor")
    assert backend.template_gap(spec, create) == (
        "field `address` of schema NewAuthor is a nested object, which java-springboot 1.0.0 does not implement"
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
    build = subprocess.run(
        ["mvn", "-B", "-q", "-o", "compile"], cwd=project, env=maven_env(tools), capture_output=True, text=True
    )
    assert build.returncode == 0, build.stdout[-3000:]  # compiled before the clock starts
    server = subprocess.Popen(
        f"{command} -o",
        shell=True,
        cwd=project,
        env={**maven_env(tools), **env, "PORT": str(port)},
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            assert server.poll() is None, f"the served project exited with {server.returncode}"
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the served project did not answer within 180 s"
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(server.pid, 9)
        server.wait()


def only_beyond_64_bits(report: str) -> bool:
    """Whether every failure schemathesis reports is a body integer beyond 64 bits, answered 422: the pack's
    one known limit (Java's long; the README names it), which bookstore's unbounded `born` lets it find."""
    failures = re.split(r"\n_{5,} .* _{5,}\n", report.split("FAILURES", 1)[-1].split("SUMMARY", 1)[0])[1:]
    return bool(failures) and all("64 bits: this service stores no larger one" in f for f in failures)


def rendered_to_serve(case: str, project: Path) -> tuple[Path, dict, dict[str, str]]:
    """The case rendered into `project`: its spec, the pack's run commands, the credentials to serve it with."""
    spec_path = CASES / case / "spec.yaml"
    rendered(spec_path, project)
    spec, _ = parse_path(spec_path)
    commands = backend_named("java-springboot").run_commands(spec, {})
    credentials = dict.fromkeys(commands["credentials_env"], "served-token")
    return spec_path, commands, credentials


def test_the_served_bookstore_behaves_as_the_spec_says_under_schemathesis(tmp_path: Path, tools: Path):
    spec_path, commands, credentials = rendered_to_serve("bookstore", tmp_path)
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
        positive = schemathesis(spec_path, url, headers, "positive", ["all"], ["ignored_auth"])
        assert positive.returncode == 0 or only_beyond_64_bits(positive.stdout), positive.stdout[-4000:]
        negative = schemathesis(
            spec_path,
            url,
            headers,
            "negative",
            ["not_a_server_error", "response_schema_conformance", "content_type_conformance"],
        )
        assert negative.returncode == 0, negative.stdout[-4000:]


# ids.yaml: integer ids the spec bounds from 1000 (the first id is the lowest it allows).
IDS = Path(__file__).parent / "specs" / "ids.yaml"


@pytest.mark.parametrize("case", ["petstore-expanded", "library", IDS.name])
def test_the_served_case_behaves_as_the_spec_says_under_schemathesis(case: str, tmp_path: Path, tools: Path):
    project = tmp_path / "project"
    spec_path = IDS if case == IDS.name else CASES / case / "spec.yaml"
    gaps = rendered(spec_path, project)
    spec, _ = parse_path(spec_path)
    commands = backend_named("java-springboot").run_commands(spec, {})
    config, token = auth_config(yaml.safe_load(spec_path.read_text()), tmp_path)
    # The operations the pack renders: the ones it names as left to an AI provider are not served.
    served = [
        f"{op.method.upper()} {op.path}"
        for op in spec.operations
        if not any(g.startswith(f"{op.operation_id}:") for g in gaps)
    ]
    with serving(project, tools, commands["serve"], dict.fromkeys(commands["credentials_env"], token)) as url:
        positive = schemathesis(spec_path, url, {}, "positive", ["all"], ["ignored_auth"], config, served)
        assert positive.returncode == 0 or only_beyond_64_bits(positive.stdout), positive.stdout[-4000:]
        negative = schemathesis(
            spec_path,
            url,
            {},
            "negative",
            ["not_a_server_error", "response_schema_conformance", "content_type_conformance"],
            config=config,
            operations=served,
        )
        assert negative.returncode == 0, negative.stdout[-4000:]


def gated_or_named(spec_path: Path, folder: Path, tools: Path) -> str | None:
    """None when the pack refuses the document by name, or renders a project every Java gate passes in which
    each operation is implemented or named; else what broke that."""
    parsed, _ = parse_path(spec_path)
    try:
        result = render_spec(pack(), parsed, None, {}, extensions=False)
    except PackError as refused:
        return None if str(refused) else "refused without a reason"
    routes = "\n".join(f.content for f in result.files if f.path.endswith("Controller.java"))
    for op in parsed.operations:
        named = any(g.startswith(f"{op.operation_id}:") or op.path in g for g in result.gaps)
        if f"/** {op.operation_id}: " not in routes and not named:
            return f"{op.operation_id} neither rendered nor named"
    for f in result.files:
        (folder / f.path).parent.mkdir(parents=True, exist_ok=True)
        (folder / f.path).write_text(f.content, encoding="utf-8")
    findings = all_gates(folder, tools)
    return f"gate findings: {findings}" if findings else None


# One public document python-fastapi delivers (tests/corpus): bounded, as the fuzzer, to keep CI short.
CORPUS_SAMPLE = ["3.0/json/openapi-workshop/hoot.json"]


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
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "spec.json").write_text(json.dumps(spec, ensure_ascii=False))
        problem = gated_or_named(folder / "spec.json", folder / "project", tools)
        assert problem is None, f"{problem}\n--- spec ---\n{as_yaml(spec)}"


def test_a_create_body_that_is_the_item_schema_may_leave_out_its_read_only_fields(tmp_path: Path, tools: Path):
    gaps = rendered(Path(__file__).parent / "specs" / "read-only-in-request.yaml", tmp_path)
    assert gaps == []
    # The generated tests create a pet without id and createdAt, and read the server's values back.
    assert all_gates(tmp_path, tools) == []
