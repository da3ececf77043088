"""The language server through a real LSP client (pytest-lsp), with VS Code's and Neovim's capabilities."""

import asyncio
import re
import shutil
import sys
from pathlib import Path
from typing import Union

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.helpers import EXAMPLES
from tests.lsp.raw_client import RawServer


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("workspace")
    shutil.copy(EXAMPLES / "openapi/bookstore.yaml", root / "bookstore.yaml")
    shutil.copy(EXAMPLES / "openapi/broken.yaml", root / "broken.yaml")
    (root / "specloom.toml").write_text('[identity]\nuser = "editor@example.com"\n')
    return root


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "specloom", "serve"]),
    params=["visual_studio_code", "neovim"],
)
async def client(request, lsp_client: LanguageClient, workspace: Path):
    # lsprotocol 2025.0.0 structures a CodeAction carrying a command as a Command; pick CodeAction back.
    converter = lsp_client.protocol._converter
    converter.register_structure_hook(
        Union[types.Command, types.CodeAction],  # noqa: UP007 - the exact type lsprotocol registers
        lambda obj, _: converter.structure(
            obj, types.Command if isinstance(obj.get("command"), str) else types.CodeAction
        ),
    )
    # What a real editor does with the server's requests, recorded for the tests.
    lsp_client.registrations, lsp_client.edits, lsp_client.lens_refreshes = [], [], 0
    lsp_client.reject_edits = False
    lsp_client.published = {}

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        lsp_client.edits.append(params.edit)
        if lsp_client.reject_edits:
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason="the user said no")
        apply_to_disk(params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None) -> None:
        lsp_client.lens_refreshes += 1

    # Keep every published version too: pytest-lsp keeps only the last diagnostics per document.
    push = lsp_client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        lsp_client.published.setdefault(params.uri, []).append(params)
        push(params)

    lsp_client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    lsp_client.init_result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def apply_to_disk(edit: types.WorkspaceEdit) -> None:
    """Apply file creations and whole-file text edits the way an editor saving them would."""
    for change in edit.document_changes:
        path = Path(to_fs_path(change.uri if isinstance(change, types.CreateFile) else change.text_document.uri))
        if isinstance(change, types.CreateFile):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
            continue
        [text_edit] = change.edits
        lines = path.read_text().split("\n")
        end = text_edit.range.end
        assert text_edit.range.start == types.Position(0, 0) and end.line == len(lines) - 1, "a whole-file edit"
        path.write_text(text_edit.new_text)


def pulls(client: LanguageClient) -> bool:
    return client.capabilities.text_document.diagnostic is not None


async def diagnostics_of(client: LanguageClient, uri: str, version: int | None) -> list[types.Diagnostic]:
    """The document's diagnostics for `version`: pulled from clients that pull, else waited for."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return list(report.items)
    return (await published(client, uri, lambda p: p.version == version)).diagnostics


async def published(client: LanguageClient, uri: str, wanted, after: int = 0) -> types.PublishDiagnosticsParams:
    """The first publication for `uri` (from index `after` on) that satisfies `wanted`."""
    for _ in range(200):
        found = [p for p in client.published.get(uri, [])[after:] if wanted(p)]
        if found:
            return found[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no matching diagnostics were published for {uri}")


async def open_document(client: LanguageClient, path: Path) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=path.read_text())
        )
    )
    client.opened = await diagnostics_of(client, uri, 1)
    return uri


async def test_diagnostics_carry_code_source_link_and_place(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "broken.yaml")
    by_code = {d.code: d for d in client.opened}
    assert {"OAS101", "OAS110", "OAS111", "OAS112", "OAS114", "SEC001", "SEC002"} <= set(by_code)
    typo = by_code["OAS101"]
    assert (typo.range.start.line, typo.range.start.character) == (14, 22)
    assert typo.source == "specloom" and typo.code_description.href.endswith("#oas101")
    assert "Did you mean Item" in typo.message
    duplicate = by_code["OAS110"]
    assert duplicate.related_information and duplicate.related_information[0].location.uri == uri


async def test_hover_on_an_operation_lists_its_planned_files(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "bookstore.yaml")
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=14, character=5)
        )
    )
    assert hover is not None
    assert "bookstore/routes/books.py" in hover.contents.value and "tests/test_books.py" in hover.contents.value
    assert "python-fastapi@1.1.0" in hover.contents.value
    # The main file's first lines, as the pack renders them.
    preview = hover.contents.value.split("First lines of `bookstore/routes/books.py`", 1)[1]
    assert '```python\n"""Routes of /books: listBooks' in preview and "import APIRouter" in preview


