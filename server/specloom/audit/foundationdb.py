"""The audit log, generation results and template packs of one tenant in a FoundationDB cluster.

Each append is one transaction run by the binding's retry loop (`fdb.transactional`): it reads the
tenant's chain head, writes the record (chunked) and its index entries under one versionstamp, and
rewrites the head. Reading the head makes concurrent appends of one tenant conflict and retry: that
is the price of a single hash chain per tenant; tenants never conflict with each other.

Keys, chunks and chain checks are pure functions in `foundationdb_layout`; this module only runs
transactions. See docs/foundationdb.md.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from specloom.core.errors import SpecloomError

from .base import (
    AuditRecord,
    AuditStore,
    AuditStoreError,
    StoredRecord,
    VerifyResult,
    canonical_json,
    chain_hash,
    redact,
)
from .foundationdb_layout import (
    BY_GENERATION,
    BY_ID,
    BY_SEQ,
    BY_SPEC,
    HEAD,
    PACK,
    RECORD,
    RESULT,
    ChainCheck,
    Envelope,
    Head,
    Layout,
    group_records,
    join,
    pack_writes,
    read_pack,
    read_result,
    record_writes,
    result_writes,
)

API_VERSION = 710  # supported by FoundationDB client libraries 7.1 and later
OPEN_TIMEOUT_MS = 5_000
TRANSACTION_TIMEOUT_MS = 10_000  # above FoundationDB's own 5 s limit, so that one is what usually ends a transaction
VERIFY_BATCH = 500  # records per transaction while verifying, well within the 5 s limit
VERIFY_BYTES = 4_000_000  # and no more bytes than this, whatever the records' size
DEFAULT_ROOT = "specloom"
_INSTALL = (
    "Install the FoundationDB client package (foundationdb-clients, from "
    "https://github.com/apple/foundationdb/releases; it provides libfdb_c) and the matching Python binding "
    "(`pip install 'specloom[foundationdb]'`)"
)
_CLUSTER = (
    "set `cluster_file` under `[audit]` (or SPECLOOM_AUDIT__CLUSTER_FILE, or FDB_CLUSTER_FILE) to the cluster file"
)
_SQLITE = 'or set `backend = "sqlite"` under `[audit]` in specloom.toml'


def load_binding() -> Any:
    """The `fdb` module with an API version selected, or an error naming the fix."""
    try:
        import fdb
    except ImportError:
        raise AuditStoreError(
            "The audit backend 'foundationdb' needs the FoundationDB Python binding, which is not installed.",
            f"{_INSTALL}, and {_CLUSTER}; {_SQLITE}.",
        ) from None
    try:
        if not fdb.is_api_version_selected():
            fdb.api_version(API_VERSION)
    except Exception as exc:  # the binding raises a bare Exception when libfdb_c cannot be loaded
        raise AuditStoreError(
            f"The FoundationDB client library (libfdb_c) cannot be loaded: {exc}",
            f"{_INSTALL}, and {_CLUSTER}; {_SQLITE}.",
        ) from None
    if fdb.get_api_version() < API_VERSION:
        raise AuditStoreError(
            f"FoundationDB API version {fdb.get_api_version()} was already selected in this process; "
            f"Specloom needs {API_VERSION} or newer.",
            f"Select API version {API_VERSION} or newer before Specloom opens the store; {_SQLITE}.",
        )
    return fdb


class FoundationDBAuditStore:
    """One tenant's view of the cluster: every key it reads or writes is under that tenant's prefix."""

    def __init__(
        self,
        tenant: str,
        *,
        cluster_file: str | Path | None = None,
        root: str = DEFAULT_ROOT,
        timeout_ms: int = OPEN_TIMEOUT_MS,
    ) -> None:
        if cluster_file is not None and not Path(cluster_file).is_file():
            raise AuditStoreError(
                "names no FoundationDB cluster file.",
                f"Fix `cluster_file` under `[audit]`, {_SQLITE}.",
                path=str(cluster_file),
            )
        fdb = load_binding()
        self.tenant = tenant
        self.layout = Layout(root, tenant)
        self.cluster_file = str(cluster_file) if cluster_file is not None else None
        self._fdb = fdb
        self._append = fdb.transactional(_append_tx)
        self._read = fdb.transactional(_read_tx)
        self._walk = fdb.transactional(_walk_tx)
        self._put = fdb.transactional(_put_tx)
        self._items = fdb.transactional(_items_tx)
        self._locate = fdb.transactional(_locate_tx)
        try:
            self._db = fdb.open(self.cluster_file)
            self._db.options.set_transaction_timeout(TRANSACTION_TIMEOUT_MS)
            # Opening a database does not contact the cluster; one bounded read does.
            probe = self._db.create_transaction()
            probe.options.set_timeout(timeout_ms)
            probe.get(self.layout.key(HEAD)).wait()
        except fdb.FDBError as exc:
            where = self.cluster_file or os.environ.get("FDB_CLUSTER_FILE") or "the default cluster file"
            raise AuditStoreError(
                f"The FoundationDB cluster named by {where} cannot be reached: {exc}.",
                f"Start the cluster or check `fdbcli --exec status`; {_CLUSTER}; {_SQLITE}.",
            ) from None

    # --- the audit log --------------------------------------------------------------------

    def append(self, record: AuditRecord) -> StoredRecord:
        self._own(record.tenant_id)
        data = redact(record.to_json())
        record_id = uuid.uuid4().hex
        body = canonical_json({**data, "record_id": record_id})
        try:
            seq, prev_hash, digest, _ = self._run(self._append, self.layout, record_id, body, data, None)
        except AuditStoreError:
            # A commit cut off by the timeout may still have landed: report it rather than invite a duplicate.
            try:
                landed = self.get(record_id)
            except AuditStoreError:
                landed = None
            if landed is None:
                raise
            return landed
        return StoredRecord(AuditRecord.from_json(data), seq, record_id, prev_hash, digest)

    def import_record(self, stored: StoredRecord) -> bool:
        """Append a record copied from another log with its id and chain link; False if it was copied before.

        Refused unless it continues this tenant's chain exactly, so a copy keeps every hash."""
        self._own(stored.record.tenant_id)
        data = stored.record.to_json()
        body = canonical_json({**data, "record_id": stored.record_id})
        if chain_hash(stored.prev_hash, body) != stored.hash:
            raise AuditStoreError(
                f"Record {stored.seq} ({stored.record_id}) does not hash to its stored hash.",
                "Run `specloom audit verify` on the source log and restore it from a backup.",
            )
        expected = (stored.seq, stored.prev_hash, stored.hash)
        return self._run(self._append, self.layout, stored.record_id, body, data, expected)[3]

    def get(self, record_id: str, tenant_id: str | None = None) -> StoredRecord | None:
        """Only this tenant's subspace is read: another tenant's record is never found here."""
        if tenant_id is not None and tenant_id != self.tenant:
            return None
        found = self._run(self._read, self.layout, (BY_ID, record_id), 1, None)
        return found[0] if found else None

    def list(
        self,
        limit: int = 50,
        tenant_id: str | None = None,
        generation_id: str | None = None,
        spec_hash: str | None = None,
    ) -> list[StoredRecord]:
        """Newest first. Another tenant's records are not readable through this store: none are listed."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        if tenant_id is not None and tenant_id != self.tenant:
            return []
        if generation_id is not None:
            index, other = (BY_GENERATION, generation_id), spec_hash
        elif spec_hash is not None:
            index, other = (BY_SPEC, spec_hash), None
        else:
            index, other = (BY_SEQ,), None
        return self._run(self._read, self.layout, index, limit, other)

    def verify(self, first_seq: int = 1, last_seq: int | None = None) -> VerifyResult:
        """Check records `first_seq` to `last_seq` (to the chain head when None), a batch per transaction."""
        if first_seq < 1 or (last_seq is not None and last_seq < first_seq):
            raise ValueError(f"cannot verify records {first_seq} to {last_seq}")
        check, begin = ChainCheck(self.tenant, first_seq), self.layout.range(RECORD)[0]
        if first_seq > 1:  # start from the hash of the record before the range
            before = self._run(self._locate, self.layout, first_seq - 1)
            if before is None:
                return VerifyResult(False, 0, first_seq - 1, f"record {first_seq - 1}, before the range, is missing.")
            check = ChainCheck(self.tenant, first_seq, before[1])
            begin = self.layout.record_prefix(before[0]) + b"\xff"  # past all of its chunks
        while True:
            items, begin, head = self._run(self._walk, self.layout, begin, VERIFY_BATCH)
            for _, value in group_records(self.layout, items):
                if (last_seq is not None and check.next_seq > last_seq) or not check.feed(value):
                    return check.finish()
            if begin is None:
                return check.finish(head if last_seq is None else None)

    def close(self) -> None:
        """Nothing to release: the binding keeps one connection per cluster file for the process."""

    def __enter__(self) -> FoundationDBAuditStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- generation results and template packs ----------------------------------------------

    def put_result(self, generation_id: str, result: dict) -> None:
        """Store a generation's result (redacted, as records are) so any team member can fetch it by id."""
        self._run(
            self._put,
            self.layout,
            (RESULT, generation_id),
            result_writes(self.layout, generation_id, redact(result)),
            False,
        )

    def get_result(self, generation_id: str) -> dict | None:
        return read_result(self.layout, self._run(self._items, self.layout, (RESULT, generation_id)))

    def put_pack(self, name: str, version: str, files: dict[str, bytes]) -> None:
        """Store a template pack; a version, once stored, is immutable (storing the same files again is a no-op)."""
        writes = pack_writes(self.layout, name, version, files)
        if not self._run(self._put, self.layout, (PACK, name, version), writes, True):
            raise AuditStoreError(
                f"Template pack {name} {version} is already stored with other files.",
                "Published pack versions are immutable: bump the pack's version.",
            )

    def get_pack(self, name: str, version: str) -> dict[str, bytes] | None:
        return read_pack(self.layout, self._run(self._items, self.layout, (PACK, name, version)))

    # --- plumbing ----------------------------------------------------------------------------

    def _own(self, tenant_id: str) -> None:
        if tenant_id != self.tenant:
            raise AuditStoreError(
                f"This FoundationDB store is open for tenant {self.tenant!r}, not {tenant_id!r}.",
                "Open the store for that tenant: set `tenant` under `[identity]` (or SPECLOOM_TENANT).",
            )

    def _run(self, transaction: Any, *args: Any) -> Any:
        try:
            return transaction(self._db, *args)
        except self._fdb.FDBError as exc:
            raise AuditStoreError(
                f"FoundationDB refused the request: {exc}.",
                f"Check the cluster with `fdbcli --exec status` and retry; {_CLUSTER}.",
            ) from None
        except (ValueError, KeyError, TypeError, SpecloomError) as exc:
            if isinstance(exc, AuditStoreError):
                raise
            raise AuditStoreError(
                f"Tenant {self.tenant!r} holds a damaged entry in FoundationDB: {exc}.",
                "Run `specloom audit verify` to find where the log was changed.",
            ) from None


