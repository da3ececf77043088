"""The one builder of the generation service, and the one mapping of a run to its result.

Every shell (CLI, language server, HTTP API, queue worker) gets its `CodeGenerationService` from
`open_service`, so configuration -> audit store -> orchestrator -> gates is wired in one place, and
turns a run into the seed's `GenerationResult` (and its typed error) through `generation_result`.
"""

from __future__ import annotations

import contextlib
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

from specloom.core.errors import (
    AllProvidersFailed,
    GenerationFailed,
    InvalidSpecification,
    QualityGateFailed,
    SpecloomError,
    TemplateNotFound,
)
from specloom.core.model import (
    FilePurpose,
    GateResult,
    GeneratedCode,
    GeneratedFile,
    GenerationMetrics,
    GenerationResult,
    GenerationStatus,
    ValidationFinding,
    ValidationResult,
)
from specloom.pipeline import CodeGenerationService, GenerateOptions, GenerationOutcome

_SUCCEEDED = {"delivered", "dry_run"}
_LANGUAGE_BY_SUFFIX = {".py": "python", ".ts": "typescript", ".go": "go", ".rs": "rust", ".java": "java"}


def build_service(config, audit_store, orchestrator=None) -> CodeGenerationService:
    """The service for `config` writing to `audit_store`; a long-lived shell passes its own orchestrator
    so that circuit breakers remember failures between runs."""
    from specloom.gates import run_gates
    from specloom.providers import build_orchestrator

    return CodeGenerationService(
        audit_store, run_gates=run_gates, orchestrator=orchestrator or build_orchestrator(config)
    )


@contextlib.contextmanager
def open_service(
    config, root: Path, *, tenant: str | None = None, orchestrator=None
) -> Iterator[CodeGenerationService]:
    """The service for the workspace at `root`, its audit store closed on leaving."""
    from specloom.audit import open_store

    store = open_store(config, root=root, tenant=tenant)
    try:
        yield build_service(config, store, orchestrator)
    finally:
        store.close()


def outcome_error(outcome: GenerationOutcome, opts: GenerateOptions) -> SpecloomError | None:
    """The typed error of a run that did not succeed (None when it did)."""
    if outcome.outcome in _SUCCEEDED:
        return None
    if outcome.outcome == "invalid_spec" and outcome.spec_findings:
        return InvalidSpecification(outcome.spec_findings, suggestion="Fix the findings listed, then run again.")
    if outcome.outcome in ("invalid_spec", "refused"):
        return InvalidSpecification([], "Fix the spec or the selection named in the message.", outcome.message)
    if outcome.outcome == "gate_failed":
        failed = [g["name"] for g in outcome.gates if not g["passed"]]
        return QualityGateFailed(outcome.message, ", ".join(failed) or "quality")
    if outcome.outcome == "providers_failed" and not outcome.attempts:
        # No provider was even asked: nothing installed renders this spec for these preferences.
        return TemplateNotFound(f"{opts.language}/{opts.framework or '-'}", _available_packs(opts))
    if outcome.outcome == "providers_failed":
        return AllProvidersFailed(outcome.message.split("\n", 1)[0], [], attempts=outcome.attempts)
    return GenerationFailed(outcome.message or f"The generation ended as {outcome.outcome}.")


def generation_result(
    outcome: GenerationOutcome, opts: GenerateOptions, request_id: uuid.UUID | None = None, *, report: bool = True
) -> GenerationResult:
    """The seed's result of a run: the generated code by purpose, the gates, the metrics and any error."""
    error = outcome_error(outcome, opts)
    purposes = {f["path"]: f["purpose"] for f in outcome.plan}
    files, tests, docs = [], [], []
    for path, content in sorted(outcome.generated.items()):
        purpose = FilePurpose(purposes.get(path) or _purpose(path))
        generated = GeneratedFile(path=path, content=content, language=_language(path), purpose=purpose)
        {FilePurpose.TEST: tests, FilePurpose.DOCUMENTATION: docs}.get(purpose, files).append(generated)
    code = (
        GeneratedCode(files=files, tests=tests, documentation=docs, dependencies=_dependencies(outcome.generated))
        if outcome.generated
        else None
    )
    by_gate: dict[str, list[ValidationFinding]] = {}
    for issue in outcome.gate_issues:
        by_gate.setdefault(issue.gate, []).append(
            ValidationFinding(
                code=issue.code or issue.gate,
                severity=issue.severity if issue.severity in ("error", "warning", "information", "hint") else "error",
                message=issue.message,
                path=issue.file or None,
                line=max(issue.line - 1, 0) if issue.line else None,
                character=max(issue.column - 1, 0) if issue.column else None,
            )
        )
    gates = [
        GateResult(
            name=g["name"], passed=g["passed"], duration_ms=g["duration_ms"], findings=by_gate.get(g["name"], [])
        )
        for g in outcome.gates
    ]
    report_json = outcome.to_json()
    metrics = report_json["metrics"]
    return GenerationResult(
        id=uuid.UUID(outcome.generation_id),
        request_id=request_id or uuid.UUID(outcome.generation_id),
        status=GenerationStatus.SUCCEEDED if error is None else GenerationStatus.FAILED,
        code=code,
        validation=ValidationResult(passed=all(g.passed for g in gates), gates=gates) if gates else None,
        metrics=GenerationMetrics(
            step_ms=metrics["step_ms"],
            files=metrics["files"],
            lines=metrics["lines"],
            tokens_in=metrics["tokens_in"],
            tokens_out=metrics["tokens_out"],
            cost_usd=metrics["cost_usd"],
        ),
        error=error.to_json() if error is not None else None,
        audit_id=outcome.audit_id,
        report=report_json if report else None,
    )


def _available_packs(opts: GenerateOptions) -> list[str]:
    from specloom.templates.packs import discover

    packs, _errors = discover(opts.overlays)
    return [p.ref for p in packs]


def _purpose(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if path.startswith("tests/") or name.startswith("test_"):
        return "test"
    if name.endswith((".md", ".rst", ".txt")):
        return "documentation"
    if name.endswith((".toml", ".cfg", ".ini", ".yaml", ".yml", ".json")):
        return "config"
    return "source"


def _language(path: str) -> str:
    return _LANGUAGE_BY_SUFFIX.get(Path(path).suffix, Path(path).suffix.lstrip(".") or "text")


def _dependencies(files: dict[str, str]) -> list[str]:
    """What the generated project declares it needs (its pyproject's [project] dependencies)."""
    text = files.get("pyproject.toml")
    if text is None:
        return []
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return []
    return [str(d) for d in project.get("dependencies", [])]
