"""The rust-actixweb pack: golden cases, the rendered project under the real Rust gates (rustfmt, clippy, the
tests under LLVM source-based coverage), served under schemathesis, and the spec fuzzer; and the Rust gates
failing closed, naming file, line and rule."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
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
from specloom.backends.languages.rust import GATES, own_artifacts, remove_artifacts
from specloom.core.specs import parse_path
from specloom.gates.base import GateConfig
from specloom.templates.generate import render_spec
from specloom.templates.goldens import run_pack
from specloom.templates.packs import BUILTIN_PACKS, PackError, discover, select
from specloom.toolchains import toolchains_root

from .spec_strategies import crud_specs
from .test_served_projects import auth_config, schemathesis
from .test_spec_fuzzer import CI, as_yaml

PACK = BUILTIN_PACKS / "rust-actixweb" / "1.0.0"
CASES = PACK / "tests"
BOOKSTORE = CASES / "bookstore" / "spec.yaml"
# Each fuzzed project runs rustfmt, clippy and the instrumented tests (~15 s here): one keeps CI within budget.
FUZZED_EXAMPLES = 1


@pytest.fixture(scope="module")
def tools() -> Path:
    """The pack's prepared toolchain (make test prepares it; preparing again is a no-op)."""
    folder = toolchains_root() / "rust-actixweb@1.0.0"
    GATES.prepare(folder, PACK / "toolchain")
    assert GATES.tool_problem(folder) is None
    return folder


def rust_env(tools: Path, profiles: Path) -> dict[str, str]:
    """The prepared test build: the delivered crate compiles alone against the dependencies built there."""
    return {
        **os.environ,
        "CARGO_TARGET_DIR": str(tools / "target-tests"),
        "RUSTFLAGS": "-C instrument-coverage",
        "LLVM_PROFILE_FILE": str(profiles / "%p-%m.profraw"),
        "CARGO_INCREMENTAL": "0",
    }


def pack():
    packs, errors = discover()
    assert errors == []
    return select(packs, "rust-actixweb", "^1.0")


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


def test_the_rendered_lock_is_the_toolchain_lock_for_the_crate():
    lock = (CASES / "bookstore" / "expected" / "Cargo.lock").read_text()
    toolchain = (PACK / "toolchain" / "Cargo.lock").read_text()
    assert 'name = "bookstore"\nversion = "1.2.0"' in lock and "specloom-rust-toolchain" not in lock
    pinned = {line for line in toolchain.splitlines() if line.startswith(("version", "checksum"))}
    assert pinned - {'version = "0.1.0"'} <= set(lock.splitlines())


@pytest.mark.parametrize("crate", ["aaa_first", "zzz_last"])
def test_cargo_accepts_the_rendered_lock_as_it_is_whatever_the_crate_sorts_as(crate: str, tmp_path: Path):
    from specloom.backends.rust_actixweb.context import cargo_lock

    manifest = (PACK / "toolchain" / "Cargo.toml").read_text().replace('"specloom-rust-toolchain"', f'"{crate}"')
    (tmp_path / "Cargo.toml").write_text(manifest)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.rs").write_text("fn main() {}\n")
    (tmp_path / "Cargo.lock").write_text(cargo_lock(PACK / "toolchain" / "Cargo.lock", crate, "0.1.0"))
    args = ["cargo", "metadata", "--offline", "--locked", "--format-version", "1"]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr  # --locked: cargo would have to change nothing in it


