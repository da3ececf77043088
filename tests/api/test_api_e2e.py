"""`specloom api` as a real process, called with real signed tokens: every case of issue 14's first
acceptance bullet, then schemathesis against the API's own OpenAPI document.

One server for the module (max_queue = 1, so the async case also shows the 429) and two real
generations of bookstore (sync and async): generation with every gate takes seconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from .conftest import (
    EXAMPLES,
    POLICY,
    RunningApi,
    api_env,
    api_toml,
    make_token,
    wait_until,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("api")
    (root / "specloom.toml").write_text(api_toml("max_queue = 1\nmax_spec_bytes = 200000\n"))
    (root / "policy.toml").write_text(POLICY)
    shutil.copytree(EXAMPLES / "adr", root / "docs/adr")
    return root


@pytest.fixture(scope="module")
def api(workspace: Path):
    running = RunningApi(workspace, api_env())
    yield running
    running.stop()


BOOKSTORE = (EXAMPLES / "openapi/bookstore.yaml").read_text()
BROKEN = (EXAMPLES / "openapi/broken.yaml").read_text()
DUPLICATE_IDS = """openapi: 3.0.3
info:
  title: Two operations, one id
  version: 1.0.0
paths:
  /items:
    get:
      operationId: getItem
      responses: {'200': {description: ok}}
    post:
      operationId: getItem
      responses: {'201': {description: created}}
