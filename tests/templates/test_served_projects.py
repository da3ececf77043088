"""Generated services served by uvicorn, exercised over real HTTP and by schemathesis against their spec."""

import base64
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from specloom.backends import backend_named
from specloom.core.specs import parse_path
from specloom.templates.generate import render_spec
from specloom.templates.packs import discover, select
from tests.corpus.corpus import install, load_expected, run_document, workspace, workspace_for
from tests.helpers import EXAMPLES

SPECS = Path(__file__).parent / "specs"
# (spec, package, header carrying the credential or None when the spec declares no security)
SERVICES = [
    ("openapi/bookstore.yaml", "bookstore", ("Authorization", "Bearer served-token")),
    ("openapi/library.yaml", "library", ("X-API-Key", "served-token")),
    ("openapi/public/petstore.yaml", "swagger_petstore", None),
    ("openapi/public/petstore-expanded.yaml", "swagger_petstore", None),
    # page numbers, a cursor, problem+json errors
    (str(SPECS / "pages-and-problems.yaml"), "helpdesk", ("Authorization", "Bearer served-token")),
    # keywords, builtins and colliding names; literals with quotes, newlines, nulls
    (str(SPECS / "odd-names.yaml"), "odd_names_api", None),
    # a string id with a pattern, a bounded integer id assigned by the server
    (str(SPECS / "ids.yaml"), "registry", None),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(request, tmp_path: Path):
    spec_name, package, header = request.param
    packs, _ = discover()
    spec, _ = parse_path(EXAMPLES / spec_name)
    for f in render_spec(select(packs, "python-fastapi"), spec, None, {}).files:
        (tmp_path / f.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f.path).write_text(f.content)
    run = backend_named("python-fastapi").run_commands(spec, {})
    assert f" {package}.app:create_app " in run["serve"] and bool(run["credentials_env"]) == bool(header)
    with serve(tmp_path, run["serve"], dict.fromkeys(run["credentials_env"], "served-token")) as url:
        yield EXAMPLES / spec_name, url, ({header[0]: header[1]} if header else {})


@contextlib.contextmanager
def serve(project: Path, command: str, env: dict[str, str]):
    """The generated service started by its pack's `serve` command on a free $PORT, until the block ends."""
    port = free_port()
    # `python` in the command is this test's interpreter, which has the project's dependencies.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PATH": path, "PORT": str(port), **env}
    server = subprocess.Popen(command, shell=True, cwd=project, env=env, start_new_session=True)  # noqa: S602
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if server.poll() is not None:
            pytest.fail(f"the generated service exited with {server.returncode} before serving on port {port}")
        try:
            httpx.get(url + "/openapi.json", timeout=1)
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                os.killpg(server.pid, 9)
                pytest.fail("the generated service did not answer within 30 s")
            time.sleep(0.1)
    try:
        yield url
    finally:
        os.killpg(server.pid, 9)
        server.wait()


@pytest.mark.parametrize("served", [SERVICES[0]], indirect=True)
def test_bookstore_round_trip_over_http_behaves_as_the_spec_says(served):
    _, url, headers = served
    with httpx.Client(base_url=url, headers=headers, timeout=10) as http:
        assert httpx.get(url + "/books", timeout=10).status_code == 401
        book = {"title": "Dune", "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438", "genre": "fiction"}
        created = http.post("/books", json=book)
        assert created.status_code == 201 and created.headers["content-type"] == "application/json"
        body = created.json()
        assert {k: body[k] for k in book} == book and body["id"] and body["createdAt"]
        assert http.get(f"/books/{body['id']}").json() == body
        page = http.get("/books", params={"genre": "fiction", "limit": 10}).json()
        assert page == {"items": [body], "total": 1}
        assert http.get("/books", params={"genre": "poetry"}).json() == {"items": [], "total": 0}
        assert http.delete(f"/books/{body['id']}").status_code == 204
        missing = http.get(f"/books/{body['id']}")
        assert missing.status_code == 404 and set(missing.json()) == {"error", "message"}
        invalid = http.post("/books", json={"title": ""})
        assert invalid.status_code == 422 and set(invalid.json()) == {"error", "message"}


def schemathesis(
    spec: Path,
    url: str,
    headers: dict,
    mode: str,
    checks: list[str],
    exclude: list[str] = (),
    config: Path | None = None,
    operations: list[str] = (),
):
    args = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        *(["--config-file", str(config)] if config else []),
        "run",
        str(spec),
        "--url",
        url,
        "--mode",
        mode,
        "--checks",
        ",".join(checks),
        "--max-examples",
        "20",
        "--seed",
        "20261126",
        "--no-color",
    ]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if exclude:
        args += ["--exclude-checks", ",".join(exclude)]
    for name in operations:
        args += ["--include-name", name]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)


def generated_operations(plan: dict) -> list[str]:
    """`METHOD /path` of each operation the plan gives a template file: what a delivered project serves
    (the ones it leaves to an AI provider are not there when none is configured)."""
    found = set()
    for f in plan["files"]:
        for source in f["sources"] if f["producer"].startswith("template:") else []:
            parts = source["pointer"].split("/")
            if len(parts) == 4 and parts[1] == "paths":
                found.add(f"{parts[3].upper()} {parts[2].replace('~1', '/').replace('~0', '~')}")
    return sorted(found)