# Transaction bodies: module functions, wrapped by fdb.transactional once the API version is selected.


def _append_tx(
    tr: Any, layout: Layout, record_id: str, body: str, data: dict, expected: tuple | None
) -> tuple[int, str, str, bool]:
    """(seq, prev_hash, hash, written); `expected` is the (seq, prev_hash, hash) a copied record must keep."""
    found = _index_keys(tr, layout, (BY_ID, record_id), 1)
    if found:
        # An earlier attempt committed (commit_unknown_result) or the record was copied before.
        env = Envelope.from_bytes(_record_value(tr, layout, layout.versionstamp_of(found[0])))
        if expected is not None and (env.seq, env.prev_hash, env.hash) != expected:
            raise AuditStoreError(
                f"Record {record_id} is already in FoundationDB with another chain position.",
                "The target already holds a different log for this tenant: copy into an empty root or tenant.",
            )
        return env.seq, env.prev_hash, env.hash, False
    head = Head.from_bytes(_value(tr, layout.key(HEAD)))
    if expected is not None and (head.seq + 1, head.hash) != expected[:2]:
        raise AuditStoreError(
            f"The FoundationDB chain of tenant {layout.tenant!r} ends at record {head.seq}, "
            f"so record {expected[0]} cannot continue it.",
            "Copy into a tenant whose FoundationDB log is empty, or continue a copy that was interrupted.",
        )
    seq, prev_hash = head.seq + 1, head.hash
    digest = chain_hash(prev_hash, body)
    for key, value in record_writes(layout, Envelope(seq, prev_hash, digest, body), record_id, data):
        tr.set_versionstamped_key(key, value)
    tr[layout.key(HEAD)] = Head(seq, digest).to_bytes()
    return seq, prev_hash, digest, True


