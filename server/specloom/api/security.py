"""The security manager: the spec scanned before generation, the generated code after it, refusals audited.

Only confident hits refuse (known credential formats, instructions aimed at an AI); guesses from entropy
stay findings of `check`. A refusal is one audit record with the reason, so a tenant's refused requests
are as visible as its generations.
"""

from __future__ import annotations

from specloom import logs
from specloom.core.errors import InvalidSpecification, SecurityViolation
from specloom.core.security import find_secrets, scan_text


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def scan_spec(text: str, path: str) -> None:
    """Refuse (InvalidSpecification, with the places) a spec carrying a credential or text addressed to an AI."""
    from specloom.core.findings import Finding
    from specloom.core.rules import rule
    from specloom.core.source import SourceText

    hits = [h for h in scan_text(text) if h.confident]
    if not hits:
        return
    source = SourceText(path, text)
    findings = [
        Finding(
            code,
            rule(code).severity,
            hit.message,
            source.span(hit.start, hit.end),
            path,
            "Remove it from the spec (and rotate a leaked credential); spec text is never sent as instructions.",
        )
        for hit in hits
        for code in ["SEC001" if hit.kind == "secret" else "SEC002"]
    ]
    first = hits[0]
    more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
    reason = f"the spec holds {first.kind} at line {_line(text, first.start)}: {first.message}{more}"
    raise InvalidSpecification(findings, SecurityViolation.default_suggestion, f"Refused for security: {reason}")


def scan_code(files: dict[str, str]) -> str | None:
    """Why the generated code may not be returned (a credential in it), or None."""
    for path, content in sorted(files.items()):
        hits = [h for h in find_secrets(content) if h.confident]
        if hits:
            return f"{path}:{_line(content, hits[0].start)}: {hits[0].message}"
    return None


def audit_refusal(
    store, generation_id: str, tenant: str, user: str, check: str, reason: str, spec: str = "", kind: str = "generate"
) -> None:
    from specloom.audit.base import AuditRecord

    store.append(
        AuditRecord(
            generation_id=generation_id,
            tenant_id=tenant,
            user_id=user,
            kind=kind,
            outcome="error",
            request={"spec": spec, "via": "api"},
            spec_path=spec or None,
            error={"refused": check, "reason": reason},
        )
    )
    logs.event(
        "refused",
        level="warning",
        generation_id=generation_id,
        tenant_id=tenant,
        user_id=user,
        check=check,
        reason=reason,
    )