async def test_a_hover_right_after_an_edit_describes_the_edited_text(client: LanguageClient, workspace: Path):
    # Sent before the edit's analysis has finished: the hover waits for it instead of using the disk's.
    path = workspace / "bookstore.yaml"
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=path.read_text())
        )
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="# moved\n" * 3 + path.read_text())],
        )
    )
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(17, 5))
    )
    assert hover is not None and "`GET /books` would produce" in hover.contents.value
    assert hover.range.start.line == 17
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))


async def test_hovers_plan_with_the_editors_settings(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "bookstore.yaml")
    client.set_configuration({"language": "typescript"}, section="specloom")
    await settings_changed(client)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(14, 5))
    )
    assert "`src/routes/books.ts` — source, by `template:typescript-fastify@1.0.0`" in hover.contents.value
    assert "bookstore/routes/books.py" not in hover.contents.value


async def test_code_lenses_offer_generate_and_preview_above_each_operation(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "bookstore.yaml")
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    titles = [lens.command.title for lens in lenses]
    assert titles.count("Generate") == 8 and titles.count("Preview plan") == 8
    first = min(lenses, key=lambda lens: lens.range.start.line)
    assert first.range.start.line == 14 and list(first.command.arguments) == [uri, "listBooks"]


async def test_quick_fix_corrects_the_ref_typo(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "broken.yaml")
    typo = next(d for d in client.opened if d.code == "OAS101")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=typo.range,
            context=types.CodeActionContext(diagnostics=[typo]),
        )
    )
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix)
    [edit] = fix.edit.changes[uri]
    assert edit.new_text == "'#/components/schemas/Item'" and edit.range == typo.range
    kinds = {a.title: a.kind for a in actions if isinstance(a, types.CodeAction)}
    assert kinds["Generate implementation for the whole spec"] == types.CodeActionKind.Source
    assert any(
        t.startswith("Generate implementation for ") and k == types.CodeActionKind.Refactor for t, k in kinds.items()
    )


async def test_edits_republish_with_the_new_version(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "broken.yaml")
    text = (workspace / "broken.yaml").read_text().replace("schemas/Itme", "schemas/Item")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    assert "OAS101" not in {d.code for d in await diagnostics_of(client, uri, 2)}


async def test_preview_plan_command_returns_the_plan(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "bookstore.yaml")
    plan = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="specloom.previewPlan", arguments=[uri])
    )
    assert "bookstore/routes/books.py" in [f["path"] for f in plan["files"]]


async def test_generate_runs_in_the_background_with_progress_and_delivers(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "bookstore.yaml")
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="specloom.generate", arguments=[uri, "getAuthor"])
    )
    assert result["outcome"] == "delivered", result["message"]
    assert (workspace / "generated/bookstore/routes/authors.py").is_file()
    reports = [p for values in client.progress_reports.values() for p in values]
    assert isinstance(reports[0], types.WorkDoneProgressBegin) and isinstance(reports[-1], types.WorkDoneProgressEnd)
    assert any(isinstance(p, types.WorkDoneProgressReport) and p.message.startswith("validate") for p in reports)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=135, character=5)
        )
    )
    assert "generated, unchanged" in hover.contents.value
    if client.capabilities.workspace.workspace_edit.document_changes:  # VS Code: the editor creates the files
        [edit] = client.edits
        created = [Path(to_fs_path(c.uri)) for c in edit.document_changes if isinstance(c, types.CreateFile)]
        assert all(path.is_relative_to(workspace / "generated") for path in created)
        edited = [c.text_document.uri for c in edit.document_changes if isinstance(c, types.TextDocumentEdit)]
        assert (workspace / "generated/bookstore/routes/authors.py").as_uri() in edited
    else:  # written atomically by the server
        assert client.edits == []
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    by_line = {}
    for lens in lenses:
        by_line.setdefault(lens.range.start.line, []).append(lens.command.title)
    assert "Last generated just now · gates passed" in by_line[135]  # getAuthor
    assert client.lens_refreshes == (1 if client.capabilities.workspace.code_lens else 0)


