"""The audit trail: every request recorded with full context in a tamper-evident, append-only log."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .base import (
    GENESIS_HASH,
    OUTCOMES,
    REDACTED,
    AnonymousRequest,
    AuditRecord,
    AuditStore,
    AuditStoreError,
    Outcome,
    RecordNotFound,
    StoredRecord,
    VerifyResult,
    canonical_json,
    chain_hash,
    redact,
    redact_text,
)

__all__ = [
    "GENESIS_HASH",
    "OUTCOMES",
    "REDACTED",
    "AnonymousRequest",
    "AuditRecord",
    "AuditStore",
    "AuditStoreError",
    "Outcome",
    "RecordNotFound",
    "StoredRecord",
    "VerifyResult",
    "canonical_json",
    "chain_hash",
    "open_store",
    "redact",
    "redact_text",
]


def open_store(config_or_path: Any, *, root: str | Path | None = None) -> AuditStore:
    """The audit store a `Config` (or its `[audit]` section) names, or an SQLite log at a path.

    A relative path is taken from `root` (the workspace) when given.
    """
    if isinstance(config_or_path, str | os.PathLike):
        backend, path = "sqlite", config_or_path
    else:
        audit = getattr(config_or_path, "audit", config_or_path)
        backend, path = audit.backend, audit.path
    if root is not None:
        path = Path(root) / path  # an absolute path stays as it is
    if backend == "sqlite":
        from .sqlite import SqliteAuditStore

        return SqliteAuditStore(path)
    if backend == "foundationdb":
        raise AuditStoreError(
            "The audit backend 'foundationdb' is not available yet.",
            'Set `backend = "sqlite"` under `[audit]` in specloom.toml (the default), '
            "or unset SPECLOOM_AUDIT__BACKEND.",
        )
    raise AuditStoreError(
        f"Unknown audit backend {backend!r}.", 'Set `backend = "sqlite"` under `[audit]` in specloom.toml.'
    )
