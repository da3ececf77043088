"""Navigation over texts: the cursor's place, definitions, references and renames across `$ref`'d files."""

import json
import os

import pytest

from specloom.core.completion import complete
from specloom.core.cursor import json_cursor, yaml_cursor
from specloom.core.findings import Position
from specloom.core.navigation import definition, folding_ranges, prepare_rename, references, rename, symbol_at

API = """\
openapi: 3.1.0
info: {title: Shelf, version: '1'}
security:
  - api_key: []
paths:
  /books/{id}:
    get:
      operationId: getBook
      parameters:
        - $ref: '#/components/parameters/BookId'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'schemas.yaml#/components/schemas/Book'
          links:
            self:
              operationId: getBook
components:
  parameters:
    BookId:
      name: id
      in: path
      required: true
      schema: {type: string}
  securitySchemes:
    api_key:
      type: apiKey
      in: header
      name: X-Key
"""
SCHEMAS = """\
components:
  schemas:
    Book:
      type: object
      properties:
        author:
          $ref: '#/components/schemas/Author'
    Author:
      type: object
"""
OTHER = {
    "openapi": "3.1.0",
    "info": {"title": "Other", "version": "1"},
    "paths": {},
    "components": {"schemas": {"Shelf": {"type": "array", "items": {"$ref": "schemas.yaml#/components/schemas/Book"}}}},
}


@pytest.fixture
def files(tmp_path) -> dict[str, str]:
    texts = {
        str(tmp_path / "api.yaml"): API,
        str(tmp_path / "schemas.yaml"): SCHEMAS,
        str(tmp_path / "other.json"): json.dumps(OTHER, indent=2),
    }
    return {os.path.abspath(p): t for p, t in texts.items()}


def at(text: str, needle: str, offset: int = 0, nth: int = 0) -> Position:
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    before = text[: index + offset]
    return Position(before.count("\n"), len(before) - before.rfind("\n") - 1)


def path_of(files, name: str) -> str:
    return next(p for p in files if p.endswith(name))


def test_the_cursor_knows_its_key_path_in_yaml_even_in_sequences():
    lines = API.split("\n")
    where = at(API, "in: path")
    cursor = yaml_cursor(lines, where.line, where.character + 1)
    assert cursor.parts == ("components", "parameters", "BookId") and cursor.key == "in" and not cursor.in_value
    where = at(API, "api_key: []")
    assert yaml_cursor(lines, where.line, where.character + 2).parts == ("security", "0")
    where = at(API, "$ref: 'schemas")
    cursor = yaml_cursor(lines, where.line, where.character + 12)
    assert cursor.path[-3:] == ("application/json", "schema", "$ref") and cursor.in_value


def test_the_cursor_in_half_typed_json():
    text = '{"paths": {"/b": {"get": {"responses": {"200": {"$ref": "#/compo'
    cursor = json_cursor(text, len(text))
    assert cursor.parts == ("paths", "/b", "get", "responses", "200") and cursor.key == "$ref"
    assert cursor.in_value and cursor.prefix == "#/compo"


def test_definition_of_a_ref_into_a_sibling_file_lands_on_the_key(files):
    api = path_of(files, "api.yaml")
    [found] = definition(api, API, at(API, "schemas.yaml#", 3), files)
    assert found.path == path_of(files, "schemas.yaml")
    assert (found.range.start.line, found.range.start.character) == (2, 4)  # `Book:`


def test_definition_of_a_local_ref_and_of_an_operation_id_in_a_link(files):
    api = path_of(files, "api.yaml")
    [found] = definition(api, API, at(API, "#/components/parameters/BookId", 5), files)
    assert found.path == api and found.range.start == at(API, "BookId:")
    [declared] = definition(api, API, at(API, "operationId: getBook", 15, nth=1), files)
    assert declared.range.start == at(API, "getBook")


def test_references_of_a_schema_across_yaml_and_json(files):
    schemas = path_of(files, "schemas.yaml")
    symbol = symbol_at(schemas, SCHEMAS, at(SCHEMAS, "Book:", 1))
    found = references(symbol, files, include_declaration=False)
    assert sorted(os.path.basename(loc.path) for loc in found) == ["api.yaml", "other.json"]
    with_declaration = references(symbol, files, include_declaration=True)
    assert len(with_declaration) == 3


def test_references_of_a_security_scheme_include_its_requirements(files):
    api = path_of(files, "api.yaml")
    symbol = symbol_at(api, API, at(API, "api_key:", 1, nth=1))
    found = references(symbol, files, include_declaration=False)
    assert [loc.range.start for loc in found] == [at(API, "api_key")]


