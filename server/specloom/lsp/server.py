"""The Specloom language server: protocol wiring and per-document state; features stay thin.

Analyses run off the event loop, debounced per document; a result is published only if
its document version is still the current one, so stale diagnostics never replace newer ones.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from specloom import __version__
from specloom.lsp.convert import from_lsp_position, to_code_action, to_diagnostic, to_lsp_range
from specloom.lsp.documents import Analysis, analyze
from specloom.lsp.hover import planned_files_markdown

DEBOUNCE_SECONDS = 0.15  # for documents whose last analysis was slow
QUICK_ANALYSIS_SECONDS = 0.03  # faster than this, analyse on every change without waiting
log = logging.getLogger(__name__)


class SpecloomProtocol(LanguageServerProtocol):
    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcInvalidParams as exc:
            # pygls 2.1.1 leaves such a request unanswered and the client waits forever: answer it.
            if isinstance(data, dict) and "id" in data and "method" in data:
                self._send_response(data["id"], None, exc.to_response_error())
                return super().structure_message({"jsonrpc": "2.0", "method": "$/specloom/answeredInvalidParams"})
            raise


class SpecloomServer(LanguageServer):
    def __init__(self):
        super().__init__(
            "specloom",
            __version__,
            protocol_cls=SpecloomProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.generating: set[str] = set()
        self.cancel_events: dict[str, asyncio.Event] = {}
        self.analysis_seconds: dict[str, float] = {}

    def debounce_for(self, uri: str) -> float:
        return DEBOUNCE_SECONDS if self.analysis_seconds.get(uri, 0) > QUICK_ANALYSIS_SECONDS else 0

    # --- analysis -----------------------------------------------------------------
    def schedule(self, uri: str, delay: float) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()  # newer text supersedes it
        self.pending[uri] = asyncio.get_running_loop().create_task(self._analyze_later(uri, delay))

    async def _analyze_later(self, uri: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            document = self.workspace.get_text_document(uri)
            version, text, path = document.version, document.source, document.path or uri
            started = time.perf_counter()
            analysis = await asyncio.to_thread(analyze, path, text, version, self.root())
            self.analysis_seconds[uri] = time.perf_counter() - started
        except asyncio.CancelledError:
            return
        except Exception:  # noqa: BLE001 - one bad document must not take the server down
            log.exception("analysis of %s failed", uri)
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"specloom: analysis of {uri} failed")
            )
            return
        if self.workspace.get_text_document(uri).version != version:
            return  # stale: a newer analysis is on its way
        previous = self.analyses.get(uri)
        if previous is not None:
            analysis.gate_findings = previous.gate_findings
        self.analyses[uri] = analysis
        self.publish(uri)

    async def scan_workspace(self) -> int:
        """Check every spec in the workspace folders, open or not; returns how many were checked."""
        from specloom.core.workspace import candidate_files

        folders = [Path(to_fs_path(f.uri)) for f in (self.workspace.folders or {}).values()] or (
            [self.root()] if self.root() else []
        )
        checked = 0
        for folder in folders:
            for path in await asyncio.to_thread(lambda f=folder: list(candidate_files(f))):
                uri = self.uri_of(str(path))
                if uri in self.workspace.text_documents:
                    continue  # open documents follow the editor's text, not the disk
                try:
                    text = await asyncio.to_thread(path.read_text, "utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                analysis = await asyncio.to_thread(analyze, str(path), text, None, self.root())
                if analysis.spec is None:
                    continue
                self.analyses[uri] = analysis
                self.publish(uri)
                checked += 1
        return checked

    def publish(self, uri: str) -> None:
        analysis = self.analyses.get(uri)
        if analysis is None:
            return
        diagnostics = [
            to_diagnostic(f, analysis.lines, self.uri_of) for f in analysis.findings + analysis.gate_findings
        ]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=analysis.version, diagnostics=diagnostics)
        )

    def uri_of(self, path: str) -> str:
        return from_fs_path(str(Path(path).resolve())) or path

    def root(self) -> Path | None:
        root = self.workspace.root_path
        return Path(root) if root else None


def create_server() -> SpecloomServer:
    server = SpecloomServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SpecloomServer, params: types.InitializedParams) -> None:
        await ls.scan_workspace()

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def cancel_progress(ls: SpecloomServer, params: types.WorkDoneProgressCancelParams) -> None:
        event = ls.cancel_events.get(str(params.token))
        if event is not None:
            event.set()

    @server.command("specloom.validateWorkspace")
    async def validate_workspace(ls: SpecloomServer) -> dict:
        return {"checked": await ls.scan_workspace()}

    @server.command("specloom.listTemplates")
    def list_templates(ls: SpecloomServer) -> dict:
        from specloom.templates.packs import discover

        packs, errors = discover()
        return {
            "packs": [{"ref": p.ref, "language": p.language, "framework": p.framework} for p in packs],
            "refused": [str(e) for e in errors],
        }

    @server.command("specloom.showAudit")
    def show_audit(ls: SpecloomServer, limit: int = 20) -> list:
        import json

        from specloom.audit import open_store
        from specloom.audit.cli import audit_list
        from specloom.config import load_config

        root = ls.root() or Path.cwd()
        store = open_store(load_config(root), root=root)
        try:
            return json.loads(audit_list(store, as_json=True, limit=limit))
        finally:
            store.close()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: SpecloomServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: SpecloomServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce_for(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SpecloomServer, params: types.DidCloseTextDocumentParams) -> None:
        task = ls.pending.pop(params.text_document.uri, None)
        if task is not None:
            task.cancel()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: SpecloomServer, params: types.HoverParams) -> types.Hover | None:
        analysis = ls.analyses.get(params.text_document.uri)
        if analysis is None or analysis.spec is None:
            return None
        element = analysis.element_at(from_lsp_position(params.position, analysis.lines))
        if element is None:
            return None
        text = planned_files_markdown(analysis, element, _target(ls))
        if text is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=to_lsp_range(element.selection_range, analysis.lines),
        )

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: SpecloomServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        analysis = ls.analyses.get(params.text_document.uri)
        if analysis is None or analysis.spec is None:
            return []
        lenses = []
        uri = params.text_document.uri
        for element in analysis.elements():
            if element.kind not in ("operation", "adr"):
                continue
            where = to_lsp_range(element.selection_range, analysis.lines)
            operation = _operation_id(analysis, element)
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
        return lenses

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
    def code_action(ls: SpecloomServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        analysis = ls.analyses.get(uri)
        if analysis is None:
            return []
        actions = []
        for finding in analysis.findings:
            if finding.fix is None:
                continue
            diagnostic = to_diagnostic(finding, analysis.lines, ls.uri_of)
            if _overlaps(diagnostic.range, params.range):
                actions.append(to_code_action(finding, diagnostic, uri, analysis.lines))
        element = analysis.element_at(from_lsp_position(params.range.start, analysis.lines))
        if analysis.spec is not None and element is not None and element.kind in ("operation", "adr"):
            operation = _operation_id(analysis, element)
            actions.append(
                types.CodeAction(
                    title=f"Generate implementation for {element.name}",
                    kind=types.CodeActionKind.Source,
                    command=types.Command(
                        title="Generate implementation", command="specloom.generate", arguments=[uri, operation]
                    ),
                )
            )
        if analysis.spec is not None:
            actions.append(
                types.CodeAction(
                    title="Generate implementation for the whole spec",
                    kind=types.CodeActionKind.Source,
                    command=types.Command(
                        title="Generate implementation", command="specloom.generate", arguments=[uri, None]
                    ),
                )
            )
        return actions

    @server.command("specloom.previewPlan")
    def preview_plan(ls: SpecloomServer, uri: str) -> dict | None:
        analysis = ls.analyses.get(uri)
        plan = analysis.plan() if analysis is not None else None
        return plan.to_json() if plan is not None else None

    @server.command("specloom.generate")
    async def generate(ls: SpecloomServer, uri: str, operation: str | None = None) -> dict:
        return await _generate(ls, uri, operation)

    return server


def _target(ls: SpecloomServer) -> Path | None:
    root = ls.root()
    if root is None:
        return None
    from specloom.config import load_config
    from specloom.core.errors import ConfigError

    try:
        return root / load_config(root).generation.output_dir
    except ConfigError:
        return root / "generated"


def _operation_id(analysis: Analysis, element) -> str | None:
    if element.kind != "operation" or analysis.spec is None:
        return None
    op = next((o for o in analysis.spec.operations if o.pointer == element.pointer), None)
    return op.operation_id if op else None


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (b.start.line, b.start.character) <= (
        a.end.line,
        a.end.character,
    )


async def _generate(ls: SpecloomServer, uri: str, operation: str | None) -> dict:
    """Run the pipeline in the background with progress; gate failures become diagnostics on the spec."""
    from specloom.audit import open_store
    from specloom.config import load_config
    from specloom.core.findings import Finding, Position, Range, Severity
    from specloom.pipeline import CodeGenerationService, GenerateOptions, resolve_identity

    if uri in ls.generating:
        return {"outcome": "refused", "message": "A generation for this spec is already running."}
    spec_path = Path(to_fs_path(uri) or uri)
    root = ls.root() or spec_path.parent
    config = load_config(root)
    gen = config.generation
    opts = GenerateOptions(
        spec_path=spec_path,
        target=root / gen.output_dir,
        identity=resolve_identity(config.identity.user, config.identity.tenant, root),
        operations=[operation] if operation else gen.operations,
        language=gen.language,
        framework=gen.framework,
        coverage_threshold=gen.coverage_threshold,
        pack_ranges=dict(gen.templates),
        overlays=[root / o for o in gen.template_overlays],
        variables=dict(gen.variables),
        test_python=gen.test_python,
        gate_timeouts=dict(gen.gate_timeouts),
        workspace_root=root,
    )
    token = str(uuid.uuid4())
    await ls.work_done_progress.create_async(token)
    ls.work_done_progress.begin(
        token, types.WorkDoneProgressBegin(title="Specloom: generating", percentage=0, cancellable=True)
    )
    cancel = ls.cancel_events[token] = asyncio.Event()

    def progress(step: str, percent: int, message: str) -> None:
        ls.work_done_progress.report(token, types.WorkDoneProgressReport(message=message, percentage=percent))

    ls.generating.add(uri)
    store = open_store(config, root=root)
    try:
        outcome = await CodeGenerationService(store).generate(opts, progress, cancel)
    finally:
        store.close()
        ls.generating.discard(uri)
        ls.cancel_events.pop(token, None)
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
    analysis = ls.analyses.get(uri)
    if analysis is not None:
        analysis.gate_findings = [
            Finding(
                code=f"GATE-{issue.gate}",
                severity=Severity.ERROR,
                message=f"{issue.gate} gate: {issue.file}:{issue.line}: {issue.message}",
                range=Range(Position(**source["range"]["start"]), Position(**source["range"]["end"])),
                path=analysis.path,
            )
            for issue in outcome.gate_issues
            if issue.severity == "error"
            for source in issue.sources[:1]
        ]
        ls.publish(uri)
    kind = types.MessageType.Info if outcome.exit_code == 0 else types.MessageType.Error
    ls.window_show_message(types.ShowMessageParams(type=kind, message=f"Specloom: {outcome.message}"))
    return outcome.to_json()
