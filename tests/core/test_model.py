"""The request/result data model: strict validation with messages that say what is valid."""

import sys
from uuid import UUID

import pytest
from pydantic import TypeAdapter, ValidationError

from specloom.core.errors import Timeout
from specloom.core.model import (
    AdrInput,
    CodeTemplate,
    FilePurpose,
    GateResult,
    GeneratedCode,
    GeneratedFile,
    GenerationMetrics,
    GenerationPreferences,
    GenerationRequest,
    GenerationResult,
    GenerationStatus,
    GraphQLInput,
    OpenAPIInput,
    SpecificationInput,
    TemplateVariable,
    UserStoryInput,
    ValidationResult,
)


def request(specification: dict, **extra) -> GenerationRequest:
    return GenerationRequest(tenant_id="acme", user_id="ann", specification=specification, **extra)


def error_text(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return str(exc.value)


# --- requests ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "specification, kind",
    [
        ({"type": "adr", "adr_id": "0003", "version": "2"}, AdrInput),
        ({"type": "openapi", "path": "api.yaml", "operations": ["listBooks"]}, OpenAPIInput),
        ({"type": "graphql", "schema": "type Query { a: Int }"}, GraphQLInput),
        ({"type": "user_story", "story": "As a …", "acceptance_criteria": ["works"]}, UserStoryInput),
    ],
)
def test_specification_union_round_trips_through_json(specification, kind):
    original = request(specification, metadata={"ticket": "LIB-1"})
    assert isinstance(original.specification, kind)
    text = original.model_dump_json()
    again = GenerationRequest.model_validate_json(text)
    assert again == original
    assert isinstance(again.specification, kind)


def test_request_defaults():
    made = request({"type": "adr", "adr_id": "1"})
    assert isinstance(made.id, UUID)
    assert made.id != request({"type": "adr", "adr_id": "1"}).id
    assert made.preferences == GenerationPreferences(language="python")
    assert made.metadata == {}


def test_graphql_schema_field_uses_its_alias_both_ways():
    by_alias = GraphQLInput(schema="type Query { a: Int }")
    by_name = GraphQLInput(schema_="type Query { a: Int }")
    assert by_alias == by_name
    assert by_alias.model_dump()["schema"] == "type Query { a: Int }"
    assert TypeAdapter(SpecificationInput).validate_json(by_alias.model_dump_json()) == by_alias


def test_unknown_specification_type_lists_the_valid_ones():
    with pytest.raises(ValidationError) as exc:
        request({"type": "swagger", "spec": "x"})
    assert "'adr', 'openapi', 'graphql', 'user_story'" in error_text(exc)


@pytest.mark.parametrize(
    "fields, got",
    [({}, "neither"), ({"spec": "openapi: 3.1.0", "path": "api.yaml"}, "both")],
)
def test_openapi_input_needs_exactly_one_of_spec_or_path(fields, got):
    with pytest.raises(ValidationError) as exc:
        OpenAPIInput(**fields)
    assert f"exactly one of `spec` (the document text) or `path` (a file); got {got}" in error_text(exc)


def test_extra_fields_are_rejected():
    with pytest.raises(ValidationError) as exc:
        request({"type": "adr", "adr_id": "1", "verison": "2"})
    assert "verison" in error_text(exc)
    assert "Extra inputs are not permitted" in error_text(exc)


def test_language_must_be_supported():
    with pytest.raises(ValidationError) as exc:
        GenerationPreferences(language="cobol")
    assert "'rust', 'go', 'python', 'typescript', 'java' or 'csharp'" in error_text(exc)


def test_empty_ids_are_rejected():
    with pytest.raises(ValidationError):
        GenerationRequest(tenant_id="", user_id="ann", specification={"type": "adr", "adr_id": "1"})


# --- generated files ----------------------------------------------------------------


def generated(path: str) -> GeneratedFile:
    return GeneratedFile(path=path, content="", language="python", purpose="source")


def test_safe_relative_paths_are_accepted():
    assert generated("library/routes/books.py").purpose is FilePurpose.SOURCE
    assert generated("..hidden/x.py").path == "..hidden/x.py"  # a name starting with dots is not a parent step