async def test_an_editor_that_rejects_the_files_gets_nothing_written(client: LanguageClient, workspace: Path):
    if not client.capabilities.workspace.workspace_edit.document_changes:
        pytest.skip("this client cannot create files through workspace/applyEdit; the server writes them")
    uri = await open_document(client, workspace / "bookstore.yaml")
    client.reject_edits = True
    client.set_configuration({"outputDir": "rejected"}, section="specloom")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await client.workspace_execute_command_async(types.ExecuteCommandParams(command="specloom.listTemplates"))
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="specloom.generate", arguments=[uri, "listBooks"])
    )
    assert result["outcome"] == "conflict" and "the user said no" in result["message"]
    assert len(client.edits) == 1 and not (workspace / "rejected").exists()
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert any(
        lens.command.title == "Last generated just now · conflict" for lens in lenses if lens.range.start.line == 14
    )


def test_a_request_with_unconvertible_params_is_answered():
    with RawServer() as server:
        server.send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
        server.answer(1)
        server.send({"method": "initialized", "params": {}})
        server.send({"id": 2, "method": "textDocument/hover", "params": {"textDocument": 5}})
        assert server.answer(2)["error"]["code"] == -32602  # Invalid Params, and an answer at all
        server.send({"id": 3, "method": "shutdown"})
        server.answer(3)


async def test_specs_on_disk_are_checked_without_being_opened(client: LanguageClient, workspace: Path):
    broken = (workspace / "broken.yaml").as_uri()
    for _ in range(10):
        if broken in client.diagnostics:
            break
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "OAS101" in {d.code for d in client.diagnostics[broken]}
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="specloom.validateWorkspace", arguments=[])
    )
    assert result["checked"] >= 2


async def test_list_templates_command(client: LanguageClient):
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="specloom.listTemplates", arguments=[])
    )
    assert {"ref": "python-fastapi@1.1.0", "language": "python", "framework": "fastapi"} in result["packs"]


async def test_a_generation_cancelled_from_the_client_writes_nothing(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "bookstore.yaml")
    target = workspace / "generated-cancel"
    (workspace / "specloom.toml").write_text(
        '[identity]\nuser = "editor@example.com"\n[generation]\noutput_dir = "generated-cancel"\n'
    )
    running = client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="specloom.generate", arguments=[uri, None])
    )
    task = asyncio.ensure_future(running)
    token = None
    try:
        while token is None:
            await client.wait_for_notification(types.PROGRESS)
            token = next(
                (
                    t
                    for t, reports in client.progress_reports.items()
                    if any(
                        isinstance(r, types.WorkDoneProgressReport) and r.message.startswith("validate")
                        for r in reports
                    )
                ),
                None,
            )
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await task
    finally:  # the workspace is shared by the module's tests
        (workspace / "specloom.toml").write_text('[identity]\nuser = "editor@example.com"\n')
    assert result["outcome"] == "cancelled"
    assert not target.exists()
    audit = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="specloom.showAudit", arguments=[5])
    )
    assert audit[0]["outcome"] == "cancelled"


def notify_files(client: LanguageClient, *changes: tuple[Path, types.FileChangeType]) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=p.as_uri(), type=t) for p, t in changes])
    )


async def test_file_watchers_follow_created_changed_and_deleted_specs(client: LanguageClient, workspace: Path):
    await client.workspace_execute_command_async(types.ExecuteCommandParams(command="specloom.validateWorkspace"))
    if client.capabilities.workspace.did_change_watched_files.dynamic_registration:
        for _ in range(200):  # sent on `initialized`, which may still be waiting for the settings
            if client.registrations:
                break
            await asyncio.sleep(0.05)
        [registration] = client.registrations
        assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        globs = {w["globPattern"] for w in registration.register_options["watchers"]}
        assert globs == {f"**/*.{ext}" for ext in ("yaml", "yml", "json", "graphql", "gql", "md")}
    else:
        assert client.registrations == []
    spec = workspace / "watched" / "api.yaml"
    spec.parent.mkdir(exist_ok=True)
    spec.write_text((workspace / "broken.yaml").read_text())
    notify_files(client, (spec, types.FileChangeType.Created))
    created = await published(client, spec.as_uri(), lambda p: p.diagnostics)
    assert "OAS101" in {d.code for d in created.diagnostics}
    spec.write_text((workspace / "broken.yaml").read_text().replace("schemas/Itme", "schemas/Item"))
    seen = len(client.published[spec.as_uri()])
    notify_files(client, (spec, types.FileChangeType.Changed))
    changed = await published(client, spec.as_uri(), lambda p: True, after=seen)
    assert "OAS101" not in {d.code for d in changed.diagnostics} and changed.diagnostics
    spec.unlink()
    seen = len(client.published[spec.as_uri()])
    notify_files(client, (spec, types.FileChangeType.Deleted))
    deleted = await published(client, spec.as_uri(), lambda p: True, after=seen)
    assert list(deleted.diagnostics) == []


