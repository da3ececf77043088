"""The workspace around the documents: the client's settings, file watchers, folders, and the audit command."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

if TYPE_CHECKING:
    from specloom.lsp.server import SpecloomServer

WATCHED_EXTENSIONS = ("yaml", "yml", "json", "graphql", "gql", "md")
log = logging.getLogger(__name__)


async def fetch_settings(ls: SpecloomServer) -> None:
    from specloom.lsp.settings import workspace_config

    if ls.caps.configuration:
        root = ls.root()
        try:
            [ls.session.settings] = await ls.workspace_configuration_async(
                types.ConfigurationParams(
                    items=[types.ConfigurationItem(section="specloom", scope_uri=root.as_uri() if root else None)]
                )
            )
        except Exception:  # noqa: BLE001 - a client that fails this request keeps the workspace's settings
            log.exception("workspace/configuration failed")
    _, warnings = await asyncio.to_thread(workspace_config, ls.root(), ls.session.settings)
    for warning in warnings:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=warning))


async def watch_files(ls: SpecloomServer) -> None:
    if not ls.caps.watched_files_registration:
        return  # such clients (Neovim 0.7) send no file events; workspace/validateWorkspace re-scans
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=f"**/*.{ext}") for ext in WATCHED_EXTENSIONS]
    )
    registration = types.Registration(
        id=str(uuid.uuid4()), method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception:  # noqa: BLE001 - without watchers the server still works on open documents
        log.exception("registering file watchers failed")


async def files_changed(ls: SpecloomServer, changes: list[types.FileEvent]) -> None:
    for change in changes:
        path = Path(to_fs_path(change.uri) or change.uri)
        uri = ls.uri_of(str(path))
        if uri in ls.workspace.text_documents:
            ls.diagnostics.recheck_dependents(str(path))  # the editor's buffer wins for the file itself
        elif change.type == types.FileChangeType.Deleted:
            if uri in ls.session.analyses:
                ls.diagnostics.forget(uri)
            ls.diagnostics.recheck_dependents(str(path))
        else:
            await ls.diagnostics.check_disk(path)


async def folders_changed(ls: SpecloomServer, event: types.WorkspaceFoldersChangeEvent) -> None:
    for folder in event.removed:
        prefix = str(Path(to_fs_path(folder.uri))) + os.sep
        for uri in [u for u in ls.session.analyses if u not in ls.workspace.text_documents]:
            if (to_fs_path(uri) or "").startswith(prefix):
                ls.diagnostics.forget(uri)
    await ls.diagnostics.scan_workspace([Path(to_fs_path(f.uri)) for f in event.added])


def audit_records(config, root: Path, limit: int) -> list:
    """The last audit records as JSON values; reads the store, so call it from a worker thread."""
    import json

    from specloom.audit import open_store
    from specloom.audit.cli import audit_list

    store = open_store(config, root=root)
    try:
        return json.loads(audit_list(store, as_json=True, limit=limit))
    finally:
        store.close()


def list_templates() -> dict:
    from specloom.templates.packs import discover

    packs, errors = discover()
    return {
        "packs": [{"ref": p.ref, "language": p.language, "framework": p.framework} for p in packs],
        "refused": [str(e) for e in errors],
    }
