"""Generation jobs and their results in one SQLite file, every read scoped by tenant.

A job is queued, then running (once per attempt), then succeeded or failed; its result is written
in the same statement that ends it, so a reader sees either no result or the whole one. The API and
the queue's workers share the file (WAL; each process its own connection).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from specloom.audit.base import AuditStoreError, utc_now

PENDING = ("queued", "running")
_SCHEMA = """CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    request TEXT NOT NULL,
    result TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_tenant ON jobs (tenant_id, id);"""


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    tenant_id: str
    user_id: str
    status: str
    attempts: int
    request: dict
    result: dict | None


class ResultStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise AuditStoreError(
                f"the results database cannot be opened: {exc}",
                "Set `results_path` under [api] to a writable file.",
                path=str(self.path),
            ) from None
        self._lock = threading.Lock()

    def create(self, job_id: str, tenant_id: str, user_id: str, request: dict) -> None:
        now = utc_now()
        self._run(
            "INSERT INTO jobs (id, tenant_id, user_id, status, request, created_at, updated_at) "
            "VALUES (?, ?, ?, 'queued', ?, ?, ?)",
            (job_id, tenant_id, user_id, json.dumps(request), now, now),
        )

    def discard(self, job_id: str) -> None:
        """Forget a job that was never queued (the queue was full)."""
        self._run("DELETE FROM jobs WHERE id = ? AND status = 'queued' AND attempts = 0", (job_id,))

    def pending(self, job_id: str) -> bool:
        rows = self._rows("SELECT status FROM jobs WHERE id = ?", (job_id,))
        return bool(rows) and rows[0][0] in PENDING

    def start(self, job_id: str) -> Job | None:
        """Mark a pending job running (one more attempt); None if it is unknown or already finished."""
        self._run(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = ? "
            "WHERE id = ? AND status IN ('queued', 'running')",
            (utc_now(), job_id),
        )
        job = self._one("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return job if job is not None and job.status == "running" else None

    def finish(self, job_id: str, status: str, result: dict) -> None:
        self._run(
            "UPDATE jobs SET status = ?, result = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'running')",
            (status, json.dumps(result), utc_now(), job_id),
        )

    def get(self, tenant_id: str, job_id: str) -> Job | None:
        """The job if it belongs to `tenant_id`; another tenant's job is as absent as an unknown one."""
        return self._one("SELECT * FROM jobs WHERE tenant_id = ? AND id = ?", (tenant_id, job_id))

    def stored(self, tenant_id: str, job_id: str) -> tuple[str, int, str | None] | None:
        """(status, attempts, the result's JSON text as stored) of the tenant's job: read without parsing it."""
        rows = self._rows(
            "SELECT status, attempts, result FROM jobs WHERE tenant_id = ? AND id = ?", (tenant_id, job_id)
        )
        return rows[0] if rows else None

    def list(self, tenant_id: str, limit: int = 50) -> list[Job]:
        rows = self._rows("SELECT * FROM jobs WHERE tenant_id = ? ORDER BY created_at DESC LIMIT ?", (tenant_id, limit))
        return [self._job(r) for r in rows]

    def fail_interrupted(self, result_for) -> int:
        """Jobs left pending by a process that stopped: failed, with `result_for(job)` saying to retry."""
        pending = [self._job(r) for r in self._rows("SELECT * FROM jobs WHERE status IN ('queued', 'running')", ())]
        for job in pending:
            self.finish(job.id, "failed", result_for(job))
        return len(pending)

    def close(self) -> None:
        self._conn.close()

    def _one(self, sql: str, args: tuple) -> Job | None:
        rows = self._rows(sql, args)
        return self._job(rows[0]) if rows else None

    def _rows(self, sql: str, args: tuple) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def _run(self, sql: str, args: tuple) -> None:
        with self._lock:
            self._conn.execute(sql, args)

    @staticmethod
    def _job(row: tuple) -> Job:
        job_id, tenant, user, status, attempts, request, result, _created, _updated = row
        return Job(job_id, tenant, user, status, attempts, json.loads(request), json.loads(result) if result else None)
