"""The AuditStore contract, run against every backend: SQLite always, FoundationDB when a cluster is there.

FoundationDB runs when FDB_CLUSTER_FILE names a reachable cluster (`pytest -rs` prints why it was
skipped otherwise). Each run writes under its own root key and clears it afterwards.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from pathlib import Path

import pytest

from specloom.audit import GENESIS_HASH, REDACTED, AuditStore, AuditStoreError, canonical_json, chain_hash
from specloom.audit.sqlite import SqliteAuditStore

from .test_sqlite_store import ANTHROPIC_KEY, STRIPE_KEY, make_record, raw


class SqliteBackend:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "audit.db"

    def open(self, tenant: str = "acme") -> AuditStore:
        return SqliteAuditStore(self.path)  # one file holds every tenant

    def everything(self) -> bytes:
        return b"".join(p.read_bytes() for p in self.path.parent.iterdir() if p.name.startswith(self.path.name))

    def body(self, seq: int) -> tuple[str, str]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute("SELECT body, prev_hash FROM records WHERE seq = ?", (seq,)).fetchone()
        finally:
            conn.close()

    def rewrite(self, seq: int, body: str, digest: str | None = None) -> None:
        raw(self.path, drop_triggers=True)
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute("UPDATE records SET body = ? WHERE seq = ?", (body, seq))
            if digest is not None:
                conn.execute("UPDATE records SET hash = ? WHERE seq = ?", (digest, seq))
        finally:
            conn.close()

    def delete(self, seq: int) -> None:
        raw(self.path, f"DELETE FROM records WHERE seq = {seq}", drop_triggers=True)

    def cleanup(self) -> None:
        pass


class FoundationDBBackend:
    """Changes keys with the binding directly, as anyone with write access to the cluster could."""

    def __init__(self, cluster_file: str) -> None:
        import fdb

        self.fdb, self.cluster_file = fdb, cluster_file
        self.root = f"specloom-test-{uuid.uuid4().hex}"

    def open(self, tenant: str = "acme") -> AuditStore:
        from specloom.audit.foundationdb import FoundationDBAuditStore

        return FoundationDBAuditStore(tenant, cluster_file=self.cluster_file, root=self.root)

    @property
    def _db(self):
        return self.fdb.open(self.cluster_file)

    def everything(self) -> bytes:
        return b"".join(kv.key + kv.value for kv in self._db.get_range_startswith(self.fdb.tuple.pack((self.root,))))

    def _record(self, seq: int):
        from specloom.audit.foundationdb_layout import BY_SEQ, Envelope, Layout, join

        layout = Layout(self.root, "acme")
        stamp = layout.versionstamp_of(self._db.get_range_startswith(layout.key(BY_SEQ, seq))[0].key)
        prefix = layout.record_prefix(stamp)
        chunks = [(layout.unpack(kv.key)[-1], kv.value) for kv in self._db.get_range_startswith(prefix)]
        return prefix, Envelope.from_bytes(join(chunks))

    def body(self, seq: int) -> tuple[str, str]:
        _, env = self._record(seq)
        return env.body, env.prev_hash

    def rewrite(self, seq: int, body: str, digest: str | None = None) -> None:
        from specloom.audit.foundationdb_layout import Envelope, split

        prefix, env = self._record(seq)
        self.delete(seq)
        changed = Envelope(env.seq, env.prev_hash, digest or env.hash, body)
        for index, chunk in enumerate(split(changed.to_bytes())):
            self._db[prefix + self.fdb.tuple.pack((index,))] = chunk

    def delete(self, seq: int) -> None:
        prefix, _ = self._record(seq)
        self._db.clear_range(prefix, prefix + b"\xff")

    def cleanup(self) -> None:
        self._db.clear_range_startswith(self.fdb.tuple.pack((self.root,)))


def foundationdb_backend() -> FoundationDBBackend:
    cluster_file = os.environ.get("FDB_CLUSTER_FILE")
    if not cluster_file:
        pytest.skip("FoundationDB: FDB_CLUSTER_FILE is not set, so there is no cluster to run the contract against")
    try:
        from specloom.audit.foundationdb import load_binding

        load_binding()
        backend = FoundationDBBackend(cluster_file)
        backend.open().close()
    except AuditStoreError as exc:
        pytest.skip(f"FoundationDB: FDB_CLUSTER_FILE={cluster_file} gives no usable cluster: {exc.message}")
    return backend


@pytest.fixture(params=["sqlite", "foundationdb"])
def backend(request, tmp_path):
    opened = SqliteBackend(tmp_path) if request.param == "sqlite" else foundationdb_backend()
    yield opened
    opened.cleanup()


@pytest.fixture
def store(backend):
    with backend.open() as opened:
        yield opened


def fill(store, count: int) -> list:
    return [store.append(make_record(generation_id=f"gen-{i}")) for i in range(1, count + 1)]


# --- appending and reading ---------------------------------------------------------------


def test_append_then_get_returns_the_record_chained_to_genesis(store):
    record = make_record()
    stored = store.append(record)
    assert isinstance(store, AuditStore)
    assert (stored.seq, stored.prev_hash, stored.record) == (1, GENESIS_HASH, record)
    # The same chain on every backend: sha256 of the previous hash and the canonical body.
    assert stored.hash == chain_hash(GENESIS_HASH, canonical_json({**record.to_json(), "record_id": stored.record_id}))
    assert store.get(stored.record_id) == stored
    assert store.get("no-such-id") is None


def test_each_record_chains_to_the_one_before(store):
    first, second, third = fill(store, 3)
    assert [r.seq for r in (first, second, third)] == [1, 2, 3]
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.record_id, second.record_id, third.record_id}) == 3


def test_a_record_survives_closing_and_reopening(backend):
    with backend.open() as store:
        stored = store.append(make_record())
    with backend.open() as store:
        assert store.get(stored.record_id) == stored
        assert store.append(make_record()).prev_hash == stored.hash


def test_a_large_unicode_record_round_trips(store):
    # Larger than FoundationDB's 100 kB value limit, so it is stored in several chunks there.
    stored = store.append(make_record(request={"blob": "x" * 250_000, "text": "ünïcødé ✓ " * 2_000}))
    assert store.get(stored.record_id) == stored
    assert store.verify().ok


def test_list_is_newest_first_with_limit_and_filters(store):
    store.append(make_record(generation_id="g1", spec_hash="1" * 64))
    store.append(make_record(generation_id="g2", spec_hash="2" * 64))
    store.append(make_record(generation_id="g3", spec_hash="2" * 64, spec_path=None))
    store.append(make_record(generation_id="g1", spec_hash="1" * 64, kind="validate"))

    def ids(records):
        return [(r.seq, r.record.generation_id) for r in records]

    assert ids(store.list()) == [(4, "g1"), (3, "g3"), (2, "g2"), (1, "g1")]
    assert ids(store.list(limit=2)) == [(4, "g1"), (3, "g3")]
    assert ids(store.list(generation_id="g1")) == [(4, "g1"), (1, "g1")]
    assert ids(store.list(generation_id="g1", limit=1)) == [(4, "g1")]
    assert ids(store.list(spec_hash="2" * 64)) == [(3, "g3"), (2, "g2")]
    assert ids(store.list(generation_id="g3", spec_hash="2" * 64)) == [(3, "g3")]
    assert store.list(generation_id="g2", spec_hash="1" * 64) == []
    assert store.list(tenant_id="nobody") == []
    with pytest.raises(ValueError, match="limit"):
        store.list(limit=0)


def test_list_by_tenant_holds_only_that_tenants_records(backend):
    with backend.open("acme") as acme, backend.open("other") as other:
        acme.append(make_record(generation_id="g1", tenant_id="acme"))
        other.append(make_record(generation_id="g2", tenant_id="other"))
        acme.append(make_record(generation_id="g3", tenant_id="acme"))
        assert [r.record.generation_id for r in acme.list(tenant_id="acme")] == ["g3", "g1"]
        assert [r.record.generation_id for r in other.list(tenant_id="other")] == ["g2"]


def test_a_tenant_cannot_get_another_tenants_record_by_its_id(backend):
    with backend.open("acme") as acme, backend.open("other") as other:
        mine = acme.append(make_record(generation_id="g1", tenant_id="acme"))
        assert acme.get(mine.record_id, tenant_id="acme") == mine
        assert other.get(mine.record_id, tenant_id="other") is None


def test_threads_sharing_one_store_form_one_chain(store):
    threads = [threading.Thread(target=fill, args=(store, 10)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = store.verify()
    assert (result.ok, result.checked) == (True, 40)
    assert [r.seq for r in store.list(limit=100)] == list(range(40, 0, -1))


# --- verification and tampering -----------------------------------------------------------


def test_an_intact_chain_verifies_and_names_its_head(store):
    assert store.verify().ok and store.verify().checked == 0 and store.verify().head_seq is None
    fill(store, 5)
    result = store.verify()
    assert (result.ok, result.checked, result.first_broken_seq, result.reason) == (True, 5, None, None)
    assert (result.head_seq, result.head_hash) == (5, store.list(limit=1)[0].hash)


def test_a_range_verifies_from_the_record_before_it(backend, store):
    fill(store, 6)
    part = store.verify(first_seq=2, last_seq=4)
    assert (part.ok, part.checked, part.head_seq) == (True, 3, 4)
    assert part.head_hash == next(r.hash for r in store.list(limit=10) if r.seq == 4)
    body, _ = backend.body(5)
    backend.rewrite(5, body.replace("alice", "mallory"))
    assert store.verify(first_seq=2, last_seq=4).ok  # the change lies outside the range
    assert (store.verify(first_seq=4).ok, store.verify(first_seq=4).first_broken_seq) == (False, 5)
    with pytest.raises(ValueError):
        store.verify(first_seq=4, last_seq=2)


def test_a_changed_body_is_named_by_its_seq(backend, store):
    fill(store, 5)
    body, _ = backend.body(3)
    backend.rewrite(3, body.replace("alice", "mallory"))
    result = store.verify()
    assert (result.ok, result.checked, result.first_broken_seq) == (False, 2, 3)
    assert "hash does not match" in result.reason


def test_a_changed_body_with_a_recomputed_hash_breaks_the_next_link(backend, store):
    fill(store, 5)
    body, prev = backend.body(3)
    forged = body.replace("listBooks", "deleteAll")
    backend.rewrite(3, forged, chain_hash(prev, forged))
    result = store.verify()
    assert (result.ok, result.first_broken_seq) == (False, 4)
    assert "prev_hash does not match the hash of record 3" in result.reason


def test_a_deleted_middle_record_is_named_as_a_gap(backend, store):
    fill(store, 5)
    backend.delete(3)
    result = store.verify()
    assert (result.ok, result.checked, result.first_broken_seq) == (False, 2, 3)
    assert result.reason == "record 3 is missing: seq jumps from 2 to 4."


# --- redaction ---------------------------------------------------------------------------


def test_secrets_never_reach_the_backend(backend, store):
    record = make_record(
        request={
            "note": f"deploy with {STRIPE_KEY} please",
            "headers": {"Authorization": "Bearer opaque-session-value-123"},
            "api_key": "anything-at-all",
        },
        provider_attempts=[{"provider": "anthropic", "outcome": "error", "error": f"401: bad key {ANTHROPIC_KEY}"}],
    )
    stored = store.append(record)
    stored_bytes = backend.everything()
    for secret in (STRIPE_KEY, ANTHROPIC_KEY, "opaque-session-value-123", "anything-at-all"):
        assert secret.encode() not in stored_bytes
    assert REDACTED.encode() in stored_bytes
    assert stored.record.request["note"] == f"deploy with {REDACTED} please"
    assert stored.record.request["headers"] == {"Authorization": REDACTED}
    assert store.get(stored.record_id) == stored
    assert json.dumps(stored.to_json()).count(REDACTED) == 4


# --- FoundationDB only: what SQLite has no counterpart for ----------------------------------------


@pytest.fixture
def fdb_backend():
    opened = foundationdb_backend()
    yield opened
    opened.cleanup()


def test_foundationdb_tenants_cannot_read_each_other(fdb_backend):
    with fdb_backend.open("acme") as acme, fdb_backend.open("other") as other:
        mine = acme.append(make_record(tenant_id="acme"))
        assert other.get(mine.record_id) is None
        assert other.list() == [] and other.list(tenant_id="acme") == []
        assert other.verify().checked == 0
        with pytest.raises(AuditStoreError, match="open for tenant 'other'"):
            other.append(make_record(tenant_id="acme"))


def test_foundationdb_verifies_a_range_and_catches_records_cut_off_at_the_end(fdb_backend):
    from specloom.audit.foundationdb_layout import HEAD, Head

    with fdb_backend.open() as store:
        records = fill(store, 6)
        assert store.verify(3, 5).ok and store.verify(3, 5).checked == 3
        assert store.verify(4).checked == 3
        fdb_backend.delete(6)
        result = store.verify()
        assert (result.ok, result.first_broken_seq) == (False, 6)
        assert "missing at the end" in result.reason
        assert store.verify(1, 5).ok
        fdb_backend._db[store.layout.key(HEAD)] = Head(5, records[4].hash).to_bytes()
        assert store.verify().ok


def test_foundationdb_results_and_packs_by_id_and_version(fdb_backend):
    with fdb_backend.open() as store:
        result = {"files": {"app/main.py": "print('hi')\n" * 20_000}, "token": "abc"}
        store.put_result("gen-1", result)
        assert store.get_result("gen-1") == {"files": result["files"], "token": REDACTED}
        assert store.get_result("gen-2") is None
        files = {"pack.toml": b"name = 'p'\n", "big.j2": bytes(range(256)) * 1_000, "empty": b""}
        store.put_pack("python-fastapi", "1.0.0", files)
        store.put_pack("python-fastapi", "1.0.0", files)  # the same again is fine
        assert store.get_pack("python-fastapi", "1.0.0") == files
        assert store.get_pack("python-fastapi", "1.0.1") is None
        with pytest.raises(AuditStoreError, match="immutable"):
            store.put_pack("python-fastapi", "1.0.0", {"pack.toml": b"changed"})
        with fdb_backend.open("other") as other:
            assert other.get_result("gen-1") is None and other.get_pack("python-fastapi", "1.0.0") is None


def test_foundationdb_copy_keeps_the_sqlite_chain(fdb_backend, tmp_path):
    from specloom.audit.foundationdb import copy_chain

    with SqliteAuditStore(tmp_path / "audit.db") as sqlite, fdb_backend.open() as target:
        originals = fill(sqlite, 4)
        written, result = copy_chain(sqlite, target)
        assert (written, result.ok, result.checked) == (4, True, 4)
        assert [target.get(s.record_id) for s in originals] == originals  # same ids, seqs and hashes
        assert copy_chain(sqlite, target)[0] == 0  # a second run finds everything copied
        sqlite.append(make_record(tenant_id="other"))
        with pytest.raises(AuditStoreError, match="tenant"):
            copy_chain(sqlite, target)