async def test_an_open_document_follows_the_editor_not_the_disk(client: LanguageClient, workspace: Path):
    spec = workspace / "open-wins.yaml"
    spec.write_text((workspace / "broken.yaml").read_text())
    uri = await open_document(client, spec)
    spec.write_text((workspace / "bookstore.yaml").read_text())
    seen = len(client.published.get(uri, []))
    notify_files(client, (spec, types.FileChangeType.Changed))
    await client.workspace_execute_command_async(types.ExecuteCommandParams(command="specloom.listTemplates"))
    await asyncio.sleep(0.3)
    assert client.published.get(uri, [])[seen:] == []
    assert "OAS101" in {d.code for d in await diagnostics_of(client, uri, 1)}


async def test_workspace_folders_added_are_scanned_and_removed_ones_cleared(client: LanguageClient, tmp_path_factory):
    folder = tmp_path_factory.mktemp("another")
    (folder / "broken.yaml").write_text((EXAMPLES / "openapi/broken.yaml").read_text())
    uri = (folder / "broken.yaml").as_uri()
    added = types.WorkspaceFolder(uri=folder.as_uri(), name="another")
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(event=types.WorkspaceFoldersChangeEvent(added=[added], removed=[]))
    )
    assert "OAS101" in {d.code for d in (await published(client, uri, lambda p: p.diagnostics)).diagnostics}
    seen = len(client.published[uri])
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(event=types.WorkspaceFoldersChangeEvent(added=[], removed=[added]))
    )
    await published(client, uri, lambda p: not p.diagnostics, after=seen)
    # Nothing still running for the removed folder brings its diagnostics back.
    await client.workspace_execute_command_async(types.ExecuteCommandParams(command="specloom.validateWorkspace"))
    assert list(client.published[uri][-1].diagnostics) == []


API = """openapi: 3.1.0
info: {title: Shelf, version: '1'}
paths:
  /books:
    get:
      operationId: listBooks
      responses:
        '200':
          description: the books
          content:
            application/json:
              schema:
                $ref: 'schemas.yaml#/Book'
"""

ADR = """# 1. Keep the shelf API

## Status

Accepted

## Context

The shelf is described in [the API](api.yaml) and its [missing twin](twin.yaml).

## Decision

Keep it.

## Consequences

None.
"""


async def test_a_referenced_file_changing_rechecks_the_specs_using_it(client: LanguageClient, tmp_path_factory):
    folder = tmp_path_factory.mktemp("shelf")
    (folder / "api.yaml").write_text(API)
    (folder / "schemas.yaml").write_text("Magazine: {type: object}\n")
    api = (folder / "api.yaml").as_uri()
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(folder.as_uri(), "shelf")], removed=[])
        )
    )
    assert "OAS101" in {d.code for d in (await published(client, api, lambda p: p.diagnostics)).diagnostics}
    # On disk: the schema appears and the spec that references it is re-checked.
    (folder / "schemas.yaml").write_text("Book: {type: object}\n")
    seen = len(client.published[api])
    notify_files(client, (folder / "schemas.yaml", types.FileChangeType.Changed))
    await published(client, api, lambda p: "OAS101" not in {d.code for d in p.diagnostics}, after=seen)
    # In the editor: the open spec is re-checked against the unsaved text of the schema file.
    uri = await open_document(client, folder / "api.yaml")
    assert "OAS101" not in {d.code for d in client.opened}
    schemas = (folder / "schemas.yaml").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(schemas, "yaml", 1, "Book: {type: object}\n"))
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=schemas, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="Novel: {type: object}\n")],
        )
    )
    if pulls(client):  # this client cannot be asked to refresh: it sees the change on its next pull
        for _ in range(100):
            if "OAS101" in {d.code for d in await diagnostics_of(client, uri, 1)}:
                break
            await asyncio.sleep(0.05)
        assert "OAS101" in {d.code for d in await diagnostics_of(client, uri, 1)}
    else:
        await published(client, uri, lambda p: "OAS101" in {d.code for d in p.diagnostics})


