"""Navigation and editing through a real LSP client, with VS Code's and Neovim's capabilities, across files."""

import asyncio
import json
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.core.test_navigation import API, OTHER, SCHEMAS, apply, at

ADR = """\
# 1. Use a shelf API

## Status

Accepted

## Context

The API is [the shelf spec](../../api.yaml).

## Decision

We serve it.

## Consequences

None.
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("navigation")
    (root / "api.yaml").write_text(API)
    (root / "schemas.yaml").write_text(SCHEMAS)
    (root / "other.json").write_text(json.dumps(OTHER, indent=2))
    (root / "schema.graphql").write_text("type Book {\n  author: Author\n}\n\ntype Author {\n  name: String\n}\n")
    (root / "docs/adr").mkdir(parents=True)
    (root / "docs/adr/0001-use-a-shelf-api.md").write_text(ADR)
    (root / "specloom.toml").write_text('[identity]\nuser = "editor@example.com"\n')
    return root


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "specloom", "serve"]),
    params=["visual_studio_code", "neovim"],
)
async def client(request, lsp_client: LanguageClient, workspace: Path):
    lsp_client.published = {}
    push = lsp_client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        lsp_client.published.setdefault(params.uri, []).append(params)
        push(params)

    lsp_client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    lsp_client.init_result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="navigation")],
        )
    )
    # The workspace scan has read the specs on disk once other.json (the last spec) is published.
    for _ in range(400):
        if (workspace / "other.json").as_uri() in lsp_client.published:
            break
        await asyncio.sleep(0.05)
    yield
    await lsp_client.shutdown_session()


def open_text(client: LanguageClient, path: Path, text: str | None = None, language: str = "yaml") -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text or path.read_text())
        )
    )
    return uri


def lsp(pos) -> types.Position:
    return types.Position(pos.line, pos.character)


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def test_definition_of_a_ref_into_a_sibling_file(client: LanguageClient, workspace: Path):
    uri = open_text(client, workspace / "api.yaml")
    found = await client.text_document_definition_async(
        types.DefinitionParams(doc(uri), lsp(at(API, "schemas.yaml#", 3)))
    )
    [location] = found
    assert location.uri == (workspace / "schemas.yaml").as_uri()
    assert location.range.start == types.Position(2, 4)  # the `Book:` key


async def test_definition_in_a_json_spec_and_of_a_graphql_type(client: LanguageClient, workspace: Path):
    text = (workspace / "other.json").read_text()
    uri = open_text(client, workspace / "other.json", language="json")
    [location] = await client.text_document_definition_async(
        types.DefinitionParams(doc(uri), lsp(at(text, "schemas.yaml#", 2)))
    )
    assert location.uri == (workspace / "schemas.yaml").as_uri() and location.range.start.line == 2
    sdl = (workspace / "schema.graphql").read_text()
    uri = open_text(client, workspace / "schema.graphql", language="graphql")
    [location] = await client.text_document_definition_async(
        types.DefinitionParams(doc(uri), lsp(at(sdl, "Author", 1)))
    )
    assert location.range.start == lsp(at(sdl, "Author", nth=1))


async def test_definition_of_an_adr_link_and_completion_of_its_status(client: LanguageClient, workspace: Path):
    uri = open_text(client, workspace / "docs/adr/0001-use-a-shelf-api.md", language="markdown")
    [location] = await client.text_document_definition_async(
        types.DefinitionParams(doc(uri), lsp(at(ADR, "../../api.yaml", 3)))
    )
    assert location.uri == (workspace / "api.yaml").as_uri()
    text = ADR.replace("Accepted", "Rej")
    uri = open_text(client, workspace / "docs/adr/0002-draft.md", text, language="markdown")
    result = await client.text_document_completion_async(types.CompletionParams(doc(uri), lsp(at(text, "Rej", 3))))
    assert [item.label for item in result.items] == ["rejected"]


async def test_references_of_a_schema_in_every_file(client: LanguageClient, workspace: Path):
    uri = open_text(client, workspace / "schemas.yaml")
    found = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=True),
            text_document=doc(uri),
            position=lsp(at(SCHEMAS, "Book:", 1)),
        )
    )
    assert sorted(Path(loc.uri).name for loc in found) == ["api.yaml", "other.json", "schemas.yaml"]


async def test_rename_edits_three_files_in_one_workspace_edit(client: LanguageClient, workspace: Path):
    uri = open_text(client, workspace / "schemas.yaml")
    where = lsp(at(SCHEMAS, "Book:", 2))
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(doc(uri), where))
    assert prepared.placeholder == "Book"
    edit = await client.text_document_rename_async(types.RenameParams(doc(uri), where, new_name="Volume"))
    assert sorted(Path(u).name for u in edit.changes) == ["api.yaml", "other.json", "schemas.yaml"]
    api_edits = edit.changes[(workspace / "api.yaml").as_uri()]
    renamed = apply(API, [_core_edit(e) for e in api_edits])
    assert "'schemas.yaml#/components/schemas/Volume'" in renamed


async def test_rename_is_refused_where_nothing_can_be_renamed(client: LanguageClient, workspace: Path):
    uri = open_text(client, workspace / "api.yaml")
    with pytest.raises(JsonRpcException, match="can be renamed"):
        await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(doc(uri), lsp(at(API, "description: ok", 3)))
        )


async def test_completion_offers_refs_in_sibling_files(client: LanguageClient, workspace: Path):
    text = API.replace("        - $ref: '#/components/parameters/BookId'", "        - $ref: '")
    uri = open_text(client, workspace / "api.yaml", text)
    result = await client.text_document_completion_async(types.CompletionParams(doc(uri), lsp(at(text, "$ref: '", 7))))
    labels = [item.label for item in result.items]
    assert "#/components/parameters/BookId" in labels
    assert "schemas.yaml#/components/schemas/Author" in labels


async def test_symbols_folds_and_unresolved_refs(client: LanguageClient, workspace: Path):
    text = API.replace("#/components/parameters/BookId", "#/components/parameters/BookID")
    uri = open_text(client, workspace / "api.yaml", text)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(doc(uri)))
    names = {s.name: s for s in symbols}
    assert "/books/{id}" in names and "GET /books/{id}" in {c.name for c in names["/books/{id}"].children}
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(doc(uri)))
    assert any(f.start_line == at(text, "paths:").line for f in folds)
    tokens = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(doc(uri)))
    where = at(text, "'#/components/parameters/BookID'")  # the value as written, quotes too
    assert list(tokens.data) == [where.line, where.character, len("'#/components/parameters/BookID'"), 0, 0]
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="shelf"))
    assert [s.name for s in found] == ["Shelf"]


async def test_half_typed_documents_get_answers_from_every_request(client: LanguageClient, workspace: Path):
    text = API.replace("      responses:\n", "      responses:\n        '4\n   : [ {\n", 1)
    uri = open_text(client, workspace / "api.yaml", text)
    pos = lsp(at(text, "'4", 2))
    assert (await client.text_document_completion_async(types.CompletionParams(doc(uri), pos))) is not None
    assert list(await client.text_document_definition_async(types.DefinitionParams(doc(uri), pos))) == []
    context = types.ReferenceContext(include_declaration=True)
    found = await client.text_document_references_async(
        types.ReferenceParams(context=context, text_document=doc(uri), position=pos)
    )
    assert list(found) == []
    assert await client.text_document_document_symbol_async(types.DocumentSymbolParams(doc(uri))) is not None
    assert await client.text_document_folding_range_async(types.FoldingRangeParams(doc(uri))) is not None
    [location] = await client.text_document_definition_async(
        types.DefinitionParams(doc(uri), lsp(at(text, "#/components/parameters/BookId", 5)))
    )
    assert location.uri == uri


def _core_edit(edit: types.TextEdit):
    from specloom.core.findings import Range, TextEdit

    r = edit.range
    return TextEdit(Range.of(r.start.line, r.start.character, r.end.line, r.end.character), edit.new_text)
