"""Text and JSON for `specloom audit list|show|verify`; the command wiring lives in specloom.cli."""

from __future__ import annotations

import json
import re

from specloom.core.errors import SpecloomError

from .base import AuditStore, RecordNotFound, StoredRecord, VerifyResult

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAX_CELL = 40


def audit_list(
    store: AuditStore,
    as_json: bool,
    *,
    limit: int = 50,
    tenant_id: str | None = None,
    generation_id: str | None = None,
    spec_hash: str | None = None,
) -> str:
    stored = store.list(limit=limit, tenant_id=tenant_id, generation_id=generation_id, spec_hash=spec_hash)
    if as_json:
        return _dumps([s.to_json() for s in stored])
    if not stored:
        return "No audit records."
    header = ("SEQ", "RECORD ID", "CREATED (UTC)", "TENANT", "USER", "KIND", "OUTCOME", "SPEC")
    rows = [
        (
            str(s.seq),
            s.record_id,
            s.record.created_at[:19].replace("T", " "),
            s.record.tenant_id,
            s.record.user_id,
            s.record.kind,
            s.record.outcome,
            s.record.spec_path or "-",
        )
        for s in stored
    ]
    rows = [tuple(_cell(value) for value in row) for row in rows]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.append(f"{len(stored)} record(s), newest first.")
    return "\n".join(lines)


def audit_show(store: AuditStore, record_id: str, as_json: bool) -> str:
    stored = store.get(record_id)
    if stored is None:
        raise RecordNotFound(record_id)
    # `attempts`: every provider call (template or AI, each repair round), under the name people look for.
    return _dumps(stored.to_json() | {"attempts": stored.record.provider_attempts}) if as_json else _show(stored)


def audit_verify(store: AuditStore, as_json: bool, expect_head: str | None = None) -> tuple[str, bool]:
    result = store.verify()
    if result.ok and expect_head is not None:
        result = _against_anchor(store, result, *_anchor(expect_head))
    if as_json:
        return _dumps(result.to_json()), result.ok
    if result.ok:
        if not result.checked:
            return "Audit log intact: no records yet.", True
        return (
            f"Audit log intact: {result.checked} record(s), hash chain verified.\n"
            f"  head: {result.head_seq}:{result.head_hash}\n"
            "  Keep the head elsewhere (a ticket, a commit); `audit verify --expect-head` with it later shows\n"
            "  records cut off at the end or a chain rewritten, which the chain alone cannot."
        ), True
    text = (
        f"Audit log broken at record {result.first_broken_seq}: {result.reason}\n"
        f"  {result.checked} record(s) before it are intact.\n"
        "  hint: restore the audit log from a backup and find out who or what changed it."
    )
    return text, False


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or int(seq) < 1 or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise SpecloomError(
            f"--expect-head {text!r} is not a head",
            "Give it as `audit verify` prints it: SEQ:HASH, e.g. 42:9f86d0…, with the 64-digit hash.",
        )
    return int(seq), digest


def _against_anchor(store: AuditStore, whole: VerifyResult, seq: int, digest: str) -> VerifyResult:
    """The intact chain must still hold the anchored record, unchanged."""
    if whole.head_seq is None or whole.head_seq < seq:
        last = whole.head_seq or 0
        missing = f"record {seq} is" if last + 1 == seq else f"records {last + 1} to {seq} are"
        return VerifyResult(
            False, whole.checked, last + 1, f"{missing} missing at the end: the expected head is record {seq}."
        )
    at_anchor = store.verify(first_seq=seq, last_seq=seq)  # the chain up to it is already verified
    if at_anchor.head_hash != digest:
        # Where the rewrite starts cannot be told: every record up to the anchor is in doubt.
        return VerifyResult(
            False, 0, seq, f"its hash is not the expected head's: the chain was rewritten at or before record {seq}."
        )
    return whole


def _show(stored: StoredRecord) -> str:
    r = stored.record
    fields = [
        ("created", r.created_at),
        ("tenant", r.tenant_id),
        ("user", r.user_id),
        ("kind", r.kind),
        ("generation", r.generation_id),
        ("outcome", r.outcome),
        ("spec", r.spec_path or "-"),
        ("spec hash", r.spec_hash or "-"),
        ("hash", stored.hash),
        ("prev hash", stored.prev_hash),
    ]
    lines = [f"Audit record {stored.record_id} (seq {stored.seq})", *_aligned(fields)]
    sections = [
        ("Template packs", _aligned(r.pack_versions.items())),
        ("Provider attempts", [_attempt(i, a) for i, a in enumerate(r.provider_attempts, 1)]),
        (f"Plan ({len(r.plan)} file(s))", [f"  {_pairs(item)}" for item in r.plan]),
        ("Quality gates", [f"  {_pairs(item)}" for item in r.gate_results]),
        ("Delivered files", [f"  {_clean(digest)}  {_clean(path)}" for path, digest in r.delivered_files.items()]),
        ("Timings (ms)", _aligned(r.timings_ms.items())),
        ("Error", _aligned((r.error or {}).items())),
        ("Request", _aligned(r.request.items())),
    ]
    for title, body in sections:
        if body:
            lines += ["", title, *body]
    return "\n".join(lines)


def _attempt(number: int, attempt: dict) -> str:
    parts = [f"{attempt.get('provider', '?')}/{attempt.get('model', '?')}", str(attempt.get("outcome", "?"))]
    if attempt.get("tokens_in") is not None or attempt.get("tokens_out") is not None:
        parts.append(f"{attempt.get('tokens_in', 0)} in / {attempt.get('tokens_out', 0)} out tokens")
    if attempt.get("cost_usd") is not None:
        parts.append(f"${attempt['cost_usd']}")
    if attempt.get("latency_ms") is not None:
        parts.append(f"{attempt['latency_ms']} ms")
    line = f"  {number}. {_clean(', '.join(parts))}"
    return line + (f"\n     error: {_clean(_value(attempt['error']))}" if attempt.get("error") else "")


def _aligned(items) -> list[str]:
    pairs = [(_clean(key), _clean(_value(value))) for key, value in items]
    width = max((len(key) for key, _ in pairs), default=0)
    return [f"  {key.ljust(width)}  {value}" for key, value in pairs]


def _pairs(item: dict) -> str:
    return _clean(", ".join(f"{key}={_value(value)}" for key, value in item.items()))


def _value(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _cell(value: str) -> str:
    value = _clean(value)
    return value if len(value) <= _MAX_CELL else value[: _MAX_CELL - 1] + "…"


def _clean(text: str) -> str:
    # Records hold text from specs, requests and providers: escape control characters so that
    # printing a record cannot move the cursor, recolour or retitle the terminal.
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def _dumps(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
