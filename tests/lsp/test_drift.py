"""A generated file whose own spec elements changed gets one drift notice; the others get none."""

import asyncio
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from specloom.core.provenance import element_hashes
from specloom.core.source import SourceText
from specloom.core.specs.yamldoc import load_data
from specloom.delivery.manifest import FileRecord, Manifest, SpecInfo, sha256_text, write_manifest
from tests.core.test_navigation import API

GET_BOOK = "#/paths/~1books~1{id}/get"
API_KEY = "#/components/securitySchemes/api_key"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "specloom", "serve"]),
    params=["visual_studio_code", "neovim"],
)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("drift")
    (root / "api.yaml").write_text(API)
    (root / "specloom.toml").write_text('[identity]\nuser = "editor@example.com"\n')
    target = root / "generated"
    data = load_data(SourceText("api.yaml", API))[0]
    files = {"shelf/books.py": ("def get_book(): ...\n", GET_BOOK), "shelf/security.py": ("KEY = 'X-Key'\n", API_KEY)}
    records = {}
    for rel, (content, pointer) in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(content)
        records[rel] = FileRecord(sha256_text(content), "template:test@1", content, element_hashes(data, [pointer]))
    (target / ".specloom").mkdir()
    write_manifest(target, Manifest(SpecInfo(str(root / "api.yaml"), "h"), {"test": "1"}, "now", records))
    lsp_client.root, lsp_client.published = root, {}
    push = lsp_client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        lsp_client.published.setdefault(params.uri, []).append(params)
        push(params)

    lsp_client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        """VS Code accepts the file watchers; nothing here needs them."""

    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities(request.param), root_uri=root.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


def open_file(client: LanguageClient, path: Path, language: str) -> str:
    uri = path.as_uri()
    item = types.TextDocumentItem(uri=uri, language_id=language, version=1, text=path.read_text())
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    return uri


async def codes_after(client: LanguageClient, uri: str, pushes_before: int) -> set[str]:
    """The document's diagnostic codes once it was re-checked after `pushes_before` publications."""
    if client.capabilities.text_document.diagnostic is not None:  # the server waits for its current analysis
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return {d.code for d in report.items}
    for _ in range(400):
        if len(client.published.get(uri, [])) > pushes_before:
            return {d.code for d in client.published[uri][-1].diagnostics}
        await asyncio.sleep(0.05)
    raise AssertionError(f"{uri} was not re-checked")


async def until_drift(client: LanguageClient, uri: str) -> None:
    for _ in range(200):
        if "GEN001" in await codes_after(client, uri, 0):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no drift notice")


async def test_only_files_whose_sources_changed_get_the_drift_notice(client: LanguageClient):
    root = client.root
    spec = open_file(client, root / "api.yaml", "yaml")
    books = open_file(client, root / "generated/shelf/books.py", "python")
    security = open_file(client, root / "generated/shelf/security.py", "python")
    assert "GEN001" not in await codes_after(client, books, 0)
    assert "GEN001" not in await codes_after(client, security, 0)
    pushed = len(client.published.get(security, []))
    where = API.split("\n").index("          description: ok")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=spec, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(where, 23), types.Position(where, 25)), text="found"
                )
            ],
        )
    )
    await until_drift(client, books)
    assert "GEN001" not in await codes_after(client, security, pushed)


async def test_a_generated_file_has_lenses_back_to_its_spec_elements(client: LanguageClient):
    root = client.root
    books = open_file(client, root / "generated/shelf/books.py", "python")
    lenses = []
    for _ in range(200):  # the lenses come from the file's analysis, which runs after the open
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(books)))
        if lenses:
            break
        await asyncio.sleep(0.05)
    get_line = API.split("\n").index("    get:")
    [lens] = lenses
    assert lens.command.title == f"from GET /books/{{id}} in api.yaml:{get_line + 1}"
    assert lens.command.command == "specloom.openSpec"
    assert list(lens.command.arguments[:2]) == [(root / "api.yaml").as_uri(), get_line]