def _read_tx(tr: Any, layout: Layout, index: tuple, limit: int, spec_hash: str | None) -> list[StoredRecord]:
    """Records named by an index, newest first, optionally also matching `spec_hash`."""
    out: list[StoredRecord] = []
    for kv in tr.get_range(*layout.range(*index), reverse=True):
        stored = Envelope.from_bytes(_record_value(tr, layout, layout.versionstamp_of(kv.key))).stored()
        if spec_hash is None or stored.record.spec_hash == spec_hash:
            out.append(stored)
            if len(out) == limit:
                break
    return out


def _walk_tx(tr: Any, layout: Layout, begin: bytes, batch: int) -> tuple[list, bytes | None, Head]:
    """Whole records from `begin` (up to `batch`, or `VERIFY_BYTES` once past the first), where to go on
    (None at the end), and the chain head. The byte budget keeps big records inside the 5 s limit."""
    head = Head.from_bytes(_value(tr, layout.key(HEAD)))
    items: list[tuple[bytes, bytes]] = []
    seen, size, last = 0, 0, None
    for kv in tr.get_range(begin, layout.range(RECORD)[1]):
        stamp = layout.versionstamp_of(kv.key)
        if stamp != last:
            if seen == batch or (seen and size >= VERIFY_BYTES):
                return items, kv.key, head
            seen, last = seen + 1, stamp
        size += len(kv.value)
        items.append((kv.key, kv.value))
    return items, None, head