"""


def request_body(spec: str = BOOKSTORE, tenant: str = "acme", **extra) -> dict:
    return {
        "tenant_id": tenant,
        "user_id": "alice@acme.example",
        "specification": {"type": "openapi", "spec": spec},
        **extra,
    }


def test_generate_bookstore_then_read_it_back_only_as_its_own_tenant(api: RunningApi, workspace: Path):
    with api.client(make_token()) as acme:
        answer = acme.post("/api/v1/generate", json=request_body())
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert set(result) >= {"id", "request_id", "code", "validation", "metrics", "created_at"}
        assert result["status"] == "succeeded" and "report" not in result
        code = result["code"]
        paths = {f["path"] for f in code["files"]} | {f["path"] for f in code["tests"]}
        assert {"bookstore/app.py", "bookstore/routes/books.py"} <= paths
        assert code["tests"] and all(f["purpose"] == "test" for f in code["tests"])
        assert any(d.startswith("fastapi") for d in code["dependencies"])
        gates = {g["name"]: g["passed"] for g in result["validation"]["gates"]}
        assert gates == {"syntax": True, "style": True, "security": True, "tests": True}
        assert answer.headers["location"] == f"/api/v1/generation/{result['id']}"

        again = acme.get(f"/api/v1/generation/{result['id']}")
        assert again.status_code == 200 and again.json() == result

    with api.client(make_token(tenant="globex", sub="bob@globex.example")) as globex:
        theirs = globex.get(f"/api/v1/generation/{result['id']}")
        unknown = globex.get("/api/v1/generation/00000000-0000-4000-8000-000000000000")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json()["error"] == unknown.json()["error"] == "generation_not_found"

    audit = _specloom(workspace, "audit", "list", "--json", "--limit", "20")
    generated = [r for r in audit if r["generation_id"] == result["id"]]
    assert [(r["tenant_id"], r["user_id"], r["outcome"]) for r in generated] == [
        ("acme", "alice@acme.example", "delivered")
    ]


def test_a_body_naming_another_tenant_is_refused_and_audited(api: RunningApi, workspace: Path):
    with api.client(make_token()) as acme:
        answer = acme.post("/api/v1/generate", json=request_body(tenant="globex"))
    assert answer.status_code == 403
    assert answer.json()["error"] == "tenant_mismatch" and "globex" not in answer.text
    refused = [r for r in _specloom(workspace, "audit", "list", "--json") if (r["error"] or {}).get("refused")]
    assert any(r["error"]["refused"] == "tenant" and r["tenant_id"] == "acme" for r in refused)


def test_every_kind_of_bad_token_is_a_401(api: RunningApi):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    bad = {
        "missing": None,
        "expired": make_token(exp=now - 60, iat=now - 3600),
        "not yet valid": make_token(nbf=now + 600),
        "wrongly signed (other secret)": make_token(key="another-secret-that-is-long-enough!!"),
        "wrongly signed (other algorithm)": make_token(key=other_key, algorithm="RS256"),
        "wrong audience": make_token(aud="someone-else"),
        "wrong issuer": make_token(iss="https://evil.example.com"),
        "no tenant claim": make_token(tenant_id=None),
        "not a JWT": "not-a-token",
    }
    for kind, token in bad.items():
        with api.client(token) as client:
            answer = client.post("/api/v1/generate", json=request_body())
            read = client.get("/api/v1/generation/00000000-0000-4000-8000-000000000000")
        assert answer.status_code == 401, kind
        assert read.status_code == 401, kind
        assert answer.json()["error"] == "unauthorized" and answer.headers["www-authenticate"] == "Bearer"
    log = api.log.read_text()
    assert "expired" in log and "wrong audience" in log  # the reason is logged, not answered
    assert bad["expired"] not in log


def test_a_token_without_code_generate_is_a_403_and_the_decision_is_logged(api: RunningApi, workspace: Path):
    with api.client(make_token(sub="rita@acme.example", roles=["reader"])) as reader:
        answer = reader.post("/api/v1/generate", json=request_body())
        validated = reader.post(
            "/api/v1/generate/validate", json={"specification": {"type": "openapi", "spec": BROKEN}}
        )
    assert answer.status_code == 403 and answer.json()["error"] == "forbidden"
    assert "code:generate" in answer.json()["message"]
    assert validated.status_code == 200  # the reader role does grant spec:validate
    decisions = [json.loads(line) for line in api.log.read_text().splitlines() if '"authorization"' in line]
    assert any(d["user_id"] == "rita@acme.example" and d["decision"] == "deny" for d in decisions)
    refused = [r for r in _specloom(workspace, "audit", "list", "--json") if (r["error"] or {}).get("refused")]
    assert any(r["user_id"] == "rita@acme.example" and r["error"]["refused"] == "policy" for r in refused)


def test_a_broken_spec_is_a_400_with_findings_and_a_suggestion(api: RunningApi):
    with api.client(make_token()) as acme:
        answer = acme.post("/api/v1/generate", json=request_body(spec=DUPLICATE_IDS))
        validated = acme.post(
            "/api/v1/generate/validate", json={"specification": {"type": "openapi", "spec": DUPLICATE_IDS}}
        )
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error"] == "invalid_specification" and body["suggestion"]
    assert body["findings"] and all("range" in f and f["suggestion"] for f in body["findings"])
    assert validated.status_code == 200
    assert validated.json()["valid"] is False
    duplicate = next(f for f in validated.json()["findings"] if "getItem" in f["message"] and f["severity"] == "error")
    assert duplicate["range"]["start"]["line"] in (7, 10)  # on an `operationId: getItem` line, 0-based


def test_validating_texts_in_turn_answers_each_text_with_its_own_findings(api: RunningApi):
    # The server keeps findings by the text's digest; a kept answer never stands in for another text's.
    fixed = DUPLICATE_IDS.replace("operationId: getItem", "operationId: getOther", 1)
    with api.client(make_token()) as acme:
        answers = [
            acme.post("/api/v1/generate/validate", json={"specification": {"type": "openapi", "spec": text}}).json()
            for text in (DUPLICATE_IDS, fixed, DUPLICATE_IDS, fixed)
        ]
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert answers[0]["valid"] is False and answers[1]["valid"] is True, answers[1]


def test_a_spec_carrying_a_credential_is_refused_by_the_scan_and_audited(api: RunningApi, workspace: Path):
    with api.client(make_token()) as acme:
        answer = acme.post("/api/v1/generate", json=request_body(spec=BROKEN))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_specification"
    secret = next(f for f in answer.json()["findings"] if f["code"] == "SEC001")
    assert secret["range"]["start"]["line"] == 39  # the Stripe key of broken.yaml
    assert "sk_live_" not in answer.text
    refused = [r for r in _specloom(workspace, "audit", "list", "--json") if (r["error"] or {}).get("refused")]
    assert any(
        r["error"]["refused"] == "spec-scan" and r["generation_id"] == answer.json()["generation_id"] for r in refused
    )


def test_validate_reads_graphql_stories_and_adrs_of_the_workspace_by_id_and_version(api: RunningApi):
    graphql = (EXAMPLES / "graphql/library.graphql").read_text()
    with api.client(make_token()) as acme:
        answers = {
            kind: acme.post("/api/v1/generate/validate", json={"specification": spec})
            for kind, spec in {
                "graphql": {"type": "graphql", "schema": graphql},
                "user_story": {"type": "user_story", "story": "As a reader, I want to borrow a book."},
                "adr": {"type": "adr", "adr_id": "ADR-3", "version": "1.1.0"},
            }.items()
        }
        unknown = acme.post(
            "/api/v1/generate/validate", json={"specification": {"type": "adr", "adr_id": "ADR-3", "version": "9.9"}}
        )
    for kind, answer in answers.items():
        assert answer.status_code == 200, (kind, answer.text)
        assert answer.json()["spec_type"] == kind
    assert answers["adr"].json()["valid"] is True
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_specification"


def test_a_language_without_pack_or_provider_is_a_404_listing_the_templates(api: RunningApi):
    with api.client(make_token()) as acme:
        answer = acme.post("/api/v1/generate", json=request_body(preferences={"language": "csharp"}))
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"] == "template_not_found"
    assert "python-fastapi@1.1.0" in answer.json()["available_templates"]


def test_an_oversized_spec_is_a_413(api: RunningApi):
    with api.client(make_token()) as acme:
        inline = acme.post("/api/v1/generate", json=request_body(spec=BOOKSTORE + "#" * 210_000))
        huge = acme.post("/api/v1/generate", json=request_body(spec="#" * 400_000))
    assert inline.status_code == huge.status_code == 413
    assert inline.json()["error"] == huge.json()["error"] == "specification_too_large"


def test_respond_async_answers_202_then_polls_and_a_full_queue_is_a_429(api: RunningApi):
    with api.client(make_token()) as acme:
        accepted = acme.post("/api/v1/generate", json=request_body(), headers={"Prefer": "respond-async"})
        assert accepted.status_code == 202, accepted.text
        location = accepted.headers["location"]
        assert location == accepted.json()["location"] == f"/api/v1/generation/{accepted.json()['id']}"
        # max_queue = 1 and that generation runs its gates for seconds: the next one is refused, not queued.
        assert acme.get(location).status_code == 202
        full = acme.post("/api/v1/generate", json=request_body(), headers={"Prefer": "respond-async"})
        assert full.status_code == 429 and int(full.headers["retry-after"]) > 0
        assert full.json()["error"] == "queue_full"
        done = wait_until(lambda: (r := acme.get(location)).status_code == 200 and r, 600, "the async generation")
    assert done.json()["status"] == "succeeded" and done.json()["code"]["files"]


def test_the_served_openapi_document_is_clean_for_specloom_check(api: RunningApi, tmp_path: Path):
    document = tmp_path / "specloom-api.json"
    with api.client() as anonymous:
        document.write_text(anonymous.get("/api/v1/openapi.json").text)
    done = subprocess.run(
        [sys.executable, "-m", "specloom", "check", str(document), "--format", "json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["files"] == [{"path": str(document), "findings": []}]


def test_schemathesis_finds_no_server_error_and_no_nonconformance(api: RunningApi, tmp_path: Path):
    checks = ",".join(
        (
            "not_a_server_error",
            "status_code_conformance",
            "content_type_conformance",
            "response_headers_conformance",
            "response_schema_conformance",
        )
    )
    schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    done = subprocess.run(
        [
            schemathesis,
            "run",
            f"{api.base}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {make_token()}",
            "--checks",
            checks,
            "--max-examples",
            "25",
            "--workers",
            "1",
            "--seed",
            "14",
            "--phases",
            "examples,coverage,fuzzing",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


def _specloom(root: Path, *args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "specloom", *args], cwd=root, capture_output=True, text=True, env=api_env()
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)