@pytest.mark.parametrize("served", SERVICES, indirect=True, ids=[s[0] for s in SERVICES])
def test_schemathesis_finds_no_server_errors_and_no_responses_that_break_the_spec(served):
    spec, url, headers = served
    # Valid requests: every check, status codes included. The one exception is schemathesis'
    # ignored_auth probe, whose 401 the spec does not list (a spec gap Specloom cannot fix).
    positive = schemathesis(spec, url, headers, "positive", ["all"], ["ignored_auth"])
    assert positive.returncode == 0, positive.stdout[-4000:]
    # Invalid requests: no server error, and every answer in a shape and content type the spec allows.
    negative = schemathesis(
        spec,
        url,
        headers,
        "negative",
        ["not_a_server_error", "response_schema_conformance", "content_type_conformance"],
    )
    assert negative.returncode == 0, negative.stdout[-4000:]


# Corpus documents the pack delivers today (tests/corpus/oas-examples.expected.toml), served as generated.
CORPUS_DELIVERED = sorted(doc for doc, record in load_expected().items() if record["outcome"] == "delivered")
# What schemathesis finds in them that no server can answer as the spec says: each document contradicts itself
# or leaves out an answer every server must give.
CORPUS_CONTRADICTIONS = {
    "3.0/json/circular-request-bodies.json": "ST202/ST103: the body of POST /indirect is optional yet its schema "
    "requires `name`, so a bodyless POST can only be refused, with a 422 the spec does not document; POST /multiple "
    "with an id already stored answers 409, which the spec does not document either",
    "3.0/json/link-example.json": "ST103: GET /2.0/users/{username} documents only 200, but a user that is not "
    "stored can only be answered 404",
    "3.0/json/readme-legacy.json": "ST108: the 401 body {error, message} matches more than one member of the spec's "
    "oneOf for 401 (authUnauthorized)",
}


def corpus_case(document: str):
    contradiction = CORPUS_CONTRADICTIONS.get(document)
    # Not strict: schemathesis does not send the contradicting request on every run.
    marks = pytest.mark.xfail(strict=False, reason=contradiction) if contradiction else ()
    return pytest.param(document, id=document, marks=marks)


SERVED_TOKEN = "served-token"


@pytest.fixture(scope="module")
def corpus_workspace(tmp_path_factory) -> Path:
    package, why = install()
    if package is None:
        pytest.skip(f"the @readme/oas-examples corpus is unavailable: {why}")
    return workspace(package, tmp_path_factory.mktemp("corpus"))


def auth_config(spec: dict, folder: Path) -> tuple[Path | None, str]:
    """A schemathesis config giving the spec's security schemes their credential, and the token the app accepts."""
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    used = {name for requirement in spec.get("security") or [] for name in requirement}
    used |= {
        name
        for item in spec.get("paths", {}).values()
        for op in item.values()
        if isinstance(op, dict)
        for requirement in op.get("security") or []
        for name in requirement
    }
    if not used:
        return None, SERVED_TOKEN
    lines, token = [], SERVED_TOKEN
    for name in sorted(used):
        scheme = schemes.get(name, {})
        lines.append(f"[auth.openapi.{json.dumps(name)}]")
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            lines += ['username = "served"', f'password = "{SERVED_TOKEN}"']
            token = base64.b64encode(f"served:{SERVED_TOKEN}".encode()).decode()
        elif scheme.get("type") == "apiKey":
            lines.append(f'api_key = "{SERVED_TOKEN}"')
        else:
            lines.append(f'bearer = "{SERVED_TOKEN}"')
    config = folder / "schemathesis.toml"
    config.write_text("\n".join(lines) + "\n")
    return config, token


def schemathesis_on_delivered(spec_path: Path, root: Path, document: str, folder: Path) -> None:
    """Generate `document` (under `root`) with every gate, serve it, and run schemathesis positive and negative."""
    result = run_document(root, document, folder / "out")
    assert result.outcome == "delivered", f"{document}: {result.outcome}: {result.reason}"
    manifest = json.loads((result.out / ".specloom" / "manifest.json").read_text())
    config, token = auth_config(yaml.safe_load(spec_path.read_text()), folder)
    operations = generated_operations(result.plan)
    with serve(result.out, manifest["commands"]["serve"], dict.fromkeys(manifest["credentials_env"], token)) as url:
        positive = schemathesis(spec_path, url, {}, "positive", ["all"], ["ignored_auth"], config, operations)
        assert positive.returncode == 0, positive.stdout[-4000:]
        negative = schemathesis(
            spec_path,
            url,
            {},
            "negative",
            ["not_a_server_error", "response_schema_conformance", "content_type_conformance"],
            config=config,
            operations=operations,
        )
        assert negative.returncode == 0, negative.stdout[-4000:]


@pytest.mark.slow
@pytest.mark.parametrize("document", [corpus_case(d) for d in CORPUS_DELIVERED])
def test_schemathesis_finds_no_server_errors_in_a_delivered_corpus_document(
    document: str, corpus_workspace: Path, tmp_path: Path
):
    schemathesis_on_delivered(corpus_workspace / document, corpus_workspace, document, tmp_path)


# Ordinary CRUD specs (page/cursor lists, nesting, every auth kind, problem+json); a first line
# `# Known pack bug` marks one the pack still fails on, as a strict xfail that fails once it passes.
SERVED_SPECS = sorted((Path(__file__).parent / "specs").glob("served-*.yaml"))


def served_spec(path: Path):
    known = path.read_text().startswith("# Known pack bug")
    return pytest.param(path, id=path.name, marks=pytest.mark.xfail(strict=True, reason=path.name) if known else ())


@pytest.mark.slow
@pytest.mark.parametrize("path", [served_spec(p) for p in SERVED_SPECS])
def test_schemathesis_finds_no_server_errors_in_an_ordinary_crud_spec(path: Path, tmp_path: Path):
    root = workspace_for(tmp_path / "workspace")
    (root / path.name).write_text(path.read_text())
    schemathesis_on_delivered(root / path.name, root, path.name, tmp_path)
