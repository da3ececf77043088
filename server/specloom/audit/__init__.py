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


def open_store(config_or_path: Any, *, root: str | Path | None = None, tenant: str | None = None) -> AuditStore:
    """The audit store a `Config` (or its `[audit]` section) names, or an SQLite log at a path.

    A relative path or cluster file is taken from `root` (the workspace) when given. A FoundationDB
    store is opened for one tenant: `tenant`, else the Config's `[identity] tenant`.
    """
    if isinstance(config_or_path, str | os.PathLike):
        backend, path, cluster_file = "sqlite", config_or_path, None
    else:
        audit = getattr(config_or_path, "audit", config_or_path)
        backend, path, cluster_file = audit.backend, audit.path, audit.cluster_file
    if root is not None:
        path = Path(root) / path  # an absolute path stays as it is
        cluster_file = Path(root) / cluster_file if cluster_file is not None else None
    if backend == "sqlite":
        from .sqlite import SqliteAuditStore

        return SqliteAuditStore(path)
    if backend == "foundationdb":
        from .foundationdb import FoundationDBAuditStore

        identity = getattr(config_or_path, "identity", None)
        tenant = tenant or (identity.tenant if identity is not None else None)
        if not tenant:
            raise ValueError("A FoundationDB audit store is opened for one tenant: pass `tenant` or a whole Config.")
        return FoundationDBAuditStore(tenant, cluster_file=cluster_file)
    raise AuditStoreError(
        f"Unknown audit backend {backend!r}.", 'Set `backend = "sqlite"` under `[audit]` in specloom.toml.'
    )
