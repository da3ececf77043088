"""The audit record, the store interface every backend implements, and redaction.

A record is redacted before it is hashed or written: secrets never reach the log, and the
hash covers exactly the bytes that were stored, so `verify()` needs nothing but the log itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, get_args, runtime_checkable

from specloom.core.errors import SpecloomError
from specloom.core.security import find_secrets

Outcome = Literal[
    "delivered", "gate_failed", "invalid_spec", "providers_failed", "conflict", "cancelled", "error", "dry_run"
]
OUTCOMES: frozenset[str] = frozenset(get_args(Outcome))
REDACTED = "[REDACTED]"
GENESIS_HASH = "0" * 64


class AuditStoreError(SpecloomError):
    code = "E-AUDIT-STORE"
    default_suggestion = "Check the `[audit]` settings in specloom.toml and that the audit file is readable."

    def __init__(self, message: str, suggestion: str | None = None, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message, suggestion)

    def details(self) -> dict:
        return {"path": self.path}


class AnonymousRequest(SpecloomError):
    code = "E-ANONYMOUS"
    default_suggestion = (
        "Set an identity: `user` under `[identity]` in specloom.toml, the SPECLOOM_USER environment variable, "
        "or `git config user.email`."
    )

    def __init__(self, missing: str) -> None:
        self.missing = missing
        super().__init__(f"Refused to audit an anonymous request: no {missing} is set.")

    def details(self) -> dict:
        return {"missing": self.missing}


class RecordNotFound(SpecloomError):
    code = "E-AUDIT-NOT-FOUND"
    default_suggestion = "Run `specloom audit list` to see the record ids."

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id
        super().__init__(f"No audit record with id '{record_id}'.")

    def details(self) -> dict:
        return {"record_id": self.record_id}


def canonical_json(value: Any) -> str:
    """The one serialization that is hashed: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True, kw_only=True)
class AuditRecord:
    """Everything about one request: who, on what spec, which providers, what came out."""

    generation_id: str
    tenant_id: str
    user_id: str
    kind: str  # "generate" | "validate" | ...
    outcome: Outcome
    request: dict = field(default_factory=dict)
    spec_path: str | None = None
    spec_hash: str | None = None
    pack_versions: dict = field(default_factory=dict)
    # each: provider, model, tokens_in, tokens_out, cost_usd, latency_ms, outcome, error
    provider_attempts: list[dict] = field(default_factory=list)
    plan: list[dict] = field(default_factory=list)
    gate_results: list[dict] = field(default_factory=list)
    delivered_files: dict[str, str] = field(default_factory=dict)  # path -> sha256
    timings_ms: dict = field(default_factory=dict)
    error: dict | None = None
    created_at: str = field(default_factory=utc_now)  # UTC, ISO 8601

    def __post_init__(self) -> None:
        # The tenant usually has a default; the user is the one people forget to set.
        for name in ("user_id", "tenant_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise AnonymousRequest("user" if name == "user_id" else "tenant")
        if not self.generation_id or not self.kind:
            raise ValueError("An audit record needs a generation_id and a kind.")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"Unknown audit outcome {self.outcome!r}; expected one of {sorted(OUTCOMES)}.")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> AuditRecord:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


@dataclass(frozen=True)
class StoredRecord:
    """A record as the log holds it: redacted, numbered and chained to the one before."""

    record: AuditRecord
    seq: int
    record_id: str
    prev_hash: str
    hash: str

    def to_json(self) -> dict:
        return {
            "seq": self.seq,
            "record_id": self.record_id,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            **self.record.to_json(),
        }


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # records found intact, in order, before the first broken one
    first_broken_seq: int | None = None
    reason: str | None = None
    # The last record found intact: kept elsewhere (a ticket, a commit), it later shows a cut or rewritten tail.
    head_seq: int | None = None
    head_hash: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


@runtime_checkable
class AuditStore(Protocol):
    """An append-only, hash-chained log of audit records."""

    def append(self, record: AuditRecord) -> StoredRecord: ...

    def get(self, record_id: str, tenant_id: str | None = None) -> StoredRecord | None:
        """With `tenant_id`, None for another tenant's record."""
        ...

    def list(
        self,
        limit: int = 50,
        tenant_id: str | None = None,
        generation_id: str | None = None,
        spec_hash: str | None = None,
    ) -> list[StoredRecord]:
        """Newest first."""
        ...

    def verify(self, first_seq: int = 1, last_seq: int | None = None) -> VerifyResult:
        """Check the chain from `first_seq` to `last_seq` (the head when None)."""
        ...

    def close(self) -> None: ...


# Key names whose values are credentials whatever they look like. Matched on words, so that
# `tokens_in` or `max_tokens` (counts) are kept while `access_token` or `X-Api-Key` are not.
_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "apikey",
        "authorization",
        "cookie",
        "credential",
        "credentials",
    }
)
_SECRET_PAIRS = frozenset({("api", "key"), ("private", "key")})
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# Credentials inside free text: auth headers, `key=value` pairs, passwords in URLs.
_TEXT_SECRETS = re.compile(
    r"(?i)(?:password|passwd|secret|token|api[_-]?key|apikey|authorization)[\"']?\s*[=:]\s*[\"']?"
    r"(?:(?:basic|bearer)\s+)?(?P<kv>[^\s\"'&,;}]{4,})"
    r"|\bbearer\s+(?P<bearer>[A-Za-z0-9._~+/=-]{8,})"
    r"|://[^/\s:@]+:(?P<url>[^/\s@]+)@"
)


def is_secret_key(name: str) -> bool:
    words = [w.lower() for w in _WORD.findall(name)]
    return any(w in _SECRET_WORDS for w in words) or any(
        pair in _SECRET_PAIRS for pair in zip(words, words[1:], strict=False)
    )


def redact_text(text: str, key_name: str = "") -> str:
    spans = [(hit.start, hit.end) for hit in find_secrets(text, key_name)]
    spans += [m.span(m.lastgroup) for m in _TEXT_SECRETS.finditer(text)]
    if not spans:
        return text
    out, pos = [], 0
    for start, end in sorted(spans):
        if end <= pos:
            continue  # inside a span already replaced
        if start >= pos:
            out.append(text[pos:start])
            out.append(REDACTED)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redact(value: Any, key_name: str = "") -> Any:
    """`value` as JSON-ready data with every secret replaced by [REDACTED]."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = _text(key)
            out[redact_text(name)] = REDACTED if item is not None and is_secret_key(name) else redact(item, name)
        return out
    if isinstance(value, list | tuple):
        return [redact(item, key_name) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact_text(_text(value), key_name)


def _text(value: Any) -> str:
    # Paths, enums and the like are recorded as their text.
    text = value if isinstance(value, str) else str(value)
    # Lone surrogates (undecodable file names) cannot be stored as UTF-8; keep them as escapes.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
