"""The error hierarchy: stable codes, helpful messages and suggestions, JSON form."""

import json

import pytest

from specloom.core.errors import (
    AllProvidersFailed,
    ConfigError,
    InvalidSpecification,
    QualityGateFailed,
    SecurityViolation,
    SpecloomError,
    TemplateNotFound,
    Timeout,
)
from specloom.core.findings import Finding, Range, Severity

ALL_ERRORS = [
    InvalidSpecification([]),
    TemplateNotFound("fastapi", ["fastapi-crud"]),
    AllProvidersFailed("anthropic", [("anthropic", "timeout")]),
    QualityGateFailed("2 tests failed", "tests"),
    SecurityViolation("a secret in the spec"),
    Timeout(30, "Generation"),
    ConfigError("specloom.toml", "generation.language", "bad"),
]


def test_codes_are_stable_and_distinct():
    assert [type(e).code for e in ALL_ERRORS] == [
        "E-INVALID-SPEC",
        "E-TEMPLATE-NOT-FOUND",
        "E-ALL-PROVIDERS-FAILED",
        "E-QUALITY-GATE",
        "E-SECURITY",
        "E-TIMEOUT",
        "E-CONFIG",
    ]


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda e: type(e).__name__)
def test_every_error_is_a_specloom_error_with_a_suggestion_and_json(error):
    assert isinstance(error, SpecloomError)
    assert error.suggestion
    data = json.loads(json.dumps(error.to_json()))
    assert data["code"] == error.code
    assert data["message"] == error.message
    assert data["suggestion"] == error.suggestion
    assert error.suggestion in str(error)


def test_invalid_specification_names_the_first_error():
    findings = [
        Finding("OAS114", Severity.WARNING, "w", Range.of(0, 0, 0, 1), "api.yaml"),
        Finding("OAS101", Severity.ERROR, "A `$ref` points at nothing.", Range.of(4, 2, 4, 9), "api.yaml"),
        Finding("OAS110", Severity.ERROR, "Duplicate id.", Range.of(9, 0, 9, 3), "api.yaml"),
    ]
    error = InvalidSpecification(findings)
    assert (
        error.message
        == "The specification has 2 error(s): api.yaml:5:3: OAS101 A `$ref` points at nothing. (and 1 more)"
    )
    assert [f["code"] for f in error.to_json()["details"]["findings"]] == ["OAS114", "OAS101", "OAS110"]
    assert error.to_json()["details"]["findings"][1]["path"] == "api.yaml"


def test_template_not_found_lists_what_is_available_and_guesses():
    error = TemplateNotFound("fastapi-crd", ["go-chi", "fastapi-crud"])
    assert "Available: fastapi-crud, go-chi." in error.message
    assert error.suggestion == "Did you mean 'fastapi-crud'?"
    assert error.to_json()["details"] == {"name": "fastapi-crd", "available": ["fastapi-crud", "go-chi"]}


def test_template_not_found_with_nothing_installed():
    error = TemplateNotFound("x", [])
    assert "none are installed" in error.message
    assert "Install a template pack" in error.suggestion


def test_all_providers_failed_names_each_provider_and_error():
    error = AllProvidersFailed("anthropic", [("anthropic", "HTTP 529 overloaded"), ("openai", "401 invalid key")])
    assert "primary: anthropic" in error.message
    assert "anthropic: HTTP 529 overloaded; openai: 401 invalid key" in error.message
    assert error.to_json()["details"]["tried"][1] == {"provider": "openai", "error": "401 invalid key"}


def test_other_errors_carry_their_specifics():
    assert (
        QualityGateFailed("coverage 80% < 95%", "coverage").message
        == "Quality gate 'coverage' failed: coverage 80% < 95%"
    )
    assert Timeout(2.5, "The tests gate").message == "The tests gate did not finish within 2.5 s."
    assert SecurityViolation("prompt injection in summary").to_json()["details"] == {
        "reason": "prompt injection in summary"
    }
    config = ConfigError("specloom.toml", "audit.backend", "got 'mysql'", "Use 'sqlite'.")
    assert config.message == "specloom.toml: audit.backend: got 'mysql'"
    assert config.suggestion == "Use 'sqlite'."
    assert config.to_json()["details"] == {"path": "specloom.toml", "key": "audit.backend"}


def test_explicit_suggestion_overrides_the_default():
    assert InvalidSpecification([], suggestion="Run `specloom check api.yaml`.").suggestion == (
        "Run `specloom check api.yaml`."
    )
