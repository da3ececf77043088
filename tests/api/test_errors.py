"""The one mapping of a generation's typed error to the seed's HTTP answer (`error_response`)."""

from __future__ import annotations

from specloom.api.app import error_response
from specloom.core.errors import (
    AllProvidersFailed,
    GenerationFailed,
    InvalidSpecification,
    QualityGateFailed,
    TemplateNotFound,
)
from specloom.core.findings import Finding, Range, Severity


def answer(exc) -> tuple[int, dict, dict]:
    mapped = error_response(exc.to_json(), "gen-1")
    return mapped.status, mapped.body.model_dump(exclude_none=True), mapped.headers


def test_an_invalid_spec_is_a_400_with_its_findings_and_their_ranges():
    finding = Finding(
        "OAS003", Severity.ERROR, "Duplicate operationId", Range.of(7, 6, 7, 25), "/tmp/x/spec.yaml", "Rename"
    )
    status, body, _ = answer(InvalidSpecification([finding]))
    assert status == 400 and body["error"] == "invalid_specification" and body["suggestion"]
    assert body["findings"] == [
        {
            "code": "OAS003",
            "severity": "error",
            "message": "Duplicate operationId",
            "range": {"start": {"line": 7, "character": 6}, "end": {"line": 7, "character": 25}},
            "suggestion": "Rename",
        }
    ]  # no server path in it


def test_template_not_found_gate_failed_and_providers_unavailable_keep_their_fields():
    status, body, _ = answer(TemplateNotFound("go/net/http", ["python-fastapi@1.1.0"]))
    assert (status, body["error"], body["available_templates"]) == (404, "template_not_found", ["python-fastapi@1.1.0"])
    status, body, _ = answer(QualityGateFailed("coverage 80% is below 95%", "tests"))
    assert (status, body["error"], body["gate"]) == (422, "quality_gate_failed", "tests")
    status, body, headers = answer(AllProvidersFailed("primary", [("primary", "HTTP 529")]))
    assert (status, body["error"]) == (503, "providers_unavailable")
    assert body["retry_after"] > 0 and headers["Retry-After"] == str(body["retry_after"])


def test_anything_else_is_a_500_that_names_the_id_and_no_internals():
    status, body, _ = answer(GenerationFailed("sqlite3.OperationalError at /srv/secret/path/audit.db"))
    assert (status, body["error"], body["generation_id"]) == (500, "generation_failed", "gen-1")
    assert "/srv/secret" not in str(body) and "gen-1" in body["message"]
