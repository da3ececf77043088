"""Key layout, chunking and chain checks of the FoundationDB audit store: pure functions, no cluster.

Every key of a tenant lies in the tuple range of `(root, tenant)`. Strings end in a terminator, so
that range holds no key of tenant "acme2" (nor of "acme\\x00x", whose bytes do start with "acme"'s).

Records are keyed by a versionstamp that FoundationDB fills in at commit, so they sort in commit
order without a shared counter. The binding packs a `Versionstamp` only once `fdb.api_version()` has
loaded the native library, so the one versionstamp element is written here by hand, in the tuple
layer's own encoding (type code 0x33, 10 bytes of commit version, 2 bytes of user version); the
binding's `fdb.tuple.unpack` reads it back, and the tests check that it does.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

import fdb.tuple

from .base import GENESIS_HASH, AuditRecord, AuditStoreError, StoredRecord, VerifyResult, canonical_json, chain_hash

CHUNK_BYTES = 90_000  # FoundationDB refuses values over 100,000 bytes
MAX_KEY_BYTES = 10_000  # FoundationDB refuses keys over 10,000 bytes
MAX_WRITE_BYTES = 8_000_000  # one transaction holds at most 10 MB; leave room for keys and indexes
VERSIONSTAMP_BYTES = 12
_VERSIONSTAMP_CODE = b"\x33"
_INCOMPLETE = b"\xff" * 10 + b"\x00\x00"  # commit version still unknown; user version 0

RECORD, HEAD, BY_ID, BY_GENERATION, BY_SPEC, BY_SEQ, RESULT, PACK = (
    "record",
    "head",
    "by_id",
    "by_generation",
    "by_spec",
    "by_seq",
    "result",
    "pack",
)
_SMALLER = "Keep ids, hashes, names and paths short (FoundationDB keys hold at most 10,000 bytes)."


class Layout:
    """The keys of one tenant under one root. Nothing here builds a key outside `prefix`."""

    def __init__(self, root: str, tenant: str) -> None:
        if not root or not tenant:
            raise ValueError("A FoundationDB layout needs a root and a tenant.")
        self.root, self.tenant = root, tenant
        self.prefix = fdb.tuple.pack((root, tenant))

    def key(self, *parts: object) -> bytes:
        return _checked(fdb.tuple.pack(parts, prefix=self.prefix))

    def range(self, *parts: object) -> tuple[bytes, bytes]:
        """Every key that extends `parts` (all of the tenant's keys when `parts` is empty)."""
        span = fdb.tuple.range(parts)
        return self.prefix + span.start, self.prefix + span.stop

    def versionstamped(self, *parts: object, after: tuple = ()) -> bytes:
        """`parts + (versionstamp,) + after` for `set_versionstamped_key`: FoundationDB fills the
        10 bytes at the offset given by the last 4 bytes (little-endian, API version 520 and later)."""
        head = self.key(*parts)
        key = _checked(head + _VERSIONSTAMP_CODE + _INCOMPLETE + fdb.tuple.pack(after))
        return key + struct.pack("<I", len(head) + 1)

    def record_prefix(self, versionstamp: bytes) -> bytes:
        """The prefix of every chunk of the record written at `versionstamp`."""
        if len(versionstamp) != VERSIONSTAMP_BYTES:
            raise ValueError(f"a versionstamp is {VERSIONSTAMP_BYTES} bytes, got {len(versionstamp)}")
        return self.key(RECORD) + _VERSIONSTAMP_CODE + versionstamp

    def unpack(self, key: bytes) -> tuple:
        # The range, not `startswith`: tenant "a\x00b" packs as "a" + b"\x00\xff" + "b", so its keys
        # start with the bytes of tenant "a"'s prefix but sort after that tenant's range.
        begin, end = self.range()
        if not begin <= key < end:
            raise ValueError(f"key {key!r} is outside tenant {self.tenant!r}")
        return fdb.tuple.unpack(key, len(self.prefix))

    def versionstamp_of(self, key: bytes) -> bytes:
        """The versionstamp in a record or index key (it is the element after the fixed parts)."""
        stamp = next((part for part in self.unpack(key) if isinstance(part, fdb.tuple.Versionstamp)), None)
        if stamp is None or not stamp.is_complete():
            raise ValueError(f"key {key!r} holds no complete versionstamp")
        return stamp.tr_version + struct.pack(">H", stamp.user_version)


def _checked(key: bytes) -> bytes:
    if len(key) > MAX_KEY_BYTES:
        raise AuditStoreError(f"A FoundationDB key would be {len(key):,} bytes.", _SMALLER)
    return key


# --- chunks ---------------------------------------------------------------------------------


def split(data: bytes, size: int = CHUNK_BYTES) -> list[bytes]:
    """`data` in values FoundationDB accepts; always at least one chunk, so empty data is stored too."""
    check_size(len(data))
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def check_size(size: int) -> None:
    if size > MAX_WRITE_BYTES:
        raise AuditStoreError(
            f"A value of {size:,} bytes does not fit in one FoundationDB transaction "
            f"(this store writes at most {MAX_WRITE_BYTES:,} bytes at once).",
            "Store less: large generated files belong in the delivered output, not in the audit or result store.",
        )


def join(chunks: list[tuple[int, bytes]]) -> bytes:
    """Chunks in key order back into one value; a missing chunk is damage, not a shorter value."""
    indexes = [index for index, _ in chunks]
    if indexes != list(range(len(chunks))) or not chunks:
        raise ValueError(f"chunks {indexes} are not 0 to {len(chunks) - 1}: some were deleted")
    return b"".join(value for _, value in chunks)


# --- records and the chain -----------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """The tenant's last record: read and rewritten by every append, which serialises the chain."""

    seq: int = 0
    hash: str = GENESIS_HASH

    def to_bytes(self) -> bytes:
        return canonical_json({"hash": self.hash, "seq": self.seq}).encode()

    @classmethod
    def from_bytes(cls, value: bytes | None) -> Head:
        if value is None:
            return cls()
        data = json.loads(value)
        return cls(int(data["seq"]), str(data["hash"]))


@dataclass(frozen=True)
class Envelope:
    """What a record key holds: the hashed body (the same text SQLite stores) and its chain link."""

    seq: int
    prev_hash: str
    hash: str
    body: str

    def to_bytes(self) -> bytes:
        return canonical_json(
            {"body": self.body, "hash": self.hash, "prev_hash": self.prev_hash, "seq": self.seq}
        ).encode()

    @classmethod
    def from_bytes(cls, value: bytes) -> Envelope:
        data = json.loads(value)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        seq, prev_hash, digest, body = (data.get(name) for name in ("seq", "prev_hash", "hash", "body"))
        if not (isinstance(seq, int) and isinstance(prev_hash, str) and isinstance(digest, str)):
            raise ValueError("seq, prev_hash or hash is missing")
        if not isinstance(body, str):
            raise ValueError("body is missing")
        return cls(seq, prev_hash, digest, body)

    def stored(self) -> StoredRecord:
        data = json.loads(self.body)
        record_id = data.pop("record_id")
        return StoredRecord(AuditRecord.from_json(data), self.seq, record_id, self.prev_hash, self.hash)


def record_writes(layout: Layout, envelope: Envelope, record_id: str, data: dict) -> list[tuple[bytes, bytes]]:
    """(versionstamped key, value) for a record's chunks and its index entries; all share one versionstamp."""
    writes = [
        (layout.versionstamped(RECORD, after=(index,)), chunk) for index, chunk in enumerate(split(envelope.to_bytes()))
    ]
    writes.append((layout.versionstamped(BY_ID, record_id), b""))
    writes.append((layout.versionstamped(BY_SEQ, envelope.seq), b""))
    writes.append((layout.versionstamped(BY_GENERATION, data["generation_id"]), b""))
    if data.get("spec_hash") is not None:
        writes.append((layout.versionstamped(BY_SPEC, data["spec_hash"]), b""))
    return writes


def group_records(layout: Layout, items: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes | None]]:
    """Record chunks (in key order) as (versionstamp, value), value None where chunks are missing."""
    groups: list[tuple[bytes, list[tuple[int, bytes]]]] = []
    for key, value in items:
        stamp = layout.versionstamp_of(key)
        if not groups or groups[-1][0] != stamp:
            groups.append((stamp, []))
        groups[-1][1].append((layout.unpack(key)[-1], value))
    out: list[tuple[bytes, bytes | None]] = []
    for stamp, chunks in groups:
        try:
            out.append((stamp, join(chunks)))
        except ValueError:
            out.append((stamp, None))
    return out


