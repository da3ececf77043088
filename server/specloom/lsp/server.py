"""The Specloom language server: protocol wiring only.

Session state lives in `session.Session`; each feature group is a module of `features/` holding
plain functions and classes, and each handler here is a line or two handing the request to one.
Anything that reads files or databases runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from specloom import __version__
from specloom.lsp.convert import from_lsp_position, to_lsp_range
from specloom.lsp.features import actions, completion, drift, generation, hover, lenses, navigation, workspace
from specloom.lsp.features.diagnostics import Diagnostics
from specloom.lsp.session import Capabilities, Session
from specloom.lsp.text import splice_edits


class RequestFailed(JsonRpcException):
    """LSP's RequestFailed: the request was understood and is refused for the reason given (a rename)."""

    CODE = -32803


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
        self.session = Session()
        self.diagnostics = Diagnostics(self)
        self._caps: Capabilities | None = None
        self._router: tuple[str, object] | None = None  # (the settings it was built from, Orchestrator)

    def reduce_capabilities(self, caps: types.ClientCapabilities) -> None:
        self._caps = Capabilities.of(caps)

    @property
    def caps(self) -> Capabilities:
        return self._caps or Capabilities()

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
        """The workspace's configuration under the editor's settings; reads files, so not on the event loop."""
        from specloom.lsp.settings import workspace_config

        return workspace_config(self.root(), self.session.settings)[0]

    def folder_paths(self) -> list[Path]:
        folders = [Path(to_fs_path(f.uri)) for f in (self.workspace.folders or {}).values()]
        return folders or ([self.root()] if self.root() else [])

    def in_workspace(self, path: Path) -> bool:
        folders = self.folder_paths()
        return not folders or any(path.resolve().is_relative_to(folder.resolve()) for folder in folders)

    def spec_analysis(self, path: str):
        """The last analysis of the spec at `path` (open buffers first), or None."""
        return self.session.analyses.get(self.uri_of(path))

    def texts(self) -> navigation.Texts:
        """Every text the session knows, open buffers first: what navigation searches."""
        return navigation.Texts(self.workspace.text_documents, self.session.analyses)

    def uri_of(self, path: str) -> str:
        return from_fs_path(str(Path(path).resolve())) or path

    def root(self) -> Path | None:
        root = self.workspace.root_path
        return Path(root) if root else None