@pytest.mark.parametrize(
    "path, reason",
    [
        ("../outside.py", "'..' segments"),
        ("lib/../../etc/passwd", "'..' segments"),
        ("/etc/passwd", "not absolute"),
        ("C:/Windows/x.py", "not absolute"),
        ("lib\\x.py", "not backslashes"),
        ("lib/x\x00.py", "NUL"),
        ("", "must not be empty"),
    ],
)
def test_unsafe_paths_are_rejected(path, reason):
    with pytest.raises(ValidationError) as exc:
        generated(path)
    assert reason in error_text(exc)


def test_generated_code_refuses_two_files_at_one_path():
    with pytest.raises(ValidationError) as exc:
        GeneratedCode(files=[generated("a.py")], tests=[generated("a.py")])
    assert "share the path 'a.py'" in error_text(exc)


# --- results ------------------------------------------------------------------------


def test_result_round_trips_with_an_error_from_the_error_hierarchy():
    result = GenerationResult(
        request_id=request({"type": "adr", "adr_id": "1"}).id,
        status="failed",
        validation=ValidationResult(passed=False, gates=[GateResult(name="syntax", passed=False, duration_ms=3.5)]),
        metrics=GenerationMetrics(step_ms={"parse": 1.5}, files=0, tokens_in=10),
        error=Timeout(30, "Generation").to_json(),
    )
    again = GenerationResult.model_validate_json(result.model_dump_json())
    assert again == result
    assert again.status is GenerationStatus.FAILED
    assert again.error["code"] == "E-TIMEOUT"


def test_result_status_must_match_error():
    with pytest.raises(ValidationError, match="must say why"):
        GenerationResult(request_id=UUID(int=1), status="failed")
    with pytest.raises(ValidationError, match="cannot carry an error"):
        GenerationResult(request_id=UUID(int=1), status="succeeded", error={"code": "E-X"})


def test_validation_result_cannot_pass_with_a_failed_gate():
    with pytest.raises(ValidationError, match="gate\\(s\\) tests failed"):
        ValidationResult(passed=True, gates=[GateResult(name="tests", passed=False, duration_ms=1)])


def test_metrics_are_never_negative():
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        GenerationMetrics(tokens_in=-1)
    with pytest.raises(ValidationError):
        GenerationMetrics(step_ms={"parse": -0.1})


# --- templates ----------------------------------------------------------------------


def template(**overrides) -> CodeTemplate:
    fields = {
        "id": "fastapi-crud",
        "name": "FastAPI CRUD",
        "version": "1.2.0",
        "language": "python",
        "category": "rest",
        "template_content": "{{ name }}",
        "variables": [],
        "test_coverage": 97.5,
    }
    return CodeTemplate(**{**fields, **overrides})


@pytest.mark.parametrize("version", ["1.2.0", "0.0.1", "2.0.0-rc.1", "1.0.0+build.7"])
def test_semver_versions_are_accepted(version):
    assert template(version=version).version == version


@pytest.mark.parametrize("version", ["1.2", "v1.2.0", "01.2.0", "1.2.0.0", "latest", ""])
def test_bad_versions_are_rejected_with_an_example(version):
    with pytest.raises(ValidationError) as exc:
        template(version=version)
    assert "semantic version like 1.2.0" in error_text(exc)


@pytest.mark.parametrize("coverage", [-1, 100.5])
def test_coverage_is_a_percentage(coverage):
    with pytest.raises(ValidationError):
        template(test_coverage=coverage)


def test_template_variables_are_checked():
    ok = TemplateVariable(name="package", required=False, default="books", pattern=r"[a-z_]+")
    assert template(variables=[ok]).variables == [ok]
    with pytest.raises(ValidationError, match="does not match its pattern"):
        TemplateVariable(name="package", required=False, default="Books!", pattern=r"[a-z_]+")
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        TemplateVariable(name="package", pattern="[")
    with pytest.raises(ValidationError, match="default would never be used"):
        TemplateVariable(name="package", required=True, default="x")
    with pytest.raises(ValidationError, match="String should match pattern"):
        TemplateVariable(name="2bad")
    with pytest.raises(ValidationError, match="repeated: package"):
        template(variables=[ok, ok])


@pytest.mark.parametrize(
    "version, valid", [("1.2.0", True), ("2.0.0-rc.1+b.2", True), ("1.2", False), ("v1.0.0", False)]
)
def test_semver_fallback_without_the_semver_package(monkeypatch, version, valid):
    monkeypatch.setitem(sys.modules, "semver", None)  # makes `import semver` raise ImportError
    if valid:
        assert template(version=version).version == version
    else:
        with pytest.raises(ValidationError, match="semantic version"):
            template(version=version)
