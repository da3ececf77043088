"""The Specloom language server: protocol wiring and per-document state; features stay thin.

Analyses run off the event loop, one at a time per document: edits arriving during an analysis
coalesce into a single re-run on the newest text (a debounce that costs an idle edit nothing). A
result is published only if
its document version is still the current one, so stale diagnostics never replace newer ones.
Open documents follow the editor's text; every other spec in the workspace follows the disk.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import uuid
from datetime import UTC, datetime
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

WATCHED_EXTENSIONS = ("yaml", "yml", "json", "graphql", "gql", "md")
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
        self.propagate: set[str] = set()  # pending analyses that must re-check the documents depending on theirs
        self.elsewhere: set[str] = set()  # pending analyses caused by another file, which the client has not seen
        self.generating: set[str] = set()
        self.cancel_events: dict[str, asyncio.Event] = {}
        self.running: set[str] = set()  # uris whose analysis is under way in a worker thread
        self.rerun: set[str] = set()  # uris changed during their analysis: analyse again when it ends
        self.dependents: dict[str, set[str]] = {}  # absolute path -> uris whose last analysis read or linked it
        self.result_ids: dict[str, str] = {}
        self.pushed: set[str] = set()  # uris whose last pushed diagnostics were not empty
        self.settings: object = None  # the client's `specloom` settings section
        self._router: tuple[str, object] | None = None  # (the settings it was built from, Orchestrator)
        self._serial = itertools.count(1)

    def supports(self, dotted: str) -> object:
        """A client capability by its dotted lsprotocol path, or None."""
        value: object = self.client_capabilities
        for name in dotted.split("."):
            value = getattr(value, name, None)
        return value

    def pulls_diagnostics(self) -> bool:
        return self.supports("text_document.diagnostic") is not None

    async def orchestrator(self, config):
        """The AI router for these settings; kept between runs so its circuit breakers remember failures."""
        from specloom.providers import build_orchestrator

        key = config.model_dump_json(include={"providers", "generation"})
        if self._router is None or self._router[0] != key:
            if self._router is not None:
                await self._router[1].aclose()
            self._router = (key, build_orchestrator(config))
        return self._router[1]

    def config(self):
        from specloom.lsp.settings import workspace_config

        return workspace_config(self.root(), self.settings)[0]

    def plan_options(self, config=None):
        """What plans in hovers and previews follow: the settings a generation from here would use."""
        from specloom.templates.layout import PlanOptions

        return PlanOptions.from_config(config or self.config(), self.root())

    # --- analysis -----------------------------------------------------------------
    def schedule(self, uri: str, propagate: bool = False, changed_elsewhere: bool = False) -> None:
        """Analyse the document's newest text now; or, if an analysis is under way, once more when it ends.

        A thread cannot be interrupted, so rather than debouncing (which delays every edit) edits that
        arrive during an analysis coalesce into one more run on the newest text.
        """
        if propagate:
            self.propagate.add(uri)
        if changed_elsewhere:
            self.elsewhere.add(uri)
        if uri in self.running:
            self.rerun.add(uri)
            return
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()  # not started yet: newer text supersedes it
        self.pending[uri] = asyncio.get_running_loop().create_task(self._analyze(uri))

    async def _analyze(self, uri: str) -> None:
        try:
            await self._analyze_once(uri)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]
            if uri in self.rerun and uri in self.workspace.text_documents:
                self.rerun.discard(uri)
                self.schedule(uri)

    async def _analyze_once(self, uri: str) -> None:
        try:
            document = self.workspace.get_text_document(uri)
            version, text, path = document.version, document.source, document.path or uri
            self.running.add(uri)
            try:
                analysis = await asyncio.to_thread(analyze, path, text, version, self.root(), self.open_texts(uri))
            finally:
                self.running.discard(uri)
        except asyncio.CancelledError:
            return
        except Exception:  # noqa: BLE001 - one bad document must not take the server down
            log.exception("analysis of %s failed", uri)
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"specloom: analysis of {uri} failed")
            )
            return
        if uri not in self.workspace.text_documents or self.workspace.get_text_document(uri).version != version:
            return  # stale: the rerun analyses the newer text, or the document was closed
        self.store(uri, analysis, changed_elsewhere=uri in self.elsewhere)
        self.elsewhere.discard(uri)
        if uri in self.propagate:
            self.propagate.discard(uri)
            self.recheck_dependents(path)

    def open_texts(self, skip: str) -> dict[str, str]:
        """Texts of the other open documents, which referenced-file reads must see instead of the disk."""
        return {
            os.path.abspath(doc.path): doc.source
            for uri, doc in list(self.workspace.text_documents.items())
            if uri != skip and doc.path
        }

    def store(self, uri: str, analysis: Analysis, changed_elsewhere: bool = False) -> None:
        previous = self.analyses.get(uri)
        if previous is not None:
            analysis.gate_findings = previous.gate_findings
            for path in previous.dependencies:
                self.dependents.get(path, set()).discard(uri)
        for path in analysis.dependencies:
            self.dependents.setdefault(path, set()).add(uri)
        self.analyses[uri] = analysis
        self.publish(uri, changed_elsewhere)

    def forget(self, uri: str) -> None:
        """The file is gone or no longer a spec: drop what was known and clear its diagnostics."""
        previous = self.analyses.pop(uri, None)
        for path in previous.dependencies if previous else ():
            self.dependents.get(path, set()).discard(uri)
        self.result_ids.pop(uri, None)
        self.pushed.discard(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    async def check_disk(self, path: Path, propagate: bool = True) -> bool:
        """Re-check a file that is not open from the disk; True if it is a spec."""
        uri = self.uri_of(str(path))
        try:
            text = await asyncio.to_thread(path.read_text, "utf-8")
            analysis = await asyncio.to_thread(analyze, str(path), text, None, self.root(), self.open_texts(uri))
        except (OSError, UnicodeDecodeError):
            analysis = None
        except Exception:  # noqa: BLE001 - one bad file must not take the server down
            log.exception("analysis of %s failed", path)
            analysis = None
        if uri in self.workspace.text_documents:
            return False  # opened while this ran: the editor's buffer wins
        if not self.in_workspace(path):
            analysis = None  # its folder was removed while this ran
        if analysis is None or analysis.spec is None:
            if uri in self.analyses:
                self.forget(uri)
        else:
            self.store(uri, analysis, changed_elsewhere=True)
        if propagate:
            self.recheck_dependents(str(path))
        return analysis is not None and analysis.spec is not None

    def recheck_dependents(self, path: str) -> None:
        """Re-check what references or links `path` (one level: a re-check does not cascade, so cycles end)."""
        for uri in sorted(self.dependents.get(os.path.abspath(path), ())):
            if uri in self.workspace.text_documents:
                self.schedule(uri, changed_elsewhere=True)
            else:
                asyncio.get_running_loop().create_task(self.check_disk(Path(to_fs_path(uri) or uri), False))

    async def current_analysis(self, uri: str) -> Analysis | None:
        """The analysis of the document's current version, waiting for it when one is under way."""
        for _ in range(10):
            document = self.workspace.text_documents.get(uri)
            analysis = self.analyses.get(uri)
            task = self.pending.get(uri)
            current = analysis is not None and document is not None and analysis.version == document.version
            if document is None or (current and (task is None or task.done())):
                return analysis
            if task is None or task.done():
                self.schedule(uri)
                task = self.pending[uri]
            await asyncio.wait([task])
        return self.analyses.get(uri)

    def folder_paths(self) -> list[Path]:
        folders = [Path(to_fs_path(f.uri)) for f in (self.workspace.folders or {}).values()]
        return folders or ([self.root()] if self.root() else [])

    def in_workspace(self, path: Path) -> bool:
        folders = self.folder_paths()
        return not folders or any(path.resolve().is_relative_to(folder.resolve()) for folder in folders)

    async def scan_workspace(self, folders: list[Path] | None = None) -> int:
        """Check every spec in the workspace folders, open or not; returns how many were checked."""
        from specloom.core.workspace import candidate_files

        checked = 0
        for folder in self.folder_paths() if folders is None else folders:
            for path in await asyncio.to_thread(lambda f=folder: list(candidate_files(f))):
                if self.uri_of(str(path)) in self.workspace.text_documents:
                    continue  # open documents follow the editor's text, not the disk
                checked += await self.check_disk(path, propagate=False)
        return checked

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        analysis = self.analyses[uri]
        return [to_diagnostic(f, analysis.lines, self.uri_of) for f in analysis.findings + analysis.gate_findings]

    def publish(self, uri: str, changed_elsewhere: bool = False) -> None:
        """Push the diagnostics, or, to a client that pulls them for open documents, say they changed."""
        analysis = self.analyses.get(uri)
        if analysis is None:
            return
        self.result_ids[uri] = f"{analysis.version}.{next(self._serial)}"
        if self.pulls_diagnostics() and uri in self.workspace.text_documents:
            # The client pulls after each of its own edits; other changes need a refresh request.
            if changed_elsewhere and self.supports("workspace.diagnostics.refresh_support"):
                self.workspace_diagnostic_refresh(None)
            return
        diagnostics = self.diagnostics(uri)
        if diagnostics:
            self.pushed.add(uri)
        else:
            self.pushed.discard(uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=analysis.version, diagnostics=diagnostics)
        )

    def uri_of(self, path: str) -> str:
        return from_fs_path(str(Path(path).resolve())) or path

    def root(self) -> Path | None:
        root = self.workspace.root_path
        return Path(root) if root else None

    # --- client settings and registrations -------------------------------------------
    async def fetch_settings(self) -> None:
        from specloom.lsp.settings import workspace_config

        if self.supports("workspace.configuration"):
            root = self.root()
            try:
                [self.settings] = await self.workspace_configuration_async(
                    types.ConfigurationParams(
                        items=[types.ConfigurationItem(section="specloom", scope_uri=root.as_uri() if root else None)]
                    )
                )
            except Exception:  # noqa: BLE001 - a client that fails this request keeps the workspace's settings
                log.exception("workspace/configuration failed")
        for warning in workspace_config(self.root(), self.settings)[1]:
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=warning))

    async def watch_files(self) -> None:
        if not self.supports("workspace.did_change_watched_files.dynamic_registration"):
            return  # such clients (Neovim 0.7) send no file events; workspace/validateWorkspace re-scans
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=f"**/*.{ext}") for ext in WATCHED_EXTENSIONS]
        )
        try:
            await self.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id=str(uuid.uuid4()),
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=options,
                        )
                    ]
                )
            )
        except Exception:  # noqa: BLE001 - without watchers the server still works on open documents
            log.exception("registering file watchers failed")


