"""Generation from the editor: the pipeline with work-done progress, delivery through the editor, gate findings.

Gate failures become diagnostics on the spec elements that produced the failing files. A client that
can create files through `workspace/applyEdit` receives the delivery as one WorkspaceEdit, made under
`delivery.deliver_through`'s lock and checks; the server then writes only its manifest.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from specloom.core.findings import Finding, Position, Range, Severity
from specloom.core.rules import gate_code

if TYPE_CHECKING:
    from specloom.lsp.server import SpecloomServer


def gate_findings(outcome, spec_path: str) -> list[Finding]:
    """The failing gates' errors, each on the first spec element that produced its file."""
    return [
        Finding(
            code=gate_code(issue.gate),
            severity=Severity.ERROR,
            message=f"{issue.gate} gate: {issue.file}:{issue.line}: {issue.message}",
            range=Range(Position(**source["range"]["start"]), Position(**source["range"]["end"])),
            path=spec_path,
        )
        for issue in outcome.gate_issues
        if issue.severity == "error"
        for source in issue.sources[:1]
    ]


def workspace_edit(actions, target: Path) -> types.WorkspaceEdit:
    """One edit creating or replacing every file to write (`delivery.FileAction`s)."""
    from specloom.delivery.deliver import Kind
    from specloom.delivery.paths import resolve_inside
    from specloom.lsp.convert import end_position

    changes: list = []
    for action in actions:
        uri = resolve_inside(target, action.path).as_uri()
        if action.kind is Kind.NEW:
            changes.append(types.CreateFile(uri=uri))
        whole = types.Range(types.Position(0, 0), end_position(action.current or ""))
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[types.TextEdit(range=whole, new_text=action.result)],
            )
        )
    return types.WorkspaceEdit(document_changes=changes)


def editor_delivery(ls: SpecloomServer):
    """Delivery through `workspace/applyEdit` when the client can create files, else None (write to disk)."""
    if not ls.caps.creates_files_by_edit:
        return None
    loop = asyncio.get_running_loop()

    def apply(actions, target: Path) -> str | None:
        # In delivery's worker thread, under its lock: the editor's answer is awaited on the event loop.
        edit = workspace_edit(actions, target)
        params = types.ApplyWorkspaceEditParams(edit=edit, label="Specloom: deliver generated files")
        result = asyncio.run_coroutine_threadsafe(ls.workspace_apply_edit_async(params), loop).result()
        if not result.applied:
            return f"the editor did not apply the files ({result.failure_reason or 'it was rejected'})"
        return None

    async def deliver(plan, target: Path, spec_info, packs):
        from specloom.delivery.deliver import deliver_through

        return await asyncio.to_thread(
            deliver_through, plan, target, spec_info, packs, lambda actions: apply(actions, target)
        )

    return deliver


async def generate(ls: SpecloomServer, uri: str, operation: str | None) -> dict:
    """Run the pipeline in the background with progress; gate failures become diagnostics on the spec."""
    from specloom import logs
    from specloom.audit import open_store
    from specloom.pipeline import GenerateOptions
    from specloom.service import build_service

    session = ls.session
    if uri in session.generating:
        return {"outcome": "refused", "message": "A generation for this spec is already running."}
    spec_path = Path(to_fs_path(uri) or uri)
    root = ls.root() or spec_path.parent
    config = await asyncio.to_thread(ls.config)
    opts = GenerateOptions.from_config(
        config,
        spec_path,
        root / config.generation.output_dir,
        root,
        operations=[operation] if operation else None,
        deliver=editor_delivery(ls),
    )
    token = str(uuid.uuid4())
    shows_progress = ls.caps.work_done_progress  # asking other clients would fail the run
    if shows_progress:
        await ls.work_done_progress.create_async(token)
        ls.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title="Specloom: generating", percentage=0, cancellable=True)
        )
    cancel = session.cancel_events[token] = asyncio.Event()

    def progress(step: str, percent: int, message: str) -> None:
        if shows_progress:
            ls.work_done_progress.report(token, types.WorkDoneProgressReport(message=message, percentage=percent))

    session.generating.add(uri)
    # stderr is the client's log of the server; the settings may name a file
    await asyncio.to_thread(logs.configure, config.logging, root)
    try:
        store = await asyncio.to_thread(open_store, config, root=root)
        try:
            service = build_service(config, store, orchestrator=await ls.orchestrator(config))
            outcome = await service.generate(opts, progress, cancel)
        finally:
            await asyncio.to_thread(store.close)
        logs.generation_event(outcome, opts)
    finally:
        session.generating.discard(uri)
        session.cancel_events.pop(token, None)
        if shows_progress:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
    analysis = session.analyses.get(uri)
    if analysis is not None and outcome.outcome != "cancelled":
        analysis.gate_findings = gate_findings(outcome, analysis.path)
        ls.diagnostics.publish(uri, changed_elsewhere=True)
    if ls.caps.code_lens_refresh:
        ls.workspace_code_lens_refresh(None)  # the lenses show the last run's status
    kind = types.MessageType.Info if outcome.exit_code == 0 else types.MessageType.Error
    ls.window_show_message(types.ShowMessageParams(type=kind, message=f"Specloom: {outcome.message}"))
    return outcome.to_json()
