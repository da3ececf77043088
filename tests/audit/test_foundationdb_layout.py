"""The FoundationDB store without a cluster: key layout, versionstamps, chunks and chain checks on the
binding's real tuple layer, and the errors people get when the client library or cluster is missing.

The binding packs a Versionstamp only after `fdb.api_version()` has loaded libfdb_c, so FoundationDB's
completion of a versionstamped key is done here by hand, exactly as its documentation states: the 10
bytes at the little-endian offset in the last 4 bytes become the commit version, and the 4 bytes go.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import fdb.tuple
import pytest

from specloom.audit import GENESIS_HASH, AuditStoreError, canonical_json, chain_hash, open_store
from specloom.audit.foundationdb_layout import (
    BY_GENERATION,
    BY_ID,
    BY_SEQ,
    BY_SPEC,
    CHUNK_BYTES,
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
    split,
)
from specloom.audit.sqlite import SqliteAuditStore
from specloom.config import AuditConfig, Config, load_config

from .test_sqlite_store import make_record

FDB_VALUE_LIMIT = 100_000


def complete(key: bytes, commit_version: bytes) -> bytes:
    """What FoundationDB stores for a `set_versionstamped_key` key once the transaction commits."""
    offset = struct.unpack("<I", key[-4:])[0]
    key = key[:-4]
    assert key[offset : offset + 10] == b"\xff" * 10
    return key[:offset] + commit_version + key[offset + 10 :]


def version(n: int) -> bytes:
    return n.to_bytes(10, "big")


def native_library_missing() -> str | None:
    from specloom.audit.foundationdb import load_binding

    try:
        load_binding()
    except AuditStoreError as exc:
        return exc.message
    return None


# --- tenants and keys ----------------------------------------------------------------------


def all_keys(layout: Layout) -> list[bytes]:
    data = {"generation_id": "gen-1", "spec_hash": "a" * 64}
    envelope = Envelope(1, GENESIS_HASH, "h", "x" * (CHUNK_BYTES * 2))
    keys = [complete(key, version(7)) for key, _ in record_writes(layout, envelope, "rid", data)]
    keys += [key for key, _ in result_writes(layout, "gen-1", {"a": 1})]
    keys += [key for key, _ in pack_writes(layout, "p", "1.0.0", {"a.j2": b"x"})]
    return [*keys, layout.key(HEAD)]


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [("acme", "acme2"), ("acme2", "acme"), ("a", "a\x00b"), ("a\x00b", "a"), ("acme", "ACME"), ("t", "t\xff")],
)
def test_no_key_of_one_tenant_lies_in_another_tenants_range(mine, theirs):
    own, other = Layout("specloom", mine), Layout("specloom", theirs)
    begin, end = other.range()
    for key in all_keys(own):
        assert own.range()[0] <= key < own.range()[1]
        assert own.unpack(key)
        assert not begin <= key < end, key
        with pytest.raises(ValueError, match="outside tenant"):
            other.unpack(key)


def test_roots_separate_stores_on_one_cluster():
    live, test = Layout("specloom", "acme"), Layout("specloom-test-1", "acme")
    assert not any(test.range()[0] <= key < test.range()[1] for key in all_keys(live))


def test_an_empty_tenant_or_root_is_refused():
    with pytest.raises(ValueError):
        Layout("specloom", "")
    with pytest.raises(ValueError):
        Layout("", "acme")


def test_a_key_over_foundationdbs_limit_is_refused_with_the_fix():
    with pytest.raises(AuditStoreError, match="10,000 bytes") as caught:
        Layout("specloom", "acme").versionstamped(BY_GENERATION, "g" * 10_000)
    assert "short" in caught.value.suggestion


# --- versionstamps ---------------------------------------------------------------------------


def test_a_versionstamped_key_reads_back_through_the_binding_once_completed():
    layout = Layout("specloom", "acme")
    key = layout.versionstamped(RECORD, after=(3,))
    stored = complete(key, version(42))
    assert layout.unpack(stored) == (RECORD, fdb.tuple.Versionstamp(version(42), 0), 3)
    assert layout.versionstamp_of(stored) == version(42) + b"\x00\x00"
    assert stored.startswith(layout.record_prefix(layout.versionstamp_of(stored)))
    with pytest.raises(ValueError, match="no complete versionstamp"):
        layout.versionstamp_of(layout.key(HEAD))


def test_records_sort_by_commit_version_then_chunk():
    layout = Layout("specloom", "acme")
    versions, chunks = (9, 300, 2**70), (0, 2, 10)
    keys = [complete(layout.versionstamped(RECORD, after=(i,)), version(v)) for v in versions for i in chunks]
    assert sorted(keys) == keys
    assert [layout.unpack(k)[-1] for k in keys[:3]] == [0, 2, 10]


def test_index_keys_sort_by_value_then_commit_version():
    layout = Layout("specloom", "acme")
    keys = [complete(layout.versionstamped(BY_SEQ, seq), version(v)) for seq, v in ((2, 5), (10, 3), (10, 4))]
    assert sorted(keys) == keys  # seq 10 after seq 2 even though it committed "earlier"
    g1 = complete(layout.versionstamped(BY_GENERATION, "g1"), version(1))
    begin, end = layout.range(BY_GENERATION, "g1")
    assert begin <= g1 < end
    assert not begin <= complete(layout.versionstamped(BY_GENERATION, "g10"), version(1)) < end


def test_the_versionstamp_encoding_matches_the_binding():
    missing = native_library_missing()
    if missing:
        pytest.skip(f"the binding packs versionstamps only with libfdb_c loaded: {missing}")
    layout = Layout("specloom", "acme")
    assert layout.versionstamped(RECORD, after=(1,)) == fdb.tuple.pack_with_versionstamp(
        (RECORD, fdb.tuple.Versionstamp(), 1), prefix=layout.prefix
    )


# --- what an append writes ---------------------------------------------------------------------


def test_an_append_writes_chunks_and_indexes_under_one_versionstamp():
    layout = Layout("specloom", "acme")
    body = canonical_json({"request": "é" * 150_000})  # 300 kB of UTF-8
    envelope = Envelope(4, "p" * 64, "h" * 64, body)
    writes = record_writes(layout, envelope, "rid", {"generation_id": "gen-1", "spec_hash": "s" * 64})
    stored = [(layout.unpack(complete(key, version(1))), value) for key, value in writes]
    chunks = [(parts[-1], value) for parts, value in stored if parts[0] == RECORD]
    assert [index for index, _ in chunks] == [0, 1, 2, 3]
    assert all(len(value) <= CHUNK_BYTES < FDB_VALUE_LIMIT for _, value in chunks)
    assert Envelope.from_bytes(join(chunks)) == envelope  # split inside a UTF-8 character, joined whole
    indexes = {parts[:2]: value for parts, value in stored if parts[0] != RECORD}
    assert indexes == {(BY_ID, "rid"): b"", (BY_SEQ, 4): b"", (BY_GENERATION, "gen-1"): b"", (BY_SPEC, "s" * 64): b""}
    without_spec = record_writes(layout, envelope, "rid", {"generation_id": "g", "spec_hash": None})
    assert BY_SPEC not in {layout.unpack(complete(key, version(1)))[0] for key, _ in without_spec}


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 5 * CHUNK_BYTES])
def test_split_and_join_round_trip(size):
    data = os.urandom(size)
    chunks = split(data)
    assert len(chunks) == max(1, -(-size // CHUNK_BYTES))
    assert join(list(enumerate(chunks))) == data


def test_a_missing_chunk_is_damage_not_a_shorter_value():
    chunks = list(enumerate(split(b"x" * (3 * CHUNK_BYTES))))
    with pytest.raises(ValueError, match="deleted"):
        join([chunks[0], chunks[2]])
    with pytest.raises(ValueError, match="deleted"):
        join([])


def test_a_value_over_one_transaction_is_refused_with_the_fix():
    with pytest.raises(AuditStoreError, match="one FoundationDB transaction") as caught:
        split(b"x" * 9_000_000)
    assert "Store less" in caught.value.suggestion
    with pytest.raises(AuditStoreError, match="one FoundationDB transaction"):
        pack_writes(Layout("r", "t"), "p", "1", {f"f{i}": b"x" * 3_000_000 for i in range(3)})


def test_grouping_read_chunks_marks_a_record_with_a_missing_chunk():
    layout = Layout("specloom", "acme")
    items = []
    for n, chunk_indexes in ((1, [0, 1]), (2, [0, 2]), (3, [0])):
        items += [(complete(layout.versionstamped(RECORD, after=(i,)), version(n)), b"%d" % i) for i in chunk_indexes]
    assert group_records(layout, items) == [
        (version(1) + b"\0\0", b"01"),
        (version(2) + b"\0\0", None),
        (version(3) + b"\0\0", b"0"),
    ]


def test_envelope_and_head_round_trip_and_refuse_junk():
    envelope = Envelope(7, "p" * 64, "h" * 64, '{"a":"ü"}')
    assert Envelope.from_bytes(envelope.to_bytes()) == envelope
    assert json.loads(envelope.to_bytes()) == {"seq": 7, "prev_hash": "p" * 64, "hash": "h" * 64, "body": '{"a":"ü"}'}
    for junk in (b"[]", b'{"seq": 1}', b'{"seq": 1, "prev_hash": "", "hash": "", "body": 3}', b"\xff"):
        with pytest.raises(ValueError):
            Envelope.from_bytes(junk)
    assert Head.from_bytes(None) == Head(0, GENESIS_HASH)
    assert Head.from_bytes(Head(3, "h").to_bytes()) == Head(3, "h")


def test_results_and_packs_round_trip_through_their_keys():
    layout = Layout("specloom", "acme")
    result = {"files": {"a.py": "x" * 200_000}, "ok": True}
    assert read_result(layout, result_writes(layout, "gen-1", result)) == result
    assert read_result(layout, []) is None
    files = {"pack.toml": b"name = 'p'", "big.j2": os.urandom(200_000), "empty.txt": b"", "dir/ü.j2": b"\x00\xff"}
    writes = pack_writes(layout, "python-fastapi", "1.0.0", files)
    assert all(len(value) < FDB_VALUE_LIMIT for _, value in writes)
    assert all(layout.unpack(key)[:3] == (PACK, "python-fastapi", "1.0.0") for key, _ in writes)
    assert read_pack(layout, writes) == files
    assert read_pack(layout, []) is None
    assert {layout.unpack(key)[:2] for key, _ in result_writes(layout, "g", {})} == {(RESULT, "g")}
    with pytest.raises(AuditStoreError, match="name and a version"):
        pack_writes(layout, "python-fastapi", "", files)


# --- the chain ----------------------------------------------------------------------------------


def chain(count: int, tenant: str = "acme") -> list[Envelope]:
    out, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        body = canonical_json({"tenant_id": tenant, "generation_id": f"g{seq}", "record_id": f"r{seq}"})
        out.append(Envelope(seq, prev, chain_hash(prev, body), body))
        prev = out[-1].hash
    return out


def walk(envelopes, *, head: Head | None = None, first_seq: int = 1, prev: str = GENESIS_HASH, tenant="acme"):
    check = ChainCheck(tenant, first_seq, prev)
    for value in envelopes:
        if not check.feed(value if value is None or isinstance(value, bytes) else value.to_bytes()):
            break
    return check.finish(head)


def test_an_intact_chain_verifies_whole_and_from_the_middle():
    records = chain(5)
    assert walk(records, head=Head(5, records[-1].hash)) == walk(records)
    assert (walk(records).ok, walk(records).checked) == (True, 5)
    assert walk([], head=Head()).ok
    assert (walk(records).head_seq, walk(records).head_hash) == (5, records[-1].hash)  # as SQLite names it
    middle = walk(records[2:4], first_seq=3, prev=records[1].hash)
    assert (middle.ok, middle.checked, middle.head_seq, middle.head_hash) == (True, 2, 4, records[3].hash)
    assert walk(records[2:4], first_seq=3).first_broken_seq == 3  # the range must link to the record before


def test_a_changed_body_and_a_recomputed_hash_are_named_like_sqlite_names_them():
    records = chain(5)
    changed = records[:2] + [Envelope(3, records[2].prev_hash, records[2].hash, records[2].body.replace("g3", "gX"))]
    result = walk(changed + records[3:])
    assert (result.ok, result.checked, result.first_broken_seq) == (False, 2, 3)
    assert result.reason == "its hash does not match its contents: it was changed."
    body = records[2].body.replace("g3", "gX")
    forged = records[:2] + [Envelope(3, records[2].prev_hash, chain_hash(records[2].prev_hash, body), body)]
    result = walk(forged + records[3:])
    assert (result.first_broken_seq, result.reason) == (4, "its prev_hash does not match the hash of record 3.")


def test_gaps_order_damage_and_foreign_tenants_are_caught():
    records = chain(5)
    assert walk([records[0], records[3]]).reason == "records 2 to 3 are missing: seq jumps from 1 to 4."
    assert walk(records[1:]).reason == "record 1 is missing: seq jumps from 0 to 2."
    assert walk([records[0], records[0]]).reason == "seq 1 is out of order: expected 2."
    assert walk([records[0], None]).first_broken_seq == 2
    assert "not a Specloom audit record" in walk([b"{}"]).reason
    assert "tenant_id 'acme' is not this store's tenant" in walk(records, tenant="other").reason
    bad = Envelope(1, GENESIS_HASH, chain_hash(GENESIS_HASH, "[1]"), "[1]")
    assert walk([bad]).reason == "its body is not a JSON object."


def test_the_chain_head_catches_records_cut_off_or_added_at_the_end():
    records = chain(5)
    cut = walk(records[:3], head=Head(5, records[-1].hash))
    assert (cut.ok, cut.checked, cut.first_broken_seq) == (False, 3, 4)
    assert cut.reason == "records 4 to 5 are missing at the end: the chain head names record 5."
    extra = walk(records, head=Head(4, records[3].hash))
    assert (extra.ok, extra.checked, extra.first_broken_seq) == (False, 4, 5)
    changed = walk(records, head=Head(5, "0" * 64))
    assert (changed.ok, changed.first_broken_seq) == (False, 5)


# --- configuration and the errors people see -----------------------------------------------------


def test_cluster_file_is_a_setting_of_the_audit_section(tmp_path):
    assert Config().audit.cluster_file is None
    (tmp_path / "specloom.toml").write_text('[audit]\nbackend = "foundationdb"\ncluster_file = "fdb.cluster"\n')
    assert load_config(tmp_path, env={}).audit.cluster_file == "fdb.cluster"
    config = load_config(tmp_path, env={"SPECLOOM_AUDIT__CLUSTER_FILE": "/etc/foundationdb/fdb.cluster"})
    assert config.audit.cluster_file == "/etc/foundationdb/fdb.cluster"


def test_a_missing_cluster_file_is_named_before_anything_else(tmp_path):
    config = Config.model_validate({"audit": {"backend": "foundationdb", "cluster_file": "nope.cluster"}})
    with pytest.raises(AuditStoreError, match="names no FoundationDB cluster file") as caught:
        open_store(config, root=tmp_path)
    assert str(tmp_path / "nope.cluster") in str(caught.value) and 'backend = "sqlite"' in caught.value.suggestion


def test_a_foundationdb_store_needs_a_tenant():
    with pytest.raises(ValueError, match="one tenant"):
        open_store(AuditConfig(backend="foundationdb"))


def test_without_the_client_library_opening_fails_with_the_fix_and_no_fallback(tmp_path):
    if native_library_missing() is None:
        pytest.skip("libfdb_c is installed here, so the missing-library error cannot happen")
    config = Config.model_validate({"audit": {"backend": "foundationdb"}})
    with pytest.raises(AuditStoreError) as caught:
        open_store(config, root=tmp_path)
    text = str(caught.value)
    assert "libfdb_c" in text and "Unable to locate the FoundationDB API shared library" in text
    for fix in ("foundationdb-clients", "github.com/apple/foundationdb/releases", "cluster_file", "FDB_CLUSTER_FILE"):
        assert fix in caught.value.suggestion
    assert 'backend = "sqlite"' in caught.value.suggestion
    assert not (tmp_path / ".specloom").exists()  # no SQLite log appeared in its place


def workspace_with_log(tmp_path: Path) -> Path:
    (tmp_path / "specloom.toml").write_text("[identity]\ntenant = 'acme'\n")
    with SqliteAuditStore(tmp_path / ".specloom" / "audit.db") as store:
        store.append(make_record())
        store.append(make_record(generation_id="gen-2"))
    return tmp_path / ".specloom"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_migrate_without_the_client_library_fails_and_leaves_the_sqlite_log_alone(tmp_path, monkeypatch, capsys):
    if native_library_missing() is None:
        pytest.skip("libfdb_c is installed here, so the missing-library error cannot happen")
    from specloom.cli import main

    folder = workspace_with_log(tmp_path)
    before = snapshot(folder)
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "migrate", "--to", "foundationdb"]) != 0
    err = capsys.readouterr().err
    assert "libfdb_c" in err and "foundationdb-clients" in err and 'backend = "sqlite"' in err
    assert snapshot(folder) == before


def test_migrate_names_a_missing_sqlite_log(tmp_path, monkeypatch, capsys):
    from specloom.cli import main

    (tmp_path / "specloom.toml").write_text("[audit]\npath = 'logs/audit.db'\n")
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "migrate", "--to", "foundationdb"]) != 0
    assert "no SQLite audit log to migrate" in capsys.readouterr().err
    assert not (tmp_path / "logs").exists()
