"""The SQLite audit log: real files, real processes, tampering done the way an attacker would."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.audit import (
    GENESIS_HASH,
    REDACTED,
    AnonymousRequest,
    AuditRecord,
    AuditStore,
    AuditStoreError,
    canonical_json,
    chain_hash,
    open_store,
    redact,
)
from specloom.audit.sqlite import SqliteAuditStore

STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9xZ"
ANTHROPIC_KEY = "sk-ant-api03-Zq8vLw2Kp5Rt9Xy3Mn7Bc1Df6Gh4Jk0"


def make_record(**overrides) -> AuditRecord:
    fields = {
        "generation_id": "gen-1",
        "tenant_id": "acme",
        "user_id": "alice@example.com",
        "kind": "generate",
        "outcome": "delivered",
        "request": {"spec": "api.yaml", "operations": ["listBooks"]},
        "spec_path": "api.yaml",
        "spec_hash": "a" * 64,
        "pack_versions": {"python-fastapi": "1.0.0"},
        "provider_attempts": [
            {
                "provider": "anthropic",
                "model": "claude",
                "tokens_in": 1200,
                "tokens_out": 300,
                "cost_usd": 0.0123,
                "latency_ms": 850,
                "outcome": "ok",
                "error": None,
            }
        ],
        "plan": [{"path": "app/main.py", "producer": "template:python-fastapi@1.0.0"}],
        "gate_results": [{"gate": "syntax", "passed": True}],
        "delivered_files": {"app/main.py": "b" * 64},
        "timings_ms": {"parse": 12, "total": 900},
    }
    return AuditRecord(**{**fields, **overrides})


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "audit.db"


@pytest.fixture
def store(db: Path):
    with SqliteAuditStore(db) as opened:
        yield opened


def fill(store: SqliteAuditStore, count: int) -> list:
    return [store.append(make_record(generation_id=f"gen-{i}")) for i in range(1, count + 1)]


def raw(db: Path, *statements: str, drop_triggers: bool = False) -> None:
    """Change the file behind the store's back, as someone with write access to it could."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        if drop_triggers:
            conn.execute("DROP TRIGGER records_no_update")
            conn.execute("DROP TRIGGER records_no_delete")
        for sql in statements:
            conn.execute(sql)
    finally:
        conn.close()


# --- appending and reading (what every backend must do is in test_store_contract.py) -----------


def test_append_then_get_returns_the_record_chained_to_genesis(store, db):
    record = make_record()
    stored = store.append(record)
    assert isinstance(store, AuditStore)
    assert db.is_file()  # parent folder created
    assert (stored.seq, stored.prev_hash) == (1, GENESIS_HASH)
    assert stored.record == record
    assert store.get(stored.record_id) == stored
    assert store.get("no-such-id") is None

    conn = sqlite3.connect(db)
    body, digest = conn.execute("SELECT body, hash FROM records WHERE seq = 1").fetchone()
    conn.close()
    assert digest == stored.hash == chain_hash(GENESIS_HASH, body)
    assert body == canonical_json({**record.to_json(), "record_id": stored.record_id})


def test_the_file_is_wal_with_schema_version_indexes_and_triggers(store, db):
    store.append(make_record())
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert {"records_generation_id", "records_spec_hash", "records_tenant_id"} <= names
    assert {"records_no_update", "records_no_delete"} <= names


def test_a_record_survives_closing_and_reopening(db):
    with SqliteAuditStore(db) as store:
        stored = store.append(make_record())
    with SqliteAuditStore(db) as store:
        assert store.get(stored.record_id) == stored
        assert store.append(make_record()).prev_hash == stored.hash


def test_one_file_holds_every_tenant_and_filters_combine(store):
    store.append(make_record(generation_id="g1", tenant_id="acme", spec_hash="1" * 64))
    store.append(make_record(generation_id="g2", tenant_id="other", spec_hash="2" * 64))
    store.append(make_record(generation_id="g3", tenant_id="acme", spec_hash="2" * 64))
    assert [(r.seq, r.record.generation_id) for r in store.list()] == [(3, "g3"), (2, "g2"), (1, "g1")]
    assert [r.seq for r in store.list(tenant_id="acme", spec_hash="2" * 64)] == [3]
    assert store.verify().checked == 3  # one chain across tenants


