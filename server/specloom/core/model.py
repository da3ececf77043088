"""The data model of generation requests and results (pydantic v2).

These shapes cross process boundaries (CLI JSON, HTTP API, audit log), so they are strict:
unknown fields are rejected and every constraint says in its message what would be valid.
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Language = Literal["rust", "go", "python", "typescript", "java", "csharp"]
_NonEmpty = Annotated[str, Field(min_length=1)]
_Count = Annotated[int, Field(ge=0)]
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
_IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"
# semver.org's own pattern, for when the `semver` package is not installed.
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests -------------------------------------------------------------------


class AdrInput(_Model):
    type: Literal["adr"] = "adr"
    adr_id: _NonEmpty
    version: str | None = None


class OpenAPIInput(_Model):
    type: Literal["openapi"] = "openapi"
    spec: str | None = Field(None, description="the OpenAPI document's text")
    path: str | None = Field(None, description="a file to read the OpenAPI document from")
    operations: list[str] = Field(default_factory=list, description="operationIds to generate; empty for all")

    @model_validator(mode="after")
    def _one_source(self) -> OpenAPIInput:
        if (self.spec is None) == (self.path is None):
            got = "both" if self.spec is not None else "neither"
            raise ValueError(f"give exactly one of `spec` (the document text) or `path` (a file); got {got}")
        return self


class GraphQLInput(_Model):
    # `schema` would shadow a BaseModel attribute, hence the trailing underscore and the alias.
    model_config = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    type: Literal["graphql"] = "graphql"
    schema_: _NonEmpty = Field(alias="schema", description="the GraphQL SDL text")
    operations: list[str] = Field(default_factory=list, description="root fields to generate; empty for all")


class UserStoryInput(_Model):
    type: Literal["user_story"] = "user_story"
    story: _NonEmpty
    acceptance_criteria: list[str] = Field(default_factory=list)


SpecificationInput = Annotated[AdrInput | OpenAPIInput | GraphQLInput | UserStoryInput, Field(discriminator="type")]


class GenerationPreferences(_Model):
    language: Language = "python"
    framework: str | None = None
    style_guide: str | None = None
    test_framework: str | None = None
    ai_provider_preference: str | None = None


class GenerationRequest(_Model):
    id: UUID = Field(default_factory=uuid4)
    tenant_id: _NonEmpty
    user_id: _NonEmpty
    specification: SpecificationInput
    preferences: GenerationPreferences = Field(default_factory=GenerationPreferences)
    metadata: dict[str, str] = Field(default_factory=dict)


# --- generated code -------------------------------------------------------------


class FilePurpose(enum.StrEnum):
    SOURCE = "source"
    TEST = "test"
    CONFIG = "config"
    DOCUMENTATION = "documentation"
    BUILD = "build"


class GeneratedFile(_Model):
    path: str = Field(description="relative to the output folder, '/'-separated")
    content: str
    language: str
    purpose: FilePurpose

    @field_validator("path")
    @classmethod
    def _safe_path(cls, path: str) -> str:
        # Generated paths are written to disk: anything that could escape the output folder is refused.
        if not path:
            raise ValueError("path must not be empty")
        if "\x00" in path:
            raise ValueError("path must not contain NUL characters")
        if "\\" in path:
            raise ValueError(f"path must use '/' separators, not backslashes: {path!r}")
        if path.startswith("/") or _WINDOWS_DRIVE.match(path):
            raise ValueError(f"path must be relative to the output folder, not absolute: {path!r}")
        if ".." in path.split("/"):
            raise ValueError(f"path must not contain '..' segments (it would leave the output folder): {path!r}")
        return path


class GeneratedCode(_Model):
    files: list[GeneratedFile] = Field(default_factory=list)
    tests: list[GeneratedFile] = Field(default_factory=list)
    documentation: list[GeneratedFile] = Field(default_factory=list)
    dependencies: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_paths(self) -> GeneratedCode:
        seen: set[str] = set()
        for generated in (*self.files, *self.tests, *self.documentation):
            if generated.path in seen:
                raise ValueError(f"two generated files share the path {generated.path!r}")
            seen.add(generated.path)
        return self


# --- validation and results -----------------------------------------------------


class ValidationFinding(_Model):
    code: _NonEmpty
    severity: Literal["error", "warning", "information", "hint"]
    message: str
    path: str | None = None
    line: int | None = Field(None, ge=0, description="0-based, as in LSP")
    character: int | None = Field(None, ge=0, description="0-based, in Unicode code points")
    suggestion: str | None = None


class GateResult(_Model):
    name: _NonEmpty
    passed: bool
    duration_ms: float = Field(ge=0)
    findings: list[ValidationFinding] = Field(default_factory=list)


class ValidationResult(_Model):
    passed: bool
    gates: list[GateResult] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> ValidationResult:
        failed = [g.name for g in self.gates if not g.passed]
        if self.passed and failed:
            raise ValueError(f"passed is true but gate(s) {', '.join(failed)} failed")
        return self


class GenerationMetrics(_Model):
    step_ms: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    files: _Count = 0
    lines: _Count = 0
    tokens_in: _Count = 0
    tokens_out: _Count = 0
    cost_usd: float = Field(0.0, ge=0)


class GenerationStatus(enum.StrEnum):
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"  # some files were delivered, others failed
    FAILED = "failed"


class GenerationResult(_Model):
    id: UUID = Field(default_factory=uuid4, description="the generation's id: GET /api/v1/generation/{id}")
    request_id: UUID
    status: GenerationStatus
    code: GeneratedCode | None = None
    validation: ValidationResult | None = None
    metrics: GenerationMetrics = Field(default_factory=GenerationMetrics)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    error: dict[str, Any] | None = Field(None, description="SpecloomError.to_json() of what stopped the run")
    audit_id: str | None = Field(None, description="the audit record of the run (`specloom audit show ID`)")
    report: dict[str, Any] | None = Field(
        None, description="the pipeline's own account (plan, gates, delivery, provider attempts), for local shells"
    )

    @model_validator(mode="after")
    def _status_matches(self) -> GenerationResult:
        if self.status is GenerationStatus.SUCCEEDED and self.error is not None:
            raise ValueError("a succeeded result cannot carry an error")
        if self.status is GenerationStatus.FAILED and self.error is None:
            raise ValueError("a failed result must say why in `error`")
        return self


# --- templates ------------------------------------------------------------------


class TemplateVariable(_Model):
    name: str = Field(pattern=_IDENTIFIER, description="an identifier: letters, digits and '_'")
    type: Literal["string", "integer", "number", "boolean", "list", "object"] = "string"
    required: bool = True
    default: Any = None
    pattern: str | None = Field(None, description="a regular expression string values must match")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        return pattern

    @model_validator(mode="after")
    def _default_fits(self) -> TemplateVariable:
        if self.required and self.default is not None:
            raise ValueError(f"variable {self.name!r} is required, so a default would never be used")
        if self.pattern and isinstance(self.default, str) and not re.fullmatch(self.pattern, self.default):
            raise ValueError(f"default {self.default!r} of {self.name!r} does not match its pattern {self.pattern!r}")
        return self


class CodeTemplate(_Model):
    id: _NonEmpty
    name: _NonEmpty
    version: str = Field(description="a semantic version such as 1.2.0")
    language: Language
    category: _NonEmpty
    template_content: str
    variables: list[TemplateVariable] = Field(default_factory=list)
    test_coverage: float = Field(ge=0, le=100, description="percentage of the template's code its tests cover")

    @field_validator("version")
    @classmethod
    def _semver(cls, version: str) -> str:
        if not _is_semver(version):
            raise ValueError(f"version must be a semantic version like 1.2.0 or 2.0.0-rc.1, got {version!r}")
        return version

    @model_validator(mode="after")
    def _unique_variables(self) -> CodeTemplate:
        names = [v.name for v in self.variables]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"variables must have distinct names; repeated: {', '.join(duplicates)}")
        return self


def _is_semver(version: str) -> bool:
    try:
        import semver
    except ImportError:
        return _SEMVER.match(version) is not None
    return semver.Version.is_valid(version)