@pytest.fixture(scope="module")
def gated_bookstore(tools: Path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bookstore")
    gaps = rendered(BOOKSTORE, folder)
    return folder, gaps, all_gates(folder, tools)


def test_a_rendered_bookstore_passes_every_rust_gate_and_its_own_test_command(gated_bookstore, tools: Path):
    folder, gaps, findings = gated_bookstore
    assert gaps == [] and findings == []  # the tests gate holds it to 95% line coverage
    spec, _ = parse_path(BOOKSTORE)
    commands = backend_named("rust-actixweb").run_commands(spec, {})
    with tempfile.TemporaryDirectory() as profiles:
        done = subprocess.run(
            commands["test"],
            shell=True,
            cwd=folder,
            env=rust_env(tools, Path(profiles)),
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test result: ok" in done.stdout and " 0 failed" in done.stdout
    assert commands["credentials_env"] == ["BOOKSTORE_API_TOKENS"]
    assert "#![forbid(unsafe_code)]" in (folder / "src" / "main.rs").read_text()


def test_a_broken_generated_crate_fails_naming_file_line_and_rule(gated_bookstore, tools: Path, tmp_path: Path):
    folder, _, _ = gated_bookstore
    broken = tmp_path / "broken"
    subprocess.run(["cp", "-r", str(folder), str(broken)], check=True)
    main = broken / "src" / "main.rs"
    lines = main.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("pub fn port("))
    lines.insert(at, "pub fn unused_len(v: &Vec<i32>) -> usize {\n    return v.len();\n}\n")
    main.write_text("\n".join(lines) + "\n")
    style = asyncio.run(GATES.style(broken, GateConfig(), tools))
    found = {(f.file, f.line, f.code) for f in style}
    assert ("src/main.rs", at + 1, "clippy::ptr_arg") in found, style
    assert ("src/main.rs", at + 2, "clippy::needless_return") in found, style
    tests = broken / "src" / "tests.rs"
    tests.write_text(tests.read_text().replace("assert_eq!(port(None), 8000);", "assert_eq!(port(None), 8001);"))
    failed = asyncio.run(GATES.tests(broken, GateConfig(), tools))
    assert [(f.file, f.code) for f in failed] == [("src/tests.rs", "test-failed")], failed
    assert failed[0].line > 0 and "8001" in failed[0].message


CALC = """pub fn half(n: i32) -> i32 {
    if n < 0 {
        return 0;
    }
    n / 2
}

#[cfg(test)]
mod tests {
    #[test]
    fn halves() {
        assert_eq!(super::half(4), WANT);
    }
}
"""


def test_low_coverage_and_a_compile_error_fail_the_tests_gate(tmp_path: Path, tools: Path):
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text(CALC.replace("WANT", "2"))
    [low] = asyncio.run(GATES.tests(tmp_path, GateConfig(), tools))
    assert low.code == "coverage" and "below the 95% threshold" in low.message and "src/lib.rs" in low.message
    (tmp_path / "src" / "lib.rs").write_text(CALC.replace("WANT", '"two"'))
    errors = asyncio.run(GATES.tests(tmp_path, GateConfig(), tools))
    assert ("src/lib.rs", 12, "E0308") in {(f.file, f.line, f.code) for f in errors}, errors


def test_without_llvm_tools_the_tests_gate_fails_closed_naming_the_install(tmp_path: Path, monkeypatch):
    # A rustc whose sysroot holds no llvm-tools component: what a toolchain without it answers.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "rustc").write_text(f"#!/bin/sh\necho {tmp_path / 'sysroot'}\n")
    (bin_dir / "rustc").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    project = tmp_path / "calc"
    (project / "src").mkdir(parents=True)
    (project / "Cargo.toml").write_text('[package]\nname = "calc"\nversion = "0.1.0"\n')
    (project / "src" / "lib.rs").write_text(CALC.replace("WANT", "2"))
    [missing] = asyncio.run(GATES.tests(project, GateConfig(), tmp_path / "empty"))
    assert missing.code == "tool-missing" and missing.severity == "error"
    assert "rustup component add llvm-tools-preview" in missing.message
    assert "llvm-tools-preview" in GATES.tool_problem(tmp_path / "empty")
    monkeypatch.setenv("PATH", str(bin_dir))  # no cargo at all
    assert "`cargo` is not installed" in GATES.tool_problem(tmp_path / "empty")


def test_what_the_pack_cannot_hold_is_refused_by_name():
    spec, _ = parse_path(BOOKSTORE)
    backend = backend_named("rust-actixweb")
    spec.schemas["NewAuthor"]["properties"]["contact"] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    create = next(op for op in spec.operations if op.operation_id == "createAuthor")
    assert backend.template_gap(spec, create) == (
        "field `contact` of schema NewAuthor uses `oneOf`, which rust-actixweb 1.0.0 does not implement"
    )
    spec, _ = parse_path(BOOKSTORE)
    spec.schemas["NewBook"]["properties"]["isbn"]["pattern"] = "^(?!0)[0-9]{13}$"
    book = next(op for op in spec.operations if op.operation_id == "createBook")
    assert "lookaround or backreferences" in backend.template_gap(spec, book)
    read = next(op for op in spec.operations if op.operation_id == "getAuthor")
    assert backend.template_gap(spec, read) is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(project: Path, tools: Path, command: str, env: dict[str, str]):
    """The delivered project's own serve command on a free port, until the block ends."""
    port = free_port()
    with tempfile.TemporaryDirectory() as profiles:
        build_env = rust_env(tools, Path(profiles))
        build = subprocess.run(
            ["cargo", "build", "--offline", "--locked", "--message-format=json"],
            cwd=project,
            env=build_env,
            capture_output=True,
            text=True,
        )
        assert build.returncode == 0, build.stderr  # compiled before the clock starts: `cargo run` then starts at once
        server = subprocess.Popen(
            command, shell=True, cwd=project, env={**build_env, **env, "PORT": str(port)}, start_new_session=True
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
            # The crate's own binaries in the shared target folder: a new crate each run, so they would pile up.
            remove_artifacts(own_artifacts(build.stdout, project)[1])


# What a provider writes for library's takeInventory, using only what the extension prompt names.
EXTENSION = """//! takeInventory: how many books a shelf holds.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::engine::{authorized, error, App};

pub fn configure(_app: &web::Data<App>, config: &mut web::ServiceConfig) {
    config.route(
        "/shelves/{shelfId}/inventory",
        web::post().to(take_inventory),
    );
}

async fn take_inventory(req: HttpRequest, app: web::Data<App>) -> HttpResponse {
    if !authorized(&app, &req) {
        return error(
            &app.api,
            401,
            "unauthorized",
            "Missing or invalid credentials.",
        );
    }
    let shelf = req
        .match_info()
        .get("shelfId")
        .unwrap_or_default()
        .to_string();
    if app.stores[0].get(&shelf).is_none() {
        return error(&app.api, 404, "not_found", "No such shelf.");
    }
    let id: i64 = shelf.parse().unwrap_or_default();
    let books = app.stores[1]
        .list()
        .iter()
        .filter(|b| b["shelfId"] == json!(id))
        .count();
    HttpResponse::Ok().json(json!({"shelfId": id, "books": books}))
}

#[cfg(test)]
mod tests {
    use actix_web::test;
    use serde_json::{json, Value};

    async fn inventory(key: Option<&str>) -> (u16, Value) {
        let state = crate::state(vec!["k".to_string()]);
        state.stores[0]
            .put("3", json!({"id": 3, "label": "A"}))
            .expect("a shelf");
        let book = json!({"id": 1, "shelfId": 3, "title": "T", "language": "en", "addedAt": "2024-05-01T10:00:00Z"});
        state.stores[1].put("1", book).expect("a book");
        let app = test::init_service(crate::service(state)).await;
        let mut req = test::TestRequest::post().uri("/shelves/3/inventory");
        if let Some(key) = key {
            req = req.insert_header(("X-API-Key", key));
        }
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status().as_u16();
        (
            status,
            serde_json::from_slice(&test::read_body(res).await).unwrap_or(Value::Null),
        )
    }

    #[actix_web::test]
    async fn counts_the_books_of_a_shelf_for_a_signed_request_only() {
        assert_eq!(
            inventory(Some("k")).await,
            (200, json!({"shelfId": 3, "books": 1}))
        );
        assert_eq!(inventory(None).await.0, 401);
        let state = crate::state(vec!["k".to_string()]);
        let app = test::init_service(crate::service(state)).await;
        let req = test::TestRequest::post()
            .uri("/shelves/9/inventory")
            .insert_header(("X-API-Key", "k"));
        assert_eq!(
            test::call_service(&app, req.to_request())
                .await
                .status()
                .as_u16(),
            404
        );
    }
}
"""


def test_a_secured_operation_left_to_the_ai_is_written_with_the_engine_helpers_the_prompt_names(
    tmp_path: Path, tools: Path
):
    spec, _ = parse_path(CASES / "library" / "spec.yaml")
    result = render_spec(pack(), spec, None, {}, extensions=True)
    assert any(gap.startswith("takeInventory") for gap in result.gaps)
    prompt = backend_named("rust-actixweb").extension_prompt("src/extensions.rs", 95)
    assert "crate::engine::authorized(app, &req)" in prompt and "app.stores[i]" in prompt
    for f in result.files:
        (tmp_path / f.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f.path).write_text(f.content, encoding="utf-8")
    (tmp_path / "src" / "extensions.rs").write_text(EXTENSION)
    assert all_gates(tmp_path, tools) == []


def test_struct_and_field_names_are_rust_whatever_the_spec_calls_them():
    from specloom.backends.rust_actixweb.models import field_name, type_name, variant_name

    names = ("v1.Pod", "error-model", "DTO", "2fa", "APIKey", "pet_store")
    assert [type_name(n) for n in names] == ["V1Pod", "ErrorModel", "Dto", "Model2fa", "APIKey", "PetStore"]
    values = ("in_progress", "non-fiction", "", "1", "Self", "USD")
    assert [variant_name(v) for v in values] == ["InProgress", "NonFiction", "Empty", "Value1", "SelfValue", "Usd"]
    fields = ("type", "self", "fooBar", "HTTPServer", "2fa", "ünïcode", "", "a-b")
    expected = ["r#type", "self_", "foo_bar", "http_server", "field_2fa", "n_code", "field", "a_b"]
    assert [field_name(n) for n in fields] == expected


TYPED = Path(__file__).parent / "specs" / "typed-items.yaml"


def test_items_are_typed_structs_that_answer_every_value_as_it_was_sent(tmp_path: Path, tools: Path):
    assert rendered(TYPED, tmp_path) == []
    models = (tmp_path / "src" / "models.rs").read_text()
    for declaration in (
        "pub id: i64,",  # read-only, but the server sets it on every item
        "pub r#type: ThingType,",  # enum: [plain, fancy]
        '#[serde(rename = "plain")]\n    Plain,',
        '#[serde(rename = "fancy")]\n    Fancy,\n}',
        "pub self_: Option<String>,",
        "pub foo_bar: Option<String>,",  # fooBar
        "pub foo_bar2: Option<String>,",  # foo_bar
        "pub field_2fa: Option<bool>,",
        "pub count: Option<serde_json::Number>,",  # no bound: any number of digits
        "pub small: Option<i64>,",  # int32
        "pub ratio: Option<Option<f64>>,",  # optional and nullable: absent and null differ
        "pub note: Option<String>,",  # required and nullable
        "pub tags: Option<Vec<Option<String>>>,",
        "pub dims: Option<ThingDims>,",
        "pub w: i64,",
        "pub meta: Option<serde_json::Map<String, serde_json::Value>>,",
        "pub owner: Option<Person>,",
    ):
        assert declaration in models, declaration
    assert all_gates(tmp_path, tools) == []
    spec, _ = parse_path(TYPED)
    serve = backend_named("rust-actixweb").run_commands(spec, {})["serve"]
    with serving(tmp_path, tools, serve, {}) as url, httpx.Client(base_url=url, timeout=10) as http:
        sent = {
            "type": "plain",
            "self": "s",
            "fooBar": "camel",
            "foo_bar": "snake",
            "2fa": True,
            "count": 123456789012345678901234567890,
            "ratio": None,
            "note": None,
            "tags": ["a", None],
            "dims": {"w": 3},
            "meta": {"k": "v"},
            "anything": [1, {"x": 2}],
            "owner": {"name": "Ann"},
        }
        created = http.post("/things", json=sent)
        assert created.status_code == 201, created.text
        thing = created.json()
        assert thing == {**sent, "id": thing["id"]}
        url = f"/things/{thing['id']}"
        assert http.patch(url, json={"ratio": 0.5}).json() == {**thing, "ratio": 0.5}
        assert http.patch(url, json={"ratio": None}).json() == thing
        assert http.get(url).json() == thing
        bare = http.post("/things", json={"type": "fancy", "note": "n"}).json()
        assert bare == {"id": bare["id"], "type": "fancy", "note": "n"}  # absent stays absent
        for refused in ({"type": "plain", "note": "n", "small": 2**40}, {"type": "plain", "note": "n", "dims": {}}):
            answer = http.post("/things", json=refused)
            assert answer.status_code == 422 and set(answer.json()) == {"message"}, answer.text


def served_operations(spec, gaps: list[str]) -> list[str]:
    """`METHOD /path` of each operation the crate serves: what it leaves to an AI provider is not served without one
    (library's takeInventory)."""
    return [
        f"{op.method.upper()} {op.path}"
        for op in spec.operations
        if not any(g.startswith(f"{op.operation_id}:") for g in gaps)
    ]


CREDENTIALS = {
    "bookstore": {"Authorization": "Bearer served-token"},
    "library": {"X-API-Key": "served-token"},
    "petstore-expanded": {},
}


@pytest.mark.parametrize("case", sorted(CREDENTIALS))
def test_the_served_project_behaves_as_the_spec_says_under_schemathesis(case: str, tmp_path: Path, tools: Path):
    spec_path = CASES / case / "spec.yaml"
    gaps = rendered(spec_path, tmp_path)
    spec, _ = parse_path(spec_path)
    served = served_operations(spec, gaps)
    commands = backend_named("rust-actixweb").run_commands(spec, {})
    credentials = dict.fromkeys(commands["credentials_env"], "served-token")
    headers = CREDENTIALS[case]
    with serving(tmp_path, tools, commands["serve"], credentials) as url:
        if case == "bookstore":
            with httpx.Client(base_url=url, headers=headers, timeout=10) as http:
                assert httpx.get(url + "/books", timeout=10).status_code == 401
                book = {"title": "Dune", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction"}
                created = http.post("/books", json=book)
                assert created.status_code == 201 and created.headers["content-type"] == "application/json"
                body = created.json()
                assert {k: body[k] for k in book} == book and body["id"] and body["createdAt"]
                assert http.get(f"/books/{body['id']}").json() == body
                listed = http.get("/books", params={"genre": "fiction", "limit": 10}).json()
                assert listed == {"items": [body], "total": 1}
                assert http.get("/books", params={"genre": "poetry"}).json() == {"items": [], "total": 0}
                assert http.delete(f"/books/{body['id']}").status_code == 204
                missing = http.get(f"/books/{body['id']}")
                assert missing.status_code == 404 and set(missing.json()) == {"error", "message"}
                invalid = http.post("/books", json={"title": ""})
                assert invalid.status_code == 422 and set(invalid.json()) == {"error", "message"}
                malformed = http.post("/books", content=b"{", headers={"content-type": "application/json"})
                assert malformed.status_code == 400 and set(malformed.json()) == {"error", "message"}
        positive = schemathesis(spec_path, url, headers, "positive", ["all"], ["ignored_auth"], operations=served)
        assert positive.returncode == 0, positive.stdout[-4000:]
        negative = schemathesis(
            spec_path,
            url,
            headers,
            "negative",
            ["not_a_server_error", "response_schema_conformance", "content_type_conformance"],
            operations=served,
        )
        assert negative.returncode == 0, negative.stdout[-4000:]


# Test specs that found what the goldens did not: a schema naming no type holds null, a create body's
# default fills a field the item requires, an object's additionalProperties rule binds its other fields.
SERVED_TEST_SPECS = ["typed-items.yaml", "ids.yaml"]


@pytest.mark.parametrize("name", SERVED_TEST_SPECS)
def test_a_served_test_spec_is_kept_to_under_schemathesis(name: str, tmp_path: Path, tools: Path):
    spec_path = Path(__file__).parent / "specs" / name
    project = tmp_path / "project"
    project.mkdir()
    gaps = rendered(spec_path, project)
    spec, _ = parse_path(spec_path)
    served = served_operations(spec, gaps)
    config, token = auth_config(yaml.safe_load(spec_path.read_text()), tmp_path)
    commands = backend_named("rust-actixweb").run_commands(spec, {})
    with serving(project, tools, commands["serve"], dict.fromkeys(commands["credentials_env"], token)) as url:
        positive = schemathesis(spec_path, url, {}, "positive", ["all"], ["ignored_auth"], config, served)
        assert positive.returncode == 0, positive.stdout[-4000:]
        checks = ["not_a_server_error", "response_schema_conformance", "content_type_conformance"]
        negative = schemathesis(spec_path, url, {}, "negative", checks, config=config, operations=served)
        assert negative.returncode == 0, negative.stdout[-4000:]


def implemented(result) -> set[str]:
    description = next(f.content for f in result.files if f.path == "src/api.json")
    return {route["operation"] for res in json.loads(description)["resources"] for route in res["routes"]}


def gated_or_named(spec_path: Path, folder: Path, tools: Path) -> str | None:
    """None when the pack refuses the document by name, or renders a project every Rust gate passes in which
    each operation is implemented or named; else what broke that."""
    parsed, _ = parse_path(spec_path)
    try:
        result = render_spec(pack(), parsed, None, {}, extensions=False)
    except PackError as refused:
        return None if str(refused) else "refused without a reason"
    done = implemented(result)
    for op in parsed.operations:
        named = any(g.startswith(f"{op.operation_id}:") or op.path in g for g in result.gaps)
        if op.operation_id not in done and not named:
            return f"{op.operation_id} neither rendered nor named"
    for f in result.files:
        (folder / f.path).parent.mkdir(parents=True, exist_ok=True)
        (folder / f.path).write_text(f.content, encoding="utf-8")
    findings = all_gates(folder, tools)
    return f"gate findings: {findings}" if findings else None


# Public documents python-fastapi delivers (tests/corpus): bounded, as the fuzzer, to keep CI short.
CORPUS_SAMPLE = ["3.0/json/link-example.json", "3.0/json/response-schemas.json"]


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