# --- identity --------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["user_id", "tenant_id"])
@pytest.mark.parametrize("value", ["", "   ", None])
def test_anonymous_requests_are_refused_with_how_to_set_an_identity(field, value):
    with pytest.raises(AnonymousRequest) as caught:
        make_record(**{field: value})
    text = str(caught.value)
    assert "anonymous" in text
    assert "[identity]" in text and "SPECLOOM_USER" in text and "git config user.email" in text
    assert caught.value.to_json()["code"] == "E-ANONYMOUS"


def test_an_unknown_outcome_is_a_programming_error():
    with pytest.raises(ValueError, match="outcome"):
        make_record(outcome="fine")


# --- verification and tampering -----------------------------------------------------------


def test_update_and_delete_are_refused_by_triggers(store, db):
    fill(store, 2)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw(db, "UPDATE records SET body = '{}' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw(db, "DELETE FROM records WHERE seq = 2")
    assert store.verify().ok and store.verify().checked == 2


def test_a_changed_body_is_named_by_its_seq(store, db):
    fill(store, 5)
    raw(db, "UPDATE records SET body = replace(body, 'alice', 'mallory') WHERE seq = 3", drop_triggers=True)
    result = store.verify()
    assert (result.ok, result.checked, result.first_broken_seq) == (False, 2, 3)
    assert "hash does not match" in result.reason


def test_a_changed_body_with_a_recomputed_hash_breaks_the_next_link(store, db):
    fill(store, 5)
    conn = sqlite3.connect(db)
    body, prev = conn.execute("SELECT body, prev_hash FROM records WHERE seq = 3").fetchone()
    conn.close()
    forged = body.replace("listBooks", "deleteAll")
    raw(db, drop_triggers=True)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE records SET body = ?, hash = ? WHERE seq = 3", (forged, chain_hash(prev, forged)))
    conn.commit()
    conn.close()
    result = store.verify()
    assert (result.ok, result.first_broken_seq) == (False, 4)
    assert "prev_hash does not match the hash of record 3" in result.reason


def test_a_changed_index_column_is_caught(store, db):
    fill(store, 3)
    raw(db, "UPDATE records SET user_id = 'mallory' WHERE seq = 2", drop_triggers=True)
    result = store.verify()
    assert (result.ok, result.first_broken_seq) == (False, 2)
    assert "user_id column" in result.reason


def test_a_deleted_middle_record_is_named_as_a_gap(store, db):
    fill(store, 5)
    raw(db, "DELETE FROM records WHERE seq = 3", drop_triggers=True)
    result = store.verify()
    assert (result.ok, result.checked, result.first_broken_seq) == (False, 2, 3)
    assert result.reason == "record 3 is missing: seq jumps from 2 to 4."


def test_deleted_first_records_are_named(store, db):
    fill(store, 4)
    raw(db, "DELETE FROM records WHERE seq <= 2", drop_triggers=True)
    result = store.verify()
    assert (result.ok, result.checked, result.first_broken_seq) == (False, 0, 1)
    assert result.reason == "records 1 to 2 are missing: seq jumps from 0 to 3."


def test_dropped_triggers_are_restored_when_the_log_is_opened(db):
    with SqliteAuditStore(db) as store:
        fill(store, 1)
    raw(db, drop_triggers=True)
    SqliteAuditStore(db).close()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw(db, "DELETE FROM records")


# --- redaction ---------------------------------------------------------------------------


def test_secrets_in_the_request_and_provider_errors_never_reach_the_file(db):
    record = make_record(
        request={
            "spec": "api.yaml",
            "note": f"deploy with {STRIPE_KEY} please",
            "headers": {"Authorization": "Bearer opaque-session-value-123", "X-Api-Key": "short"},
            "api_key": "anything-at-all",
        },
        provider_attempts=[
            {
                "provider": "anthropic",
                "model": "claude",
                "tokens_in": 10,
                "tokens_out": 0,
                "outcome": "error",
                "error": f"401 Unauthorized: invalid x-api-key {ANTHROPIC_KEY}",
            }
        ],
    )
    with SqliteAuditStore(db) as store:
        stored = store.append(record)
        on_disk = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))
        assert db.with_name(db.name + "-wal").exists()
        for secret in (STRIPE_KEY, ANTHROPIC_KEY, "opaque-session-value-123", "anything-at-all", "short"):
            assert secret.encode() not in on_disk
        assert REDACTED.encode() in on_disk
        assert stored.record.request["note"] == f"deploy with {REDACTED} please"
        assert stored.record.request["headers"] == {"Authorization": REDACTED, "X-Api-Key": REDACTED}
        assert stored.record.provider_attempts[0]["error"] == f"401 Unauthorized: invalid x-api-key {REDACTED}"
        assert stored.record.provider_attempts[0]["tokens_in"] == 10  # counts named like tokens are kept
        assert store.get(stored.record_id) == stored
    assert STRIPE_KEY.encode() not in db.read_bytes()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {"password": 1234, "client_secret": ["a"], "accessToken": "x"},
            dict.fromkeys(["password", "client_secret", "accessToken"], REDACTED),
        ),
        ({"tokens_in": 5, "max_tokens": 9, "token": None}, {"tokens_in": 5, "max_tokens": 9, "token": None}),
        ({"h": "Authorization: Bearer abc.def.ghi123"}, {"h": f"Authorization: Bearer {REDACTED}"}),
        ({"h": "authorization=Basic dXNlcjpwYXNz"}, {"h": f"authorization=Basic {REDACTED}"}),
        ({"log": "sent bearer abc.def.ghi123 upstream"}, {"log": f"sent bearer {REDACTED} upstream"}),
        ({"e": "Basic authentication failed"}, {"e": "Basic authentication failed"}),
        ({"u": "https://bob:hunter22@example.com/x"}, {"u": f"https://bob:{REDACTED}@example.com/x"}),
        ({"e": "bad request {'api_key': 'zzzz9999'}"}, {"e": f"bad request {{'api_key': '{REDACTED}'}}"}),
        ((Path("a.yaml"), "plain words"), ["a.yaml", "plain words"]),
        ("bad name \udcff", "bad name \\udcff"),
    ],
)
def test_redact(value, expected):
    assert redact(value) == expected


