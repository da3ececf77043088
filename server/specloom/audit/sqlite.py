"""The audit log in one SQLite file: append-only by trigger, tamper-evident by hash chain.

Each record's hash is sha256(previous hash + canonical body); the first chains to 64 zeros.
Appends run inside `BEGIN IMMEDIATE`, so concurrent writers (threads or processes) queue up and
still form one chain, and a writer killed mid-append leaves the last committed record as the head.

What the chain cannot show on its own: records cut off at the end, or a chain rewritten from
some point on. `audit verify` prints the head; kept somewhere else (a ticket, a commit),
`audit verify --expect-head` catches those.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from specloom.core.errors import SpecloomError

from .base import (
    GENESIS_HASH,
    AuditRecord,
    AuditStoreError,
    StoredRecord,
    VerifyResult,
    canonical_json,
    chain_hash,
    redact,
)

SCHEMA_VERSION = 1
APPLICATION_ID = 0x73706C6D  # "splm" in the file header marks a specloom audit log
BUSY_TIMEOUT_S = 30.0
_T = TypeVar("_T")

# Columns copied out of the body so they can be indexed; verify() checks they still agree.
_COLUMNS = ("record_id", "created_at", "tenant_id", "user_id", "generation_id", "spec_hash", "outcome")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    "INSERT INTO schema_version (version) SELECT ? WHERE NOT EXISTS (SELECT 1 FROM schema_version)",
    """CREATE TABLE IF NOT EXISTS records (
        seq INTEGER PRIMARY KEY,
        record_id TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        generation_id TEXT NOT NULL,
        spec_hash TEXT,
        outcome TEXT NOT NULL,
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS records_generation_id ON records (generation_id)",
    "CREATE INDEX IF NOT EXISTS records_spec_hash ON records (spec_hash)",
    "CREATE INDEX IF NOT EXISTS records_tenant_id ON records (tenant_id)",
    """CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records
       BEGIN SELECT RAISE(ABORT, 'specloom audit records are append-only: UPDATE is refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records
       BEGIN SELECT RAISE(ABORT, 'specloom audit records are append-only: DELETE is refused'); END""",
    f"PRAGMA application_id = {APPLICATION_ID}",
)
_OBJECTS = {
    "schema_version",
    "records",
    "records_generation_id",
    "records_spec_hash",
    "records_tenant_id",
    "records_no_update",
    "records_no_delete",
}
_ELSEWHERE = (
    "set `path` under `[audit]` in specloom.toml (or SPECLOOM_AUDIT__PATH) to another file, "
    "and Specloom starts a new audit log there"
)


class SqliteAuditStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise AuditStoreError(
                "is a folder, not an audit database.", f"Use a file path instead: {_ELSEWHERE}.", path=str(self.path)
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One connection shared by threads; the lock keeps its transactions apart.
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except OSError as exc:
            raise AuditStoreError(
                f"its folder cannot be created: {exc.strerror or exc}.",
                "Make the folder writable.",
                path=str(self.path),
            ) from None
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        self._lock = threading.Lock()
        try:
            self._open()
        except sqlite3.Error as exc:
            self._conn.close()
            raise self._error(exc) from None
        except AuditStoreError:
            self._conn.close()
            raise

    def _open(self) -> None:
        app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
        names = {row[0] for row in self._conn.execute("SELECT name FROM sqlite_master")}
        if app_id != APPLICATION_ID and (app_id or names):
            raise AuditStoreError(
                "is an SQLite database, but not a Specloom audit log.",
                f"This file is left untouched; to keep the audit log elsewhere, {_ELSEWHERE}.",
                path=str(self.path),
            )
        if app_id == APPLICATION_ID:
            has_tables = names >= {"records", "schema_version"}
            version = (
                self._conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] if has_tables else None
            )
            if version is None:
                raise AuditStoreError(
                    "is a Specloom audit log whose tables are missing or empty: it was damaged or tampered with.",
                    f"Restore it from a backup, or {_ELSEWHERE}.",
                    path=str(self.path),
                )
            if version > SCHEMA_VERSION:
                raise AuditStoreError(
                    f"was written by a newer Specloom (audit schema {version}; this one reads {SCHEMA_VERSION}).",
                    "Upgrade Specloom to read this audit log.",
                    path=str(self.path),
                )
        # Only now, so that a foreign database is never converted to WAL.
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        if not names >= _OBJECTS:  # a new log, or a trigger or index someone dropped
            self._write(self._create_schema)

    def _create_schema(self) -> None:
        for sql in _SCHEMA:
            self._conn.execute(sql, (SCHEMA_VERSION,) if "?" in sql else ())

    def append(self, record: AuditRecord) -> StoredRecord:
        data = redact(record.to_json())
        record_id = uuid.uuid4().hex
        body = canonical_json({**data, "record_id": record_id})

        def insert() -> tuple[int, str, str]:
            last = self._conn.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
            digest = chain_hash(prev_hash, body)
            self._conn.execute(
                "INSERT INTO records (seq, record_id, created_at, tenant_id, user_id, generation_id, spec_hash, "
                "outcome, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (seq, record_id, *(data[c] for c in _COLUMNS[1:]), body, prev_hash, digest),
            )
            return seq, prev_hash, digest

        seq, prev_hash, digest = self._write(insert)
        return StoredRecord(AuditRecord.from_json(data), seq, record_id, prev_hash, digest)

    def get(self, record_id: str, tenant_id: str | None = None) -> StoredRecord | None:
        """The record; with `tenant_id`, only if it is that tenant's (another's is as absent as an unknown id)."""
        scope, args = (" AND tenant_id = ?", (record_id, tenant_id)) if tenant_id is not None else ("", (record_id,))
        rows = self._read(
            lambda: self._conn.execute(
                f"SELECT seq, body, prev_hash, hash FROM records WHERE record_id = ?{scope}", args
            ).fetchall()
        )
        return self._stored(rows[0]) if rows else None

    def list(
        self,
        limit: int = 50,
        tenant_id: str | None = None,
        generation_id: str | None = None,
        spec_hash: str | None = None,
    ) -> list[StoredRecord]:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        filters = {"tenant_id": tenant_id, "generation_id": generation_id, "spec_hash": spec_hash}
        used = {column: value for column, value in filters.items() if value is not None}
        where = " WHERE " + " AND ".join(f"{column} = ?" for column in used) if used else ""
        rows = self._read(
            lambda: self._conn.execute(
                f"SELECT seq, body, prev_hash, hash FROM records{where} ORDER BY seq DESC LIMIT ?",
                (*used.values(), limit),
            ).fetchall()
        )
        return [self._stored(row) for row in rows]

    def verify(self, first_seq: int = 1, last_seq: int | None = None) -> VerifyResult:
        if first_seq < 1 or (last_seq is not None and last_seq < first_seq):
            raise ValueError(f"cannot verify records {first_seq} to {last_seq}")
        return self._read(lambda: self._walk(first_seq, last_seq))

    def _walk(self, first_seq: int, last_seq: int | None) -> VerifyResult:
        checked, prev = 0, GENESIS_HASH
        if first_seq > 1:  # start from the hash of the record before the range
            before = self._conn.execute("SELECT hash FROM records WHERE seq = ?", (first_seq - 1,)).fetchone()
            if before is None:
                return VerifyResult(False, 0, first_seq - 1, f"record {first_seq - 1}, before the range, is missing.")
            prev = before[0]
        rows = self._conn.execute(
            f"SELECT seq, body, prev_hash, hash, {', '.join(_COLUMNS)} FROM records WHERE seq >= ? AND seq <= ? "
            "ORDER BY seq",
            (first_seq, last_seq if last_seq is not None else 2**63 - 1),
        )
        for seq, body, prev_hash, digest, *columns in rows:
            expected = first_seq + checked
            if seq > expected:
                missing = f"record {expected} is" if seq == expected + 1 else f"records {expected} to {seq - 1} are"
                return VerifyResult(
                    False, checked, expected, f"{missing} missing: seq jumps from {expected - 1} to {seq}."
                )
            if seq != expected:
                return VerifyResult(False, checked, seq, f"seq {seq} is out of order: expected {expected}.")
            if prev_hash != prev:
                after = f"the hash of record {seq - 1}" if seq > 1 else "the start of the chain (64 zeros)"
                return VerifyResult(False, checked, seq, f"its prev_hash does not match {after}.")
            if not isinstance(body, str) or chain_hash(prev_hash, body) != digest:
                return VerifyResult(False, checked, seq, "its hash does not match its contents: it was changed.")
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if not isinstance(data, dict):
                return VerifyResult(False, checked, seq, "its body is not a JSON object.")
            for name, value in zip(_COLUMNS, columns, strict=True):
                if data.get(name) != value:
                    return VerifyResult(False, checked, seq, f"its {name} column differs from the hashed body.")
            checked, prev = checked + 1, digest
        head = first_seq + checked - 1
        return VerifyResult(True, checked, head_seq=head if checked else None, head_hash=prev if checked else None)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SqliteAuditStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _stored(self, row: tuple) -> StoredRecord:
        seq, body, prev_hash, digest = row
        try:
            data = json.loads(body)
            record_id = data.pop("record_id")
            return StoredRecord(AuditRecord.from_json(data), seq, record_id, prev_hash, digest)
        except (ValueError, TypeError, KeyError, AttributeError, SpecloomError):
            raise AuditStoreError(
                f"record {seq} cannot be read: its body is damaged.",
                "Run `specloom audit verify` to find where the log was changed, and restore it from a backup.",
                path=str(self.path),
            ) from None

    def _read(self, query: Callable[[], _T]) -> _T:
        with self._lock:
            try:
                return query()
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def _write(self, change: Callable[[], _T]) -> _T:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    result = change()
                    self._conn.execute("COMMIT")
                finally:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                return result
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def _error(self, exc: sqlite3.Error) -> AuditStoreError:
        text = str(exc)
        where = str(self.path)
        if "not a database" in text or "malformed" in text:
            return AuditStoreError(
                "is not an SQLite database, or it is corrupt.",
                f"Restore it from a backup, or {_ELSEWHERE}.",
                path=where,
            )
        if "locked" in text or "busy" in text:
            return AuditStoreError(
                f"stayed locked by another process for {BUSY_TIMEOUT_S:g} s.",
                "Retry; if it stays locked, stop the process holding the audit log open.",
                path=where,
            )
        if "readonly" in text or "unable to open" in text:
            return AuditStoreError(
                f"cannot be opened for writing ({text}).",
                f"Make the file and its folder writable, or {_ELSEWHERE}.",
                path=where,
            )
        return AuditStoreError(f"audit database error: {text}.", path=where)
