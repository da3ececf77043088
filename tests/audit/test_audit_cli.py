"""Text and JSON for `specloom audit list|show|verify`."""

from __future__ import annotations

import json

import pytest

from specloom.audit import RecordNotFound
from specloom.audit.cli import audit_list, audit_show, audit_verify
from specloom.audit.sqlite import SqliteAuditStore
from specloom.core.errors import SpecloomError

from .test_sqlite_store import make_record, raw


@pytest.fixture
def store(tmp_path):
    with SqliteAuditStore(tmp_path / "audit.db") as opened:
        yield opened


def test_list_is_a_table_newest_first(store):
    assert audit_list(store, as_json=False) == "No audit records."
    first = store.append(make_record(generation_id="g1"))
    second = store.append(make_record(generation_id="g2", tenant_id="other", outcome="gate_failed", spec_path=None))
    lines = audit_list(store, as_json=False).splitlines()
    assert lines[0].split() == ["SEQ", "RECORD", "ID", "CREATED", "(UTC)", "TENANT", "USER", "KIND", "OUTCOME", "SPEC"]
    assert lines[1].split()[:2] == ["2", second.record_id]
    assert lines[1].split()[-4:] == ["alice@example.com", "generate", "gate_failed", "-"]
    assert lines[2].split()[:2] == ["1", first.record_id] and lines[2].endswith("api.yaml")
    assert lines[3] == "2 record(s), newest first."
    assert lines[0].index("TENANT") == lines[1].index("other")  # columns line up


def test_list_as_json_with_filters(store):
    store.append(make_record(generation_id="g1"))
    store.append(make_record(generation_id="g2"))
    data = json.loads(audit_list(store, as_json=True))
    assert [(d["seq"], d["generation_id"]) for d in data] == [(2, "g2"), (1, "g1")]
    assert {"record_id", "hash", "prev_hash", "provider_attempts", "created_at"} <= set(data[0])
    only = json.loads(audit_list(store, as_json=True, generation_id="g1", limit=5))
    assert [d["generation_id"] for d in only] == ["g1"]


def test_show_text_has_every_part_of_the_record(store):
    stored = store.append(make_record(error={"code": "E-QUALITY-GATE", "message": "2 tests failed"}))
    text = audit_show(store, stored.record_id, as_json=False)
    assert text.startswith(f"Audit record {stored.record_id} (seq 1)")
    for expected in (
        "user        alice@example.com",
        f"hash        {stored.hash}",
        "python-fastapi  1.0.0",
        "1. anthropic/claude, ok, 1200 in / 300 out tokens, $0.0123, 850 ms",
        "Plan (1 file(s))",
        "path=app/main.py, producer=template:python-fastapi@1.0.0",
        "gate=syntax, passed=true",
        f"{'b' * 64}  app/main.py",
        "total  900",
        "code     E-QUALITY-GATE",
        'operations  ["listBooks"]',
    ):
        assert expected in text


def test_show_escapes_control_characters(store):
    stored = store.append(make_record(spec_path="\x1b]0;owned\x07api.yaml", request={"note": "a\x1b[2Jb"}))
    text = audit_show(store, stored.record_id, as_json=False)
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b]0;owned\\x07api.yaml" in text and "a\\x1b[2Jb" in text
    assert "\x1b" not in audit_list(store, as_json=False)


def test_show_as_json_and_unknown_id(store):
    stored = store.append(make_record())
    shown = json.loads(audit_show(store, stored.record_id, as_json=True))
    assert shown == stored.to_json() | {"attempts": stored.record.provider_attempts}
    assert shown["attempts"][0]["provider"] == make_record().provider_attempts[0]["provider"]
    with pytest.raises(RecordNotFound, match="nope") as caught:
        audit_show(store, "nope", as_json=False)
    assert "specloom audit list" in caught.value.suggestion


def test_verify_text_and_json(store, tmp_path):
    assert audit_verify(store, as_json=False) == ("Audit log intact: no records yet.", True)
    last = [store.append(make_record()) for _ in range(3)][-1]
    text, ok = audit_verify(store, as_json=False)
    assert ok and text.startswith("Audit log intact: 3 record(s), hash chain verified.\n")
    assert f"  head: 3:{last.hash}\n" in text
    text, ok = audit_verify(store, as_json=True)
    assert ok and json.loads(text) == {
        "ok": True,
        "checked": 3,
        "first_broken_seq": None,
        "reason": None,
        "head_seq": 3,
        "head_hash": last.hash,
    }

    raw(
        tmp_path / "audit.db",
        "UPDATE records SET body = body || ' ' WHERE seq = 2",
        drop_triggers=True,
    )
    text, ok = audit_verify(store, as_json=False)
    assert not ok
    assert text.startswith("Audit log broken at record 2: its hash does not match its contents")
    assert "1 record(s) before it are intact." in text
    data = json.loads(audit_verify(store, as_json=True)[0])
    assert (data["ok"], data["first_broken_seq"], data["checked"]) == (False, 2, 1)


def test_a_kept_head_shows_a_cut_off_tail_the_chain_alone_cannot(store, tmp_path):
    kept = [store.append(make_record()) for _ in range(4)][-1]
    head = f"{kept.seq}:{kept.hash}"
    assert audit_verify(store, False, head)[1]
    store.append(make_record())  # later records are fine: the anchor only has to be still there
    assert audit_verify(store, False, head)[1]
    raw(tmp_path / "audit.db", "DELETE FROM records WHERE seq >= 4", drop_triggers=True)
    assert store.verify().ok  # what is left is a valid chain
    text, ok = audit_verify(store, False, head)
    assert not ok and text.startswith("Audit log broken at record 4: record 4 is missing at the end")


def test_a_kept_head_shows_a_chain_rewritten_from_some_point(store, tmp_path):
    kept = [store.append(make_record()) for _ in range(3)][-1]
    raw(tmp_path / "audit.db", "DELETE FROM records WHERE seq >= 2", drop_triggers=True)
    for _ in range(2):  # a rewritten history, chained properly by a store that holds no secret
        store.append(make_record(user_id="mallory@example.com"))
    assert store.verify().ok
    text, ok = audit_verify(store, False, f"3:{kept.hash}")
    assert not ok and "the chain was rewritten at or before record 3" in text


@pytest.mark.parametrize("head", ["3", "3:abc", "x:" + "0" * 64, "0:" + "0" * 64])
def test_a_malformed_head_is_refused_with_the_expected_form(store, head):
    with pytest.raises(SpecloomError, match="is not a head") as caught:
        audit_verify(store, False, head)
    assert "SEQ:HASH" in caught.value.suggestion
