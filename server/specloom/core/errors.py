"""Typed errors for what stops a whole request (bad specs, missing templates, failed providers…).

Problems inside one spec are Findings, not exceptions; these are for the pipeline around them.
Each class has a stable `code` (part of the public JSON, never reused for another meaning)
and every instance a `suggestion` telling the user what to do next.
"""

from __future__ import annotations

from typing import ClassVar

from specloom.core.findings import Finding, Severity


class SpecloomError(Exception):
    code: ClassVar[str] = "E-SPECLOOM"
    default_suggestion: ClassVar[str] = "Re-run with the same input; if it fails again, report it with the output."

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion or self.default_suggestion

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.suggestion}"

    def details(self) -> dict:
        """Machine-readable specifics of this error, for the JSON form."""
        return {}

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message, "suggestion": self.suggestion, "details": self.details()}


class InvalidSpecification(SpecloomError):
    code = "E-INVALID-SPEC"
    default_suggestion = "Fix the errors `specloom check` lists for the spec, then run again."

    def __init__(self, findings: list[Finding], suggestion: str | None = None, message: str | None = None) -> None:
        self.findings = list(findings)
        errors = [f for f in self.findings if f.severity is Severity.ERROR]
        if not message and errors:
            first = errors[0]
            where = f"{first.path}:{first.range.start.line + 1}:{first.range.start.character + 1}"
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            message = f"The specification has {len(errors)} error(s): {where}: {first.code} {first.message}{more}"
        super().__init__(message or "The specification was rejected.", suggestion)

    def details(self) -> dict:
        return {"findings": [{"path": f.path, **f.to_json()} for f in self.findings]}


class TemplateNotFound(SpecloomError):
    code = "E-TEMPLATE-NOT-FOUND"

    def __init__(self, name: str, available: list[str]) -> None:
        self.name = name
        self.available = sorted(available)
        listed = ", ".join(self.available) if self.available else "none are installed"
        super().__init__(f"No template named '{name}'. Available: {listed}.", self._suggest())

    def _suggest(self) -> str:
        if not self.available:
            return "Install a template pack, or add a template folder to the workspace."
        from rapidfuzz import process

        match = process.extractOne(self.name, self.available, score_cutoff=60)
        if match is not None:
            return f"Did you mean '{match[0]}'?"
        return "Use one of the available templates, or add a template pack that provides this one."

    def details(self) -> dict:
        return {"name": self.name, "available": self.available}


class AllProvidersFailed(SpecloomError):
    code = "E-ALL-PROVIDERS-FAILED"
    default_suggestion = (
        "Check each provider's error: a key variable not set, a wrong base_url, a quota or an outage. "
        "`specloom providers` shows their health; [generation] fallback_chain sets the order."
    )

    def __init__(
        self, primary: str, tried: list[tuple[str, str]], reason: str = "", attempts: list | None = None
    ) -> None:
        self.primary = primary
        self.tried = list(tried)
        self.attempts = list(attempts or [])  # the audit form of every call, when the router made them
        failures = "; ".join(f"{provider}: {error}" for provider, error in self.tried) or "no provider was tried"
        why = f" — {reason}" if reason else ""
        super().__init__(f"Every AI provider failed (primary: {primary}){why}. {failures}.")

    def details(self) -> dict:
        return {
            "primary": self.primary,
            "tried": [{"provider": p, "error": e} for p, e in self.tried],
            "attempts": [a.to_json() if hasattr(a, "to_json") else a for a in self.attempts],
        }


class QualityGateFailed(SpecloomError):
    code = "E-QUALITY-GATE"
    default_suggestion = (
        "Read the gate's findings; fix the spec, template or preferences that produced the code, then regenerate."
    )

    def __init__(self, reason: str, gate: str) -> None:
        self.reason = reason
        self.gate = gate
        super().__init__(f"Quality gate '{gate}' failed: {reason}")

    def details(self) -> dict:
        return {"gate": self.gate, "reason": self.reason}


class SecurityViolation(SpecloomError):
    code = "E-SECURITY"
    default_suggestion = (
        "Remove the secret or the instructions aimed at an AI from the input, rotate any exposed credential, "
        "and run again."
    )

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"Refused for security: {reason}")

    def details(self) -> dict:
        return {"reason": self.reason}


class Timeout(SpecloomError):
    code = "E-TIMEOUT"
    default_suggestion = "Retry; if it keeps timing out, generate fewer operations at once or raise the time limit."

    def __init__(self, seconds: float, operation: str) -> None:
        self.seconds = seconds
        self.operation = operation
        super().__init__(f"{operation} did not finish within {seconds:g} s.")

    def details(self) -> dict:
        return {"seconds": self.seconds, "operation": self.operation}


class ConfigError(SpecloomError):
    code = "E-CONFIG"
    default_suggestion = "Correct the setting; `specloom.toml` keys are documented in the README."

    def __init__(self, path: str, key: str | None, message: str, suggestion: str | None = None) -> None:
        self.path = path
        self.key = key
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {message}", suggestion)

    def details(self) -> dict:
        return {"path": self.path, "key": self.key}


class GenerationFailed(SpecloomError):
    """A run that stopped for a reason of ours, not of the spec, the gates or the providers."""

    code = "E-GENERATION-FAILED"
    default_suggestion = "Retry; if it fails again, report it with the generation id (its audit record has the cause)."


class TenantMismatch(SpecloomError):
    code = "E-TENANT-MISMATCH"
    default_suggestion = "Send the request with a token of the tenant it names, or name your own tenant."

    def __init__(self, claimed: str, requested: str) -> None:
        self.claimed, self.requested = claimed, requested
        super().__init__("The request names a tenant other than the token's.")

    def details(self) -> dict:
        return {}  # naming the other tenant back would confirm it exists