async def test_an_adr_is_rechecked_when_a_spec_it_links_appears(client: LanguageClient, tmp_path_factory):
    folder = tmp_path_factory.mktemp("decisions")
    (folder / "api.yaml").write_text(API.replace("$ref: 'schemas.yaml#/Book'", "type: array"))
    (folder / "0001-keep-the-shelf.md").write_text(ADR)
    adr = (folder / "0001-keep-the-shelf.md").as_uri()
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(folder.as_uri(), "adr")], removed=[])
        )
    )
    broken = await published(client, adr, lambda p: p.diagnostics)
    assert [d.code for d in broken.diagnostics if d.code == "ADR006"] == ["ADR006"]  # twin.yaml only
    (folder / "twin.yaml").write_text((folder / "api.yaml").read_text())
    seen = len(client.published[adr])
    notify_files(client, (folder / "twin.yaml", types.FileChangeType.Created))
    await published(client, adr, lambda p: "ADR006" not in {d.code for d in p.diagnostics}, after=seen)


async def test_pull_diagnostics_for_clients_that_pull(client: LanguageClient, workspace: Path):
    provider = client.init_result.capabilities.diagnostic_provider
    assert provider.inter_file_dependencies and not provider.workspace_diagnostics
    if not pulls(client):
        pytest.skip("this client takes pushed diagnostics (tested above)")
    uri = await open_document(client, workspace / "broken.yaml")
    first = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert first.kind == "full" and "OAS101" in {d.code for d in first.items}
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first.result_id
        )
    )
    assert again.kind == "unchanged" and again.result_id == first.result_id
    text = (workspace / "broken.yaml").read_text().replace("schemas/Itme", "schemas/Item")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    changed = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first.result_id
        )
    )
    assert changed.kind == "full" and "OAS101" not in {d.code for d in changed.items}
    pushed = client.published.get(uri, [])
    assert not pushed or not pushed[-1].diagnostics  # what the workspace scan pushed was cleared


async def test_settings_apply_and_invalid_ones_fall_back_with_a_warning(client: LanguageClient, workspace: Path):
    elsewhere = workspace / "from-settings"
    (elsewhere / "bookstore/routes").mkdir(parents=True, exist_ok=True)
    (elsewhere / "bookstore/routes/books.py").write_text("# mine\n")
    client.set_configuration(
        {"outputDir": "from-settings", "coverageThreshold": "abc", "auditBackend": "mongo", "colour": "red"},
        section="specloom",
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    for _ in range(100):
        if len(client.messages) >= 3:
            break
        await asyncio.sleep(0.05)
    warnings = [m.message for m in client.messages if m.type == types.MessageType.Warning]
    assert any("specloom.coverageThreshold" in w and "95.0" in w for w in warnings), warnings
    assert any("specloom.auditBackend" in w and "'sqlite'" in w for w in warnings), warnings
    assert any("specloom.colour" in w for w in warnings), warnings
    uri = await open_document(client, workspace / "bookstore.yaml")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(14, 5))
    )
    assert "`bookstore/routes/books.py` — " in hover.contents.value
    assert "exists, not generated by Specloom" in hover.contents.value