def create_server() -> SpecloomServer:
    server = SpecloomServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SpecloomServer, params: types.InitializedParams) -> None:
        # The folders of now: one added while the client answers below is scanned by its own notification.
        folders = ls.folder_paths()
        await ls.fetch_settings()
        await ls.watch_files()
        await ls.scan_workspace(folders)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: SpecloomServer, params: types.DidChangeConfigurationParams) -> None:
        if not ls.supports("workspace.configuration"):
            ls.settings = params.settings.get("specloom") if isinstance(params.settings, dict) else None
        await ls.fetch_settings()
        for uri in list(ls.workspace.text_documents):
            ls.schedule(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: SpecloomServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = Path(to_fs_path(change.uri) or change.uri)
            if ls.uri_of(str(path)) in ls.workspace.text_documents:
                ls.recheck_dependents(str(path))  # the editor's buffer wins for the file itself
            elif change.type == types.FileChangeType.Deleted:
                if ls.uri_of(str(path)) in ls.analyses:
                    ls.forget(ls.uri_of(str(path)))
                ls.recheck_dependents(str(path))
            else:
                await ls.check_disk(path)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_workspace_folders(ls: SpecloomServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        for folder in params.event.removed:
            prefix = str(Path(to_fs_path(folder.uri))) + os.sep
            for uri in [u for u in ls.analyses if u not in ls.workspace.text_documents]:
                if (to_fs_path(uri) or "").startswith(prefix):
                    ls.forget(uri)
        await ls.scan_workspace([Path(to_fs_path(f.uri)) for f in params.event.added])

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

        root = ls.root() or Path.cwd()
        store = open_store(ls.config(), root=root)
        try:
            return json.loads(audit_list(store, as_json=True, limit=limit))
        finally:
            store.close()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: SpecloomServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.pulls_diagnostics() and uri in ls.pushed:
            ls.forget(uri)  # from now on the client pulls them: clear what the workspace scan pushed
        ls.schedule(uri, propagate=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: SpecloomServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, propagate=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: SpecloomServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.rerun.discard(uri)
        ls.propagate.discard(uri)
        ls.elsewhere.discard(uri)
        path = to_fs_path(uri)
        if path:  # back to the disk's text, for this file and for those that reference it
            await ls.check_disk(Path(path))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="specloom", inter_file_dependencies=True, workspace_diagnostics=False),
    )
    async def pull_diagnostics(ls: SpecloomServer, params: types.DocumentDiagnosticParams):
        uri = params.text_document.uri
        analysis = await ls.current_analysis(uri)
        if analysis is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = ls.result_ids[uri]
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics(uri), result_id=result_id)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: SpecloomServer, params: types.HoverParams) -> types.Hover | None:
        analysis = ls.analyses.get(params.text_document.uri)
        if analysis is None or analysis.spec is None:
            return None
        element = analysis.element_at(from_lsp_position(params.position, analysis.lines))
        if element is None:
            return None
        # A big spec's first plan and a preview's render take a while; the loop keeps serving meanwhile.
        config = ls.config()  # read once: the target and the plan both follow it
        text = await asyncio.to_thread(
            planned_files_markdown, analysis, element, _target(ls, config), ls.plan_options(config)
        )
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
        runs = _last_runs(ls, uri)
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
            status = _status_title(runs, operation)
            if status is not None:
                lenses.append(
                    types.CodeLens(
                        range=where,
                        command=types.Command(title=status, command="specloom.showAudit", arguments=[20]),
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
                    # refactor, not source: editors list it in the menu at the cursor (VS Code's Ctrl+.)
                    kind=types.CodeActionKind.Refactor,
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
    async def preview_plan(ls: SpecloomServer, uri: str) -> dict | None:
        analysis = ls.analyses.get(uri)
        plan = await asyncio.to_thread(analysis.plan, ls.plan_options()) if analysis is not None else None
        return plan.to_json() if plan is not None else None

    @server.command("specloom.generate")
    async def generate(ls: SpecloomServer, uri: str, operation: str | None = None) -> dict:
        return await _generate(ls, uri, operation)

    return server


def _target(ls: SpecloomServer, config=None) -> Path | None:
    root = ls.root()
    return root / (config or ls.config()).generation.output_dir if root is not None else None


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


def _last_runs(ls: SpecloomServer, uri: str) -> list:
    """The audit records of generations from this spec, newest first; none when the store cannot be read."""
    from specloom.audit import open_store

    spec_path = str(Path(to_fs_path(uri) or uri))
    root = ls.root() or Path(spec_path).parent
    try:
        store = open_store(ls.config(), root=root)
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


def _status_title(runs: list, operation: str | None) -> str | None:
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


def _editor_delivery(ls: SpecloomServer):
    """Delivery through `workspace/applyEdit` when the client can create files, else None (write to disk)."""
    operations = ls.supports("workspace.workspace_edit.resource_operations") or []
    if not ls.supports("workspace.workspace_edit.document_changes") or types.ResourceOperationKind.Create not in [
        types.ResourceOperationKind(o) for o in operations
    ]:
        return None

    async def deliver(plan, target: Path, spec_info, packs):
        from specloom.delivery.deliver import WRITTEN, DeliveryReport, Kind, _next_manifest
        from specloom.delivery.manifest import manifest_path, write_manifest
        from specloom.delivery.paths import resolve_inside
        from specloom.lsp.convert import end_position

        if plan.blocked:
            reason = f"{len(plan.conflicts)} file(s) clash with your edits or with files specloom did not create"
            return DeliveryReport(False, plan.actions, reason)
        changes: list = []
        for action in plan.actions:
            if action.kind not in WRITTEN:
                continue
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
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(
                edit=types.WorkspaceEdit(document_changes=changes), label="Specloom: deliver generated files"
            )
        )
        if not result.applied:
            why = result.failure_reason or "it was rejected"
            return DeliveryReport(False, plan.actions, f"the editor did not apply the files ({why})")
        manifest_path(target).parent.mkdir(parents=True, exist_ok=True)
        write_manifest(target, _next_manifest(plan, spec_info, packs))  # our own record, once the editor has them
        return DeliveryReport(True, plan.actions)

    return deliver


async def _generate(ls: SpecloomServer, uri: str, operation: str | None) -> dict:
    """Run the pipeline in the background with progress; gate failures become diagnostics on the spec."""
    from specloom import logs
    from specloom.core.findings import Finding, Position, Range, Severity
    from specloom.pipeline import GenerateOptions
    from specloom.service import open_service

    if uri in ls.generating:
        return {"outcome": "refused", "message": "A generation for this spec is already running."}
    spec_path = Path(to_fs_path(uri) or uri)
    root = ls.root() or spec_path.parent
    config = ls.config()
    opts = GenerateOptions.from_config(
        config,
        spec_path,
        root / config.generation.output_dir,
        root,
        operations=[operation] if operation else None,
        deliver=_editor_delivery(ls),
    )
    token = str(uuid.uuid4())
    shows_progress = bool(ls.supports("window.work_done_progress"))  # asking others would fail the run
    if shows_progress:
        await ls.work_done_progress.create_async(token)
        ls.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title="Specloom: generating", percentage=0, cancellable=True)
        )
    cancel = ls.cancel_events[token] = asyncio.Event()

    def progress(step: str, percent: int, message: str) -> None:
        if shows_progress:
            ls.work_done_progress.report(token, types.WorkDoneProgressReport(message=message, percentage=percent))

    ls.generating.add(uri)
    logs.configure(config.logging, root)  # stderr is the client's log of the server; the settings may name a file
    try:
        with open_service(config, root, orchestrator=await ls.orchestrator(config)) as service:
            outcome = await service.generate(opts, progress, cancel)
        logs.generation_event(outcome, opts)
    finally:
        ls.generating.discard(uri)
        ls.cancel_events.pop(token, None)
        if shows_progress:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
    analysis = ls.analyses.get(uri)
    if analysis is not None and outcome.outcome != "cancelled":
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
        ls.publish(uri, changed_elsewhere=True)
    if ls.supports("workspace.code_lens.refresh_support"):
        ls.workspace_code_lens_refresh(None)  # the lenses show the last run's status
    kind = types.MessageType.Info if outcome.exit_code == 0 else types.MessageType.Error
    ls.window_show_message(types.ShowMessageParams(type=kind, message=f"Specloom: {outcome.message}"))
    return outcome.to_json()
