"""Diagnostics: analyses off the event loop, one at a time per document, published with their version.

Edits arriving during an analysis coalesce into a single re-run on the newest text (a debounce that
costs an idle edit nothing). A result is published only if its document version is still the current
one, so stale diagnostics never replace newer ones. Open documents follow the editor's text; every
other spec in the workspace follows the disk, and a change re-checks its dependents one level deep.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from specloom.lsp.convert import to_diagnostic
from specloom.lsp.documents import Analysis, analyze
from specloom.lsp.features import drift

if TYPE_CHECKING:
    from specloom.lsp.server import SpecloomServer

log = logging.getLogger(__name__)


def diagnostics_of(analysis: Analysis, uri_of) -> list[types.Diagnostic]:
    return [to_diagnostic(f, analysis.lines, uri_of) for f in analysis.findings + analysis.gate_findings]


class Diagnostics:
    def __init__(self, ls: SpecloomServer):
        self.ls = ls
        self.session = ls.session

    def schedule(self, uri: str, propagate: bool = False, changed_elsewhere: bool = False) -> None:
        """Analyse the document's newest text now; or, if an analysis is under way, once more when it ends.

        A thread cannot be interrupted, so rather than debouncing (which delays every edit) edits that
        arrive during an analysis coalesce into one more run on the newest text.
        """
        session = self.session
        if propagate:
            session.propagate.add(uri)
        if changed_elsewhere:
            session.elsewhere.add(uri)
        if uri in session.running:
            session.rerun.add(uri)
            return
        previous = session.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()  # not started yet: newer text supersedes it
        session.pending[uri] = asyncio.get_running_loop().create_task(self._analyze(uri))

    async def _analyze(self, uri: str) -> None:
        try:
            await self._analyze_once(uri)
        finally:
            if self.session.pending.get(uri) is asyncio.current_task():
                del self.session.pending[uri]
            if uri in self.session.rerun and uri in self.ls.workspace.text_documents:
                self.session.rerun.discard(uri)
                self.schedule(uri)

    async def _analyze_once(self, uri: str) -> None:
        ls, session = self.ls, self.session
        try:
            document = ls.workspace.get_text_document(uri)
            version, text, path = document.version, document.source, document.path or uri
            session.running.add(uri)
            try:
                analysis = await asyncio.to_thread(self.analyze, path, text, version, uri)
            finally:
                session.running.discard(uri)
        except asyncio.CancelledError:
            return
        except Exception:  # noqa: BLE001 - one bad document must not take the server down
            log.exception("analysis of %s failed", uri)
            ls.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"specloom: analysis of {uri} failed")
            )
            return
        if uri not in ls.workspace.text_documents or ls.workspace.get_text_document(uri).version != version:
            return  # stale: the rerun analyses the newer text, or the document was closed
        self.store(uri, analysis, changed_elsewhere=uri in session.elsewhere)
        session.elsewhere.discard(uri)
        if uri in session.propagate:
            session.propagate.discard(uri)
            self.recheck_dependents(path)

    def analyze(self, path: str, text: str, version: int | None, uri: str) -> Analysis:
        """Parse and check a document (in a worker thread); a generated file gets its drift notice instead."""
        analysis = analyze(path, text, version, self.ls.root(), self.open_texts(uri))
        if analysis.spec is None:
            drift.add_drift(analysis, self.ls.root(), self.spec_data)
        return analysis

    def spec_data(self, path: str) -> object | None:
        """The values of the spec at `path` as last analysed (open buffers first), else from the disk."""
        analysis = self.session.analyses.get(self.ls.uri_of(path))
        data = getattr(analysis.spec, "data", None) if analysis is not None else None
        return data if data is not None else drift.spec_data_on_disk(path)

    def open_texts(self, skip: str) -> dict[str, str]:
        """Texts of the other open documents, which referenced-file reads must see instead of the disk."""
        return {
            os.path.abspath(doc.path): doc.source
            for uri, doc in list(self.ls.workspace.text_documents.items())
            if uri != skip and doc.path
        }

    def store(self, uri: str, analysis: Analysis, changed_elsewhere: bool = False) -> None:
        self.session.store(uri, analysis)
        self.publish(uri, changed_elsewhere)

    def forget(self, uri: str) -> None:
        """The file is gone or no longer a spec: drop what was known and clear its diagnostics."""
        self.session.forget(uri)
        self.ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    async def check_disk(self, path: Path, propagate: bool = True) -> bool:
        """Re-check a file that is not open from the disk; True if it is a spec."""
        ls = self.ls
        uri = ls.uri_of(str(path))
        try:
            text = await asyncio.to_thread(path.read_text, "utf-8")
            analysis = await asyncio.to_thread(analyze, str(path), text, None, ls.root(), self.open_texts(uri))
        except (OSError, UnicodeDecodeError):
            analysis = None
        except Exception:  # noqa: BLE001 - one bad file must not take the server down
            log.exception("analysis of %s failed", path)
            analysis = None
        if uri in ls.workspace.text_documents:
            return False  # opened while this ran: the editor's buffer wins
        if not ls.in_workspace(path):
            analysis = None  # its folder was removed while this ran
        if analysis is None or analysis.spec is None:
            if uri in self.session.analyses:
                self.forget(uri)
        else:
            self.store(uri, analysis, changed_elsewhere=True)
        if propagate:
            self.recheck_dependents(str(path))
        return analysis is not None and analysis.spec is not None

    def recheck_dependents(self, path: str) -> None:
        """Re-check what references or links `path` (one level: a re-check does not cascade, so cycles end)."""
        for uri in self.session.dependents_of(path):
            if uri in self.ls.workspace.text_documents:
                self.schedule(uri, changed_elsewhere=True)
            else:
                asyncio.get_running_loop().create_task(self.check_disk(Path(to_fs_path(uri) or uri), False))

    async def current(self, uri: str) -> Analysis | None:
        """The analysis of the document's current version, waiting for it when one is under way."""
        session = self.session
        for _ in range(10):
            document = self.ls.workspace.text_documents.get(uri)
            analysis = session.analyses.get(uri)
            task = session.pending.get(uri)
            current = analysis is not None and document is not None and analysis.version == document.version
            if document is None or (current and (task is None or task.done())):
                return analysis
            if task is None or task.done():
                self.schedule(uri)
                task = session.pending[uri]
            await asyncio.wait([task])
        return session.analyses.get(uri)

    async def scan_workspace(self, folders: list[Path] | None = None) -> int:
        """Check every spec in the workspace folders, open or not; returns how many were checked."""
        from specloom.core.workspace import candidate_files

        checked = 0
        for folder in self.ls.folder_paths() if folders is None else folders:
            for path in await asyncio.to_thread(lambda f=folder: list(candidate_files(f))):
                if self.ls.uri_of(str(path)) in self.ls.workspace.text_documents:
                    continue  # open documents follow the editor's text, not the disk
                checked += await self.check_disk(path, propagate=False)
        return checked

    def publish(self, uri: str, changed_elsewhere: bool = False) -> None:
        """Push the diagnostics, or, to a client that pulls them for open documents, say they changed."""
        ls, session = self.ls, self.session
        analysis = session.analyses.get(uri)
        if analysis is None:
            return
        session.renew_result_id(uri)
        if ls.caps.pulls_diagnostics and uri in ls.workspace.text_documents:
            # The client pulls after each of its own edits; other changes need a refresh request.
            if changed_elsewhere and ls.caps.diagnostic_refresh:
                ls.workspace_diagnostic_refresh(None)
            return
        diagnostics = diagnostics_of(analysis, ls.uri_of)
        if diagnostics:
            session.pushed.add(uri)
        else:
            session.pushed.discard(uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=analysis.version, diagnostics=diagnostics)
        )

    async def pull(self, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        analysis = await self.current(uri)
        if analysis is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = self.session.result_ids[uri]
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=diagnostics_of(analysis, self.ls.uri_of), result_id=result_id
        )