class ChainCheck:
    """Walks a tenant's records in order, as SQLite's verify walks its rows, and names the first break."""

    def __init__(self, tenant: str, first_seq: int = 1, prev_hash: str = GENESIS_HASH) -> None:
        self.tenant, self.first_seq, self.next_seq, self.prev = tenant, first_seq, first_seq, prev_hash
        self.broken: VerifyResult | None = None

    @property
    def checked(self) -> int:
        return self.next_seq - self.first_seq

    def feed(self, value: bytes | None) -> bool:
        """Check the next record's stored value; False once the chain is broken."""
        if self.broken is not None:
            return False
        expected = self.next_seq
        if value is None:
            return self._break(expected, "its stored chunks are incomplete: some were deleted.")
        try:
            env = Envelope.from_bytes(value)
        except ValueError:
            return self._break(expected, "its stored value is not a Specloom audit record.")
        if env.seq > expected:
            missing = f"record {expected} is" if env.seq == expected + 1 else f"records {expected} to {env.seq - 1} are"
            return self._break(expected, f"{missing} missing: seq jumps from {expected - 1} to {env.seq}.")
        if env.seq != expected:
            return self._break(env.seq, f"seq {env.seq} is out of order: expected {expected}.")
        if env.prev_hash != self.prev:
            after = f"the hash of record {expected - 1}" if expected > 1 else "the start of the chain (64 zeros)"
            return self._break(expected, f"its prev_hash does not match {after}.")
        if chain_hash(env.prev_hash, env.body) != env.hash:
            return self._break(expected, "its hash does not match its contents: it was changed.")
        try:
            data = json.loads(env.body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return self._break(expected, "its body is not a JSON object.")
        if data.get("tenant_id") != self.tenant:
            return self._break(expected, f"its tenant_id {data.get('tenant_id')!r} is not this store's tenant.")
        self.next_seq, self.prev = expected + 1, env.hash
        return True

    def finish(self, head: Head | None = None) -> VerifyResult:
        """The result; with the tenant's `head`, records cut off at the end are caught too."""
        if self.broken is not None:
            return self.broken
        last = self.next_seq - 1
        if head is not None and head.seq > last:
            missing = f"record {last + 1} is" if head.seq == last + 1 else f"records {last + 1} to {head.seq} are"
            return VerifyResult(
                False, self.checked, last + 1, f"{missing} missing at the end: the chain head names record {head.seq}."
            )
        if head is not None and head.seq < last:
            return VerifyResult(
                False,
                head.seq - self.first_seq + 1,
                head.seq + 1,
                f"it lies beyond the chain head (record {head.seq}): it was written outside Specloom.",
            )
        if head is not None and head.hash != self.prev:
            return VerifyResult(
                False, self.checked - 1, last, "its hash differs from the chain head's: one was changed."
            )
        if not self.checked:
            return VerifyResult(True, 0)
        return VerifyResult(True, self.checked, head_seq=last, head_hash=self.prev)

    def _break(self, seq: int, reason: str) -> bool:
        self.broken = VerifyResult(False, self.checked, seq, reason)
        return False


# --- results and template packs --------------------------------------------------------------


def result_writes(layout: Layout, generation_id: str, result: dict) -> list[tuple[bytes, bytes]]:
    return [(layout.key(RESULT, generation_id, i), c) for i, c in enumerate(split(canonical_json(result).encode()))]


def read_result(layout: Layout, items: list[tuple[bytes, bytes]]) -> dict | None:
    if not items:
        return None
    return json.loads(join([(layout.unpack(key)[-1], value) for key, value in items]))


def pack_writes(layout: Layout, name: str, version: str, files: dict[str, bytes]) -> list[tuple[bytes, bytes]]:
    if not name or not version:
        raise AuditStoreError(
            "A template pack needs a name and a version.", "Pass both, e.g. ('python-fastapi', '1.2.0')."
        )
    check_size(sum(len(content) for content in files.values()))
    return [
        (layout.key(PACK, name, version, path, i), chunk)
        for path, content in sorted(files.items())
        for i, chunk in enumerate(split(bytes(content)))
    ]


def read_pack(layout: Layout, items: list[tuple[bytes, bytes]]) -> dict[str, bytes] | None:
    if not items:
        return None
    by_path: dict[str, list[tuple[int, bytes]]] = {}
    for key, value in items:
        *_, path, index = layout.unpack(key)
        by_path.setdefault(path, []).append((index, value))
    return {path: join(chunks) for path, chunks in by_path.items()}