def test_rename_of_a_component_edits_three_files(files):
    schemas = path_of(files, "schemas.yaml")
    result = rename(schemas, SCHEMAS, at(SCHEMAS, "Book:", 2), "Volume", files)
    assert not result.refused and len(result.edits) == 3
    renamed = {os.path.basename(p): apply(files[p], edits) for p, edits in result.edits.items()}
    assert "    Volume:\n" in renamed["schemas.yaml"]
    assert "'schemas.yaml#/components/schemas/Volume'" in renamed["api.yaml"]
    assert json.loads(renamed["other.json"])["components"]["schemas"]["Shelf"]["items"] == {
        "$ref": "schemas.yaml#/components/schemas/Volume"
    }


def test_rename_from_a_ref_and_of_an_operation_id(files):
    api = path_of(files, "api.yaml")
    result = rename(api, API, at(API, "BookId'", 2), "BookKey", files)
    assert apply(API, result.edits[api]).count("BookKey") == 2
    result = rename(api, API, at(API, "getBook", 1), "readBook", files)
    assert apply(API, result.edits[api]).count("operationId: readBook") == 2


def test_rename_refuses_what_it_cannot_do(files):
    api = path_of(files, "api.yaml")
    assert isinstance(prepare_rename(api, API, at(API, "description: ok", 3)), str)
    assert rename(api, API, at(API, "BookId'", 2), "has space", files).refused
    schemas = path_of(files, "schemas.yaml")
    assert "already exists" in rename(schemas, SCHEMAS, at(SCHEMAS, "Book:", 1), "Author", files).refused
    where, name = prepare_rename(schemas, SCHEMAS, at(SCHEMAS, "Book:", 1))
    assert name == "Book" and where.start == at(SCHEMAS, "Book:")


def test_half_typed_documents_get_answers(files):
    api = path_of(files, "api.yaml")
    broken = API.replace("      responses:\n", "      responses:\n        '4\n   : [\n", 1)
    [found] = definition(api, broken, at(broken, "#/components/parameters/BookId", 5), files)
    assert found.path == api
    assert complete(api, broken, at(broken, "'4", 2), lambda: {}) is not None


def test_completion_of_refs_status_codes_media_types_keys_and_schemes(files, tmp_path):
    api = path_of(files, "api.yaml")
    names = {
        api: {"parameters": ["BookId"], "securitySchemes": ["api_key"]},
        path_of(files, "schemas.yaml"): {"schemas": ["Book", "Author"]},
    }
    text = API.replace("        - $ref: '#/components/parameters/BookId'", "        - $ref: '")
    labels = [c.label for c in complete(api, text, at(text, "$ref: '", 7), lambda: names)]
    assert labels[0] == "#/components/parameters/BookId" and "schemas.yaml#/components/schemas/Book" in labels
    text = API.replace("        '200':\n", "        '200':\n        4\n", 1)
    codes = [c.label for c in complete(api, text, at(text, "        4", 9), lambda: names)]
    assert "404" in codes and "401" in codes
    text = API.replace("            application/json:\n", "            application/json:\n            app\n", 1)
    media = [c.label for c in complete(api, text, at(text, "            app\n", 15), lambda: names)]
    assert "application/problem+json" in media
    text = API.replace("      operationId: getBook\n", "      operationId: getBook\n      de\n", 1)
    keys = [c.label for c in complete(api, text, at(text, "      de\n", 8), lambda: names)]
    assert "deprecated" in keys and "description" in keys and "operationId" not in keys
    text = API.replace("  - api_key: []\n", "  - \n", 1)
    schemes = [c.insert for c in complete(api, text, at(text, "  - \n", 4), lambda: names)]
    assert schemes == ["api_key: []"]


def test_completion_of_adr_statuses():
    text = "# 1. Use queues\n\n## Status\n\nacc\n\n## Context\n"
    items = complete("/w/docs/adr/0001-use-queues.md", text, Position(4, 3), lambda: {}, "adr")
    assert [c.label for c in items] == ["accepted"]


def test_folding_follows_yaml_indentation():
    folds = folding_ranges(SCHEMAS.split("\n"), "openapi", "schemas.yaml")
    assert (0, 8) in folds and (2, 6) in folds and (5, 6) in folds


def apply(text: str, edits) -> str:
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: e.range.start, reverse=True):
        start, end = edit.range.start, edit.range.end
        line = lines[start.line]
        lines[start.line] = line[: start.character] + edit.new_text + lines[end.line][end.character :]
    return "\n".join(lines)
