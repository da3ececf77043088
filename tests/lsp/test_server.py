"""The language server through a real LSP client (pytest-lsp), with VS Code's and Neovim's capabilities."""

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Union

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.helpers import EXAMPLES


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
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def open_document(client: LanguageClient, path: Path) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=path.read_text())
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def test_diagnostics_carry_code_source_link_and_place(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "broken.yaml")
    by_code = {d.code: d for d in client.diagnostics[uri]}
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
    assert "python-fastapi@1.0.0" in hover.contents.value


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
    typo = next(d for d in client.diagnostics[uri] if d.code == "OAS101")
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
    assert any(isinstance(a, types.CodeAction) and a.title.startswith("Generate implementation") for a in actions)


async def test_edits_republish_with_the_new_version(client: LanguageClient, workspace: Path):
    uri = await open_document(client, workspace / "broken.yaml")
    text = (workspace / "broken.yaml").read_text().replace("schemas/Itme", "schemas/Item")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    for _ in range(5):
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri and params.version == 2:
            break
    assert params.version == 2
    assert "OAS101" not in {d.code for d in params.diagnostics}


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
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=121, character=5)
        )
    )
    assert "generated, unchanged" in hover.contents.value


def test_a_request_with_unconvertible_params_is_answered():
    # A raw client: pygls' own client cannot even send such a request.
    server = subprocess.Popen(
        [sys.executable, "-m", "specloom", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )

    def send(message: dict) -> None:
        body = json.dumps(message).encode()
        server.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        server.stdin.flush()

    def receive() -> dict:
        length = 0
        while line := server.stdout.readline().strip():
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(server.stdout.read(length))

    try:
        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        while receive().get("id") != 1:
            pass
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": 5}})
        answer = receive()
        while answer.get("id") != 2:
            answer = receive()
        assert answer["error"]["code"] == -32602  # Invalid Params, and an answer at all
        send({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
        while receive().get("id") != 3:
            pass
    finally:
        server.kill()
        server.wait()


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
    assert {"ref": "python-fastapi@1.0.0", "language": "python", "framework": "fastapi"} in result["packs"]


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
    while token is None:
        await client.wait_for_notification(types.PROGRESS)
        token = next(
            (
                t
                for t, reports in client.progress_reports.items()
                if any(
                    isinstance(r, types.WorkDoneProgressReport) and r.message.startswith("validate") for r in reports
                )
            ),
            None,
        )
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await task
    (workspace / "specloom.toml").write_text('[identity]\nuser = "editor@example.com"\n')
    assert result["outcome"] == "cancelled"
    assert not target.exists()
    audit = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="specloom.showAudit", arguments=[5])
    )
    assert audit[0]["outcome"] == "cancelled"