def _locate_tx(tr: Any, layout: Layout, seq: int) -> tuple[bytes, str] | None:
    """(versionstamp, hash) of record `seq`, found through the seq index."""
    found = _index_keys(tr, layout, (BY_SEQ, seq), 1)
    if not found:
        return None
    stamp = layout.versionstamp_of(found[0])
    return stamp, Envelope.from_bytes(_record_value(tr, layout, stamp)).hash


def _items_tx(tr: Any, layout: Layout, parts: tuple) -> list[tuple[bytes, bytes]]:
    return [(kv.key, kv.value) for kv in tr.get_range(*layout.range(*parts))]


def _put_tx(tr: Any, layout: Layout, parts: tuple, writes: list[tuple[bytes, bytes]], immutable: bool) -> bool:
    begin, end = layout.range(*parts)
    if immutable:
        existing = [(kv.key, kv.value) for kv in tr.get_range(begin, end)]
        if existing:
            return dict(existing) == dict(writes)
    tr.clear_range(begin, end)
    for key, value in writes:
        tr[key] = value
    return True


def _index_keys(tr: Any, layout: Layout, index: tuple, limit: int) -> list[bytes]:
    return [kv.key for kv in tr.get_range(*layout.range(*index), limit=limit, reverse=True)]


def _record_value(tr: Any, layout: Layout, stamp: bytes) -> bytes:
    prefix = layout.record_prefix(stamp)
    return join([(layout.unpack(kv.key)[-1], kv.value) for kv in tr.get_range(prefix, prefix + b"\xff")])


def _value(tr: Any, key: bytes) -> bytes | None:
    value = tr.get(key)
    return bytes(value) if value.present() else None


def copy_chain(source: AuditStore, target: FoundationDBAuditStore) -> tuple[int, VerifyResult]:
    """Copy every record of `source` (oldest first) into `target` with the same ids and hashes.

    Returns how many were written (records copied by an interrupted run are skipped) and the
    target's verification. Nothing is written unless the source verifies and is all one tenant's."""
    checked = source.verify()
    if not checked.ok:
        raise AuditStoreError(
            f"The source audit log is broken at record {checked.first_broken_seq}: {checked.reason}",
            "Nothing was copied. Restore the log from a backup, then migrate again.",
        )
    records = list(reversed(source.list(limit=checked.checked))) if checked.checked else []
    others = sorted({stored.record.tenant_id for stored in records} - {target.tenant})
    if others:
        raise AuditStoreError(
            f"The source log holds records of tenant(s) {', '.join(map(repr, others))}, "
            f"but the FoundationDB store is open for tenant {target.tenant!r}.",
            "Nothing was copied. A FoundationDB chain holds one tenant's records, and splitting the source's "
            "single chain would change every hash: migrate a log that holds one tenant, with `tenant` under "
            "`[identity]` set to it.",
        )
    written = sum(target.import_record(stored) for stored in records)
    result = target.verify()
    if not result.ok or result.checked < len(records):
        raise AuditStoreError(
            f"After copying, the FoundationDB log does not verify: {result.reason or 'records are missing'}",
            'Run `specloom audit verify` with backend = "foundationdb" and keep the SQLite log until it passes.',
        )
    return written, result


def migrate_sqlite(config: Any, root: Path) -> str:
    """`specloom audit migrate --to foundationdb`: the `[audit] path` log into the configured cluster.

    The cluster is opened first, so when it cannot be the SQLite file is not even opened."""
    from .sqlite import SqliteAuditStore

    source = root / config.audit.path
    if not source.is_file():
        raise AuditStoreError(
            "is not there: there is no SQLite audit log to migrate.",
            "Set `path` under `[audit]` to the log to copy.",
            path=str(source),
        )
    cluster_file = root / config.audit.cluster_file if config.audit.cluster_file is not None else None
    with (
        FoundationDBAuditStore(config.identity.tenant, cluster_file=cluster_file) as target,
        SqliteAuditStore(source) as sqlite,
    ):
        written, result = copy_chain(sqlite, target)
    return (
        f"Copied {written} record(s) of tenant {target.tenant!r} from {source} into FoundationDB "
        f"({result.checked - written} already there); chain verified: {result.checked} record(s).\n"
        'Set `backend = "foundationdb"` under `[audit]` to use it; the SQLite log is left as it was.'
    )