async def test_quick_fixes_for_operation_id_path_parameter_and_adr_section(client: LanguageClient, tmp_path):
    (tmp_path / "broken.yaml").write_text((EXAMPLES / "openapi/broken.yaml").read_text())
    uri = await open_document(client, tmp_path / "broken.yaml")
    titles = {}
    for code in ("OAS111", "OAS112"):
        diagnostic = next(d for d in client.opened if d.code == code)
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        titles[code] = [a.title for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert titles == {"OAS111": ["Add operationId 'createItem'"], "OAS112": ["Declare path parameter 'itemId'"]}
    adr = tmp_path / "0002-no-consequences.md"
    adr.write_text(ADR.split("## Consequences")[0].replace(" and its [missing twin](twin.yaml)", ""))
    adr_uri = await open_document(client, adr)
    missing = next(d for d in client.opened if d.code == "ADR001")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=adr_uri),
            range=missing.range,
            context=types.CodeActionContext(diagnostics=[missing]),
        )
    )
    [fix] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert fix.title == "Add '## Consequences' section"
    assert fix.edit.changes[adr_uri][0].new_text.startswith("## Consequences\n")


async def test_gate_failures_show_on_the_operations_and_a_passing_run_clears_them(
    client: LanguageClient, workspace: Path
):
    uri = await open_document(client, workspace / "bookstore.yaml")
    # The generated listBooks suite covers about 98% of its project: 100 is out of its reach.
    out = f"gated-{len(list(workspace.glob('gated-*')))}"  # one per client run
    client.set_configuration({"outputDir": out, "coverageThreshold": 100}, section="specloom")
    await settings_changed(client)
    run = types.ExecuteCommandParams(command="specloom.generate", arguments=[uri, "listBooks"])
    failed = await client.workspace_execute_command_async(run)
    assert failed["outcome"] == "gate_failed" and not (workspace / out).exists()
    gates = [d for d in await current_diagnostics(client, uri) if str(d.code).startswith("GATE-")]
    assert gates and {d.code for d in gates} == {"GATE-tests"}
    assert {d.range.start.line for d in gates} == {14}  # listBooks, whose tests fell short
    # which module falls short depends on the generated suite (bookstore documents its 401s since OAS117)
    assert any(re.match(r"tests gate: bookstore/\w+\.py:\d+: .*covered", d.message) for d in gates)
    client.set_configuration({"outputDir": out}, section="specloom")
    await settings_changed(client)
    passed = await client.workspace_execute_command_async(run)
    assert passed["outcome"] == "delivered", passed["message"]
    assert not [d for d in await current_diagnostics(client, uri) if str(d.code).startswith("GATE-")]


async def settings_changed(client: LanguageClient) -> None:
    """Tell the server its settings changed; a request after it is answered once they are fetched."""
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await client.workspace_execute_command_async(types.ExecuteCommandParams(command="specloom.listTemplates"))


async def current_diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    if pulls(client):
        return await diagnostics_of(client, uri, None)
    await asyncio.sleep(0.3)  # the publication follows the command's answer
    return client.published[uri][-1].diagnostics


async def test_an_adr_generates_through_the_ai_providers_in_settings(client: LanguageClient, workspace: Path):
    from tests.providers.answers import GOOD
    from tests.providers.wire_server import Reply, WireServer

    adr = workspace / "docs/adr/0003-rate-limiter.md"
    adr.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES / "adr/0003-rate-limiter.md", adr)
    with WireServer() as wire:
        wire.script("backup", Reply(GOOD))
        providers = {
            "primary": {"kind": "openai", "model": "m", "base_url": wire.base_url("openai", "primary"),
                        "api_key_env": "SPECLOOM_TEST_KEY_NOT_SET"},
            "backup": {"kind": "ollama", "model": "llama3", "base_url": wire.base_url("ollama", "backup")},
        }  # fmt: skip
        settings = {"providers": providers, "fallbackChain": ["primary", "backup"], "outputDir": "from-adr"}
        client.set_configuration(settings, section="specloom")
        await settings_changed(client)
        uri = await open_document(client, adr)
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="specloom.generate", arguments=[uri, None])
        )
    assert result["outcome"] == "delivered", result["message"]
    assert [(a["provider"], a["outcome"]) for a in result["attempts"]] == [("primary", "error"), ("backup", "ok")]
    assert "SPECLOOM_TEST_KEY_NOT_SET is not set" in result["attempts"][0]["error"]
    assert (workspace / "from-adr/ratelimit/bucket.py").is_file()
    reports = [p for values in client.progress_reports.values() for p in values]
    assert any(
        isinstance(p, types.WorkDoneProgressReport) and "backup" in (p.message or "") and "characters" in p.message
        for p in reports
    )
