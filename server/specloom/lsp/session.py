"""The server's session state in one typed object, and the client's capabilities reduced to booleans.

`Session` knows nothing of the protocol: it holds each document's latest analysis with its version,
the analysis tasks under way, and which files depend on which, and keeps those consistent.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from dataclasses import dataclass, field

from lsprotocol import types

from specloom.lsp.documents import Analysis


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the client can do, read once from its `initialize` request."""

    pulls_diagnostics: bool = False
    diagnostic_refresh: bool = False
    configuration: bool = False
    watched_files_registration: bool = False
    work_done_progress: bool = False
    code_lens_refresh: bool = False
    creates_files_by_edit: bool = False  # workspace edits with documentChanges and CreateFile
    hierarchical_symbols: bool = False
    folding_range_limit: int | None = None

    @classmethod
    def of(cls, caps: types.ClientCapabilities | None) -> Capabilities:
        def get(dotted: str) -> object:
            value: object = caps
            for name in dotted.split("."):
                value = getattr(value, name, None)
            return value

        operations = [types.ResourceOperationKind(o) for o in get("workspace.workspace_edit.resource_operations") or []]
        return cls(
            pulls_diagnostics=get("text_document.diagnostic") is not None,
            diagnostic_refresh=bool(get("workspace.diagnostics.refresh_support")),
            configuration=bool(get("workspace.configuration")),
            watched_files_registration=bool(get("workspace.did_change_watched_files.dynamic_registration")),
            work_done_progress=bool(get("window.work_done_progress")),
            code_lens_refresh=bool(get("workspace.code_lens.refresh_support")),
            creates_files_by_edit=bool(get("workspace.workspace_edit.document_changes"))
            and types.ResourceOperationKind.Create in operations,
            hierarchical_symbols=bool(get("text_document.document_symbol.hierarchical_document_symbol_support")),
            folding_range_limit=get("text_document.folding_range.range_limit"),
        )


@dataclass(slots=True)
class Session:
    analyses: dict[str, Analysis] = field(default_factory=dict)  # uri -> latest analysis (open or on disk)
    pending: dict[str, asyncio.Task] = field(default_factory=dict)  # uri -> analysis task not yet finished
    running: set[str] = field(default_factory=set)  # uris whose analysis is under way in a worker thread
    rerun: set[str] = field(default_factory=set)  # uris changed during their analysis: analyse again after
    propagate: set[str] = field(default_factory=set)  # pending analyses that must re-check their dependents
    elsewhere: set[str] = field(default_factory=set)  # pending analyses caused by another file's change
    dependents: dict[str, set[str]] = field(default_factory=dict)  # absolute path -> uris that read or link it
    result_ids: dict[str, str] = field(default_factory=dict)  # uri -> id of the diagnostics last reported
    pushed: set[str] = field(default_factory=set)  # uris whose last pushed diagnostics were not empty
    generating: set[str] = field(default_factory=set)  # spec uris with a generation running
    cancel_events: dict[str, asyncio.Event] = field(default_factory=dict)  # progress token -> cancel
    settings: object = None  # the client's `specloom` settings section
    _serial: itertools.count = field(default_factory=lambda: itertools.count(1))

    def store(self, uri: str, analysis: Analysis) -> None:
        """Keep the newest analysis of `uri` (with the last generation's gate findings) and its dependencies."""
        previous = self.analyses.get(uri)
        if previous is not None:
            analysis.gate_findings = previous.gate_findings
            for path in previous.dependencies:
                self.dependents.get(path, set()).discard(uri)
        for path in analysis.dependencies:
            self.dependents.setdefault(path, set()).add(uri)
        self.analyses[uri] = analysis

    def renew_result_id(self, uri: str) -> str:
        """A new id for the diagnostics of `uri`, each time they are reported anew."""
        version = self.analyses[uri].version
        self.result_ids[uri] = f"{version}.{next(self._serial)}"
        return self.result_ids[uri]

    def forget(self, uri: str) -> None:
        previous = self.analyses.pop(uri, None)
        for path in previous.dependencies if previous else ():
            self.dependents.get(path, set()).discard(uri)
        self.result_ids.pop(uri, None)
        self.pushed.discard(uri)

    def closed(self, uri: str) -> None:
        """The editor closed `uri`: work queued for its buffer is moot."""
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.rerun.discard(uri)
        self.propagate.discard(uri)
        self.elsewhere.discard(uri)

    def dependents_of(self, path: str) -> list[str]:
        return sorted(self.dependents.get(os.path.abspath(path), ()))
