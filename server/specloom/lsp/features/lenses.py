"""Code lenses above each operation and ADR: Generate, Preview plan, and the last generation's status."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lsprotocol import types

from specloom.lsp.convert import to_lsp_range
from specloom.lsp.documents import Analysis


def operation_id(analysis: Analysis, element) -> str | None:
    if element.kind != "operation" or analysis.spec is None:
        return None
    op = next((o for o in analysis.spec.operations if o.pointer == element.pointer), None)
    return op.operation_id if op else None


def code_lenses(analysis: Analysis | None, uri: str, runs: list) -> list[types.CodeLens]:
    """The lenses of a spec, given the audit records of its generations (newest first)."""
    if analysis is None or analysis.spec is None:
        return []
    lenses = []
    for element in analysis.elements():
        if element.kind not in ("operation", "adr"):
            continue
        where = to_lsp_range(element.selection_range, analysis.lines)
        operation = operation_id(analysis, element)
        lenses.append(
            types.CodeLens(
                range=where,
                command=types.Command(title="Generate", command="specloom.generate", arguments=[uri, operation]),
            )
        )
        lenses.append(
            types.CodeLens(
                range=where,
                command=types.Command(title="Preview plan", command="specloom.previewPlan", arguments=[uri]),
            )
        )
        status = status_title(runs, operation)
        if status is not None:
            lenses.append(
                types.CodeLens(
                    range=where, command=types.Command(title=status, command="specloom.showAudit", arguments=[20])
                )
            )
    return lenses


def source_lenses(places: list[tuple[str, str, object]], uri_of) -> list[types.CodeLens]:
    """On a generated file's first line, one lens per spec element it came from, opening the spec there."""
    top = types.Range(types.Position(0, 0), types.Position(0, 0))
    return [
        types.CodeLens(
            range=top,
            command=types.Command(
                title=title,
                command="specloom.openSpec",
                arguments=[uri_of(spec_path), where.start.line, where.start.character],
            ),
        )
        for title, spec_path, where in places
    ]


def last_runs(config, root: Path | None, spec_path: str) -> list:
    """The audit records of generations from this spec, newest first; none when the store cannot be read.

    Reads SQLite (or the team store): call it from a worker thread.
    """
    from specloom.audit import open_store

    try:
        store = open_store(config, root=root or Path(spec_path).parent)
    except Exception:  # noqa: BLE001 - a lens never fails over the audit store
        return []
    try:
        return [
            r.record for r in store.list(limit=200) if r.record.kind == "generate" and r.record.spec_path == spec_path
        ]
    except Exception:  # noqa: BLE001
        return []
    finally:
        store.close()


def status_title(runs: list, operation: str | None) -> str | None:
    run = next(
        (
            r
            for r in runs
            if operation is None or not r.request.get("operations") or operation in r.request["operations"]
        ),
        None,
    )
    if run is None:
        return None
    try:
        seconds = (datetime.now(UTC) - datetime.fromisoformat(run.created_at)).total_seconds()
    except ValueError:
        seconds = 0
    when = (
        "just now"
        if seconds < 60
        else f"{int(seconds // 60)} min ago"
        if seconds < 3600
        else f"{int(seconds // 3600)} h ago"
        if seconds < 86400
        else f"{int(seconds // 86400)} d ago"
    )
    failed = sorted({g["gate"] for g in run.gate_results if isinstance(g, dict) and g.get("passed") is False})
    if run.outcome == "delivered":
        result = "gates passed"
    elif failed:
        result = f"gates failed ({', '.join(failed)})"
    else:
        result = run.outcome.replace("_", " ")
    return f"Last generated {when} · {result}"