def create_server() -> SpecloomServer:
    server = SpecloomServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: SpecloomServer, params: types.InitializeParams) -> None:
        ls.reduce_capabilities(params.capabilities)
        splice_edits(ls.workspace)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SpecloomServer, params: types.InitializedParams) -> None:
        # The folders of now: one added while the client answers below is scanned by its own notification.
        folders = ls.folder_paths()
        await workspace.fetch_settings(ls)
        await workspace.watch_files(ls)
        await ls.diagnostics.scan_workspace(folders)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: SpecloomServer, params: types.DidChangeConfigurationParams) -> None:
        if not ls.caps.configuration:
            ls.session.settings = params.settings.get("specloom") if isinstance(params.settings, dict) else None
        await workspace.fetch_settings(ls)
        for uri in list(ls.workspace.text_documents):
            ls.diagnostics.schedule(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: SpecloomServer, params: types.DidChangeWatchedFilesParams) -> None:
        await workspace.files_changed(ls, params.changes)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_workspace_folders(ls: SpecloomServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        await workspace.folders_changed(ls, params.event)

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def cancel_progress(ls: SpecloomServer, params: types.WorkDoneProgressCancelParams) -> None:
        event = ls.session.cancel_events.get(str(params.token))
        if event is not None:
            event.set()

    @server.command("specloom.validateWorkspace")
    async def validate_workspace(ls: SpecloomServer) -> dict:
        return {"checked": await ls.diagnostics.scan_workspace()}

    @server.command("specloom.listTemplates")
    async def list_templates(ls: SpecloomServer) -> dict:
        return await asyncio.to_thread(workspace.list_templates)

    @server.command("specloom.showAudit")
    async def show_audit(ls: SpecloomServer, limit: int = 20) -> list:
        root = ls.root() or Path.cwd()
        return await asyncio.to_thread(lambda: workspace.audit_records(ls.config(), root, limit))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: SpecloomServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.caps.pulls_diagnostics and uri in ls.session.pushed:
            ls.diagnostics.forget(uri)  # from now on the client pulls them: clear what the workspace scan pushed
        ls.diagnostics.schedule(uri, propagate=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: SpecloomServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.diagnostics.schedule(params.text_document.uri, propagate=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: SpecloomServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.session.closed(params.text_document.uri)
        path = to_fs_path(params.text_document.uri)
        if path:  # back to the disk's text, for this file and for those that reference it
            await ls.diagnostics.check_disk(Path(path))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="specloom", inter_file_dependencies=True, workspace_diagnostics=False),
    )
    async def pull_diagnostics(ls: SpecloomServer, params: types.DocumentDiagnosticParams):
        return await ls.diagnostics.pull(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: SpecloomServer, params: types.HoverParams) -> types.Hover | None:
        # The hover of the text on screen: one just opened or edited is analysed first, not looked up stale.
        analysis = await ls.diagnostics.current(params.text_document.uri)
        if analysis is None:
            return None
        position = from_lsp_position(params.position, analysis.lines)
        # A big spec's first plan and a preview's render take a while; the loop keeps serving meanwhile.
        found = await asyncio.to_thread(lambda: hover.hover_markdown(analysis, position, ls.config(), ls.root()))
        if found is None:
            return None
        text, element = found
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=to_lsp_range(element.selection_range, analysis.lines),
        )

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: SpecloomServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        uri = params.text_document.uri
        analysis = await ls.diagnostics.current(uri)
        if analysis is not None and analysis.spec is None:  # a generated file: lenses back to its spec
            places = await asyncio.to_thread(drift.source_places, analysis.path, ls.root(), ls.spec_analysis)
            return lenses.source_lenses(places, ls.uri_of)
        if analysis is None:
            return []
        spec_path = str(Path(to_fs_path(uri) or uri))
        runs = await asyncio.to_thread(lambda: lenses.last_runs(ls.config(), ls.root(), spec_path))
        return lenses.code_lenses(analysis, uri, runs)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
    def code_action(ls: SpecloomServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        return actions.code_actions(ls.session.analyses.get(uri), uri, params.range, ls.uri_of)

    # --- navigation and editing: the texts are gathered on the loop, the work runs in a thread ---
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: SpecloomServer, params: types.DefinitionParams) -> list[types.Location]:
        uri, texts = params.text_document.uri, ls.texts()
        # An ADR's links come from its analysis; specs are searched in the text, which is always current.
        markdown = uri.lower().endswith((".md", ".markdown"))
        analysis = await ls.diagnostics.current(uri) if markdown else None
        return await asyncio.to_thread(navigation.definition, texts, uri, params.position, analysis, ls.uri_of)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: SpecloomServer, params: types.ReferenceParams) -> list[types.Location]:
        texts, declaration = ls.texts(), params.context.include_declaration
        uri, pos = params.text_document.uri, params.position
        return await asyncio.to_thread(navigation.references, texts, uri, pos, declaration, ls.uri_of)

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(ls: SpecloomServer, params: types.PrepareRenameParams):
        answer = await asyncio.to_thread(
            navigation.prepare_rename, ls.texts(), params.text_document.uri, params.position
        )
        if isinstance(answer, str):
            raise RequestFailed(answer)
        return answer

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    async def rename(ls: SpecloomServer, params: types.RenameParams) -> types.WorkspaceEdit:
        uri, texts = params.text_document.uri, ls.texts()
        answer = await asyncio.to_thread(navigation.rename, texts, uri, params.position, params.new_name, ls.uri_of)
        if isinstance(answer, str):
            raise RequestFailed(answer)
        return answer

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["#", "/", "'", '"', ":", " "]),
    )
    async def complete(ls: SpecloomServer, params: types.CompletionParams) -> types.CompletionList:
        uri, texts = params.text_document.uri, ls.texts()
        analysis = ls.session.analyses.get(uri)
        return await asyncio.to_thread(completion.completions, texts, uri, params.position, analysis)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(ls: SpecloomServer, params: types.DocumentSymbolParams):
        analysis = await ls.diagnostics.current(params.text_document.uri)
        outline = await asyncio.to_thread(navigation.document_symbols, analysis)
        if ls.caps.hierarchical_symbols:
            return outline
        return navigation.flat_symbols(outline, params.text_document.uri)

    @server.feature(types.WORKSPACE_SYMBOL)
    async def workspace_symbol(ls: SpecloomServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        analyses = dict(ls.session.analyses)
        return await asyncio.to_thread(navigation.workspace_symbols, analyses, params.query, ls.uri_of)

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    async def folding_range(ls: SpecloomServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
        analysis = await ls.diagnostics.current(params.text_document.uri)
        return await asyncio.to_thread(navigation.folding_ranges, analysis, ls.caps.folding_range_limit)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, navigation.SEMANTIC_LEGEND)
    async def semantic_tokens(ls: SpecloomServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
        return navigation.unresolved_ref_tokens(await ls.diagnostics.current(params.text_document.uri))

    @server.command("specloom.openSpec")
    async def open_spec(ls: SpecloomServer, uri: str, line: int, character: int) -> bool:
        where = types.Range(types.Position(line, character), types.Position(line, character))
        shown = await ls.window_show_document_async(types.ShowDocumentParams(uri, take_focus=True, selection=where))
        return bool(shown and shown.success)

    @server.command("specloom.previewPlan")
    async def preview_plan(ls: SpecloomServer, uri: str) -> dict | None:
        from specloom.templates.layout import PlanOptions

        analysis = ls.session.analyses.get(uri)
        if analysis is None:
            return None
        plan = await asyncio.to_thread(lambda: analysis.plan(PlanOptions.from_config(ls.config(), ls.root())))
        return plan.to_json() if plan is not None else None

    @server.command("specloom.generate")
    async def generate(ls: SpecloomServer, uri: str, operation: str | None = None) -> dict:
        return await generation.generate(ls, uri, operation)

    return server