_SEPARATOR = st.sampled_from([" ", "\n", "=", ":", "'", '"', "/", "(", ",", "\t"])
_KEY = st.from_regex(r"sk_live_[0-9A-Za-z]{24,40}", fullmatch=True)
_WITH_KEY = st.builds(
    lambda before, sep1, key, sep2, after: before + sep1 + key + sep2 + after,
    st.text(max_size=20),
    _SEPARATOR,
    _KEY,
    _SEPARATOR,
    st.text(max_size=20),
)
_LEAF = st.one_of(st.text(max_size=20), _WITH_KEY, st.integers(), st.floats(allow_nan=False), st.none())
_TREE = st.recursive(
    _LEAF,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.one_of(st.text(max_size=10), _WITH_KEY), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_TREE)
def test_embedded_stripe_keys_never_survive_redaction(value):
    assert "sk_live_" not in canonical_json(redact(value))


# --- files that are not audit logs ----------------------------------------------------------


def test_a_text_file_is_refused_with_the_file_and_the_fix(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some notes, long enough to fill a header " * 5)
    with pytest.raises(AuditStoreError) as caught:
        SqliteAuditStore(path)
    text = str(caught.value)
    assert str(path) in text and "not an SQLite database" in text and "[audit]" in text


def test_another_programs_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(AuditStoreError, match="not a Specloom audit log") as caught:
        SqliteAuditStore(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


def test_a_corrupt_log_gives_an_audit_store_error(db):
    with SqliteAuditStore(db) as store:
        fill(store, 50)
    data = bytearray(db.read_bytes())
    page = 4096
    data[page : len(data)] = b"\xff" * (len(data) - page)  # everything after the header page
    db.write_bytes(bytes(data))
    with pytest.raises(AuditStoreError) as caught:
        SqliteAuditStore(db).verify()
    assert str(db) in str(caught.value) and "corrupt" in str(caught.value)


def test_an_empty_file_becomes_a_new_log(tmp_path):
    path = tmp_path / "audit.db"
    path.touch()
    with SqliteAuditStore(path) as store:
        assert store.append(make_record()).seq == 1


def test_a_folder_or_a_log_from_a_newer_version_is_refused(tmp_path, db):
    with pytest.raises(AuditStoreError, match="is a folder"):
        SqliteAuditStore(tmp_path)
    SqliteAuditStore(db).close()
    raw(db, "UPDATE schema_version SET version = 99")
    with pytest.raises(AuditStoreError, match="newer Specloom"):
        SqliteAuditStore(db)


@pytest.mark.parametrize("change", ["DROP TABLE records", "DELETE FROM schema_version"])
def test_a_log_whose_tables_were_emptied_or_dropped_is_not_silently_recreated(db, change):
    SqliteAuditStore(db).close()
    raw(db, change)
    with pytest.raises(AuditStoreError, match="tables are missing"):
        SqliteAuditStore(db)


# --- open_store ----------------------------------------------------------------------------


def test_open_store_by_path_and_by_config(tmp_path):
    from specloom.config import AuditConfig, Config

    with open_store(str(tmp_path / "a.db")) as store:
        assert isinstance(store, SqliteAuditStore)
    with open_store(Config(), root=tmp_path) as store:
        assert store.path == tmp_path / ".specloom" / "audit.db"
    with open_store(AuditConfig(path=str(tmp_path / "abs.db")), root="/elsewhere") as store:
        assert store.path == tmp_path / "abs.db"


# --- several processes ---------------------------------------------------------------------


def _append_many(path: str, name: str, count: int, barrier) -> None:
    barrier.wait()
    with SqliteAuditStore(path) as store:
        for i in range(count):
            store.append(make_record(generation_id=f"{name}-{i}"))


def test_two_processes_appending_at_once_form_one_chain(db):
    SqliteAuditStore(db).close()
    context = multiprocessing.get_context("spawn")  # no sqlite state inherited through fork
    barrier = context.Barrier(2)
    workers = [context.Process(target=_append_many, args=(str(db), n, 50, barrier)) for n in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    with SqliteAuditStore(db) as store:
        result = store.verify()
        assert (result.ok, result.checked) == (True, 100)
        records = store.list(limit=1000)
    assert [r.seq for r in records] == list(range(100, 0, -1))
    assert {r.record.generation_id for r in records} == {f"{n}-{i}" for n in "ab" for i in range(50)}


_APPEND_FOREVER = """
import sys
from specloom.audit import AuditRecord
from specloom.audit.sqlite import SqliteAuditStore

store = SqliteAuditStore(sys.argv[1])
while True:
    stored = store.append(AuditRecord(
        generation_id="loop", tenant_id="acme", user_id="bot", kind="generate", outcome="delivered",
        request={"padding": "x" * 5000},
    ))
    print(stored.seq, flush=True)
"""


def test_a_writer_killed_mid_append_leaves_a_log_that_verifies(db):
    SqliteAuditStore(db).close()
    committed = 0
    for wait_for in (5, 40, 75):  # kill at different points of the loop
        proc = subprocess.Popen([sys.executable, "-c", _APPEND_FOREVER, str(db)], stdout=subprocess.PIPE, text=True)
        try:
            for line in proc.stdout:
                committed = int(line)
                if committed >= wait_for:
                    break
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(timeout=30)
            proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        with SqliteAuditStore(db) as store:
            result = store.verify()
            assert result.ok, result
            assert result.checked >= committed  # nothing that was reported committed is lost
            assert store.append(make_record()).seq == result.checked + 1
            assert store.verify().ok
