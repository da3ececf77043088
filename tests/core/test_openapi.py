from pathlib import Path

import pytest

from specloom.core.findings import Severity
from specloom.core.source import SourceText, read_source
from specloom.core.specs.openapi import derive_operation_id, parse_openapi
from tests.helpers import EXAMPLES, codes_at, openapi_from_text


def parse_example(relative: str):
    source, problems = read_source(EXAMPLES / relative)
    assert source is not None, problems
    return parse_openapi(source)


def apply_fix(text: str, fix) -> str:
    source = SourceText("x", text)
    for edit in sorted(fix.edits, key=lambda e: e.range.start, reverse=True):
        start, end = source.offset(edit.range.start), source.offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def test_broken_spec_reports_each_planted_defect_at_its_own_line():
    spec = parse_example("openapi/broken.yaml")
    assert codes_at(spec, "OAS101") == [(15, 23)]
    assert codes_at(spec, "OAS110") == [(8, 20), (18, 20)]
    assert codes_at(spec, "OAS112") == [(6, 10)]
    assert codes_at(spec, "OAS114") == [(19, 7)]
    assert codes_at(spec, "OAS111") == [(20, 5)]
    assert codes_at(spec, "SEC002") == [(21, 16)]
    assert codes_at(spec, "SEC001") == [(40, 20)]
    typo = next(f for f in spec.findings if f.code == "OAS101")
    assert "Did you mean Item" in typo.suggestion


def test_duplicate_operation_id_points_at_the_other_declaration():
    spec = parse_example("openapi/broken.yaml")
    first, second = sorted((f for f in spec.findings if f.code == "OAS110"), key=lambda f: f.range.start)
    assert [r.location.range.start.line + 1 for r in first.related] == [18]
    assert [r.location.range.start.line + 1 for r in second.related] == [8]


def test_ref_typo_fix_replaces_only_the_misspelled_name():
    spec = parse_example("openapi/broken.yaml")
    typo = next(f for f in spec.findings if f.code == "OAS101")
    fixed = apply_fix(spec.source.text, typo.fix)
    assert "$ref: '#/components/schemas/Item'" in fixed
    assert not [f for f in parse_openapi(SourceText("b.yaml", fixed)).findings if f.code == "OAS101"]


def test_missing_operation_id_fix_adds_the_derived_id():
    spec = parse_example("openapi/broken.yaml")
    missing = next(f for f in spec.findings if f.code == "OAS111")
    assert "createItem" in missing.message
    fixed = parse_openapi(SourceText("b.yaml", apply_fix(spec.source.text, missing.fix)))
    assert not [f for f in fixed.findings if f.code == "OAS111"]
    assert fixed.operation("createItem").method == "post"


def test_undeclared_path_parameter_fix_declares_it():
    spec = parse_example("openapi/broken.yaml")
    finding = next(f for f in spec.findings if f.code == "OAS112")
    assert finding.range.end.character - finding.range.start.character == len("{itemId}")
    fixed = parse_openapi(SourceText("b.yaml", apply_fix(spec.source.text, finding.fix)))
    assert not [f for f in fixed.findings if f.code in ("OAS112", "OAS100")]


@pytest.mark.parametrize(
    "name", ["bookstore.yaml", "public/petstore.yaml", "public/petstore-expanded.yaml", "public/plaid-2020-09-14.yml"]
)
def test_real_specs_have_no_errors(name):
    spec = parse_example(f"openapi/{name}")
    errors = [f"{f.code} {f.range.start.line + 1}: {f.message}" for f in spec.findings if f.severity is Severity.ERROR]
    assert errors == []


def test_bookstore_operations_are_indexed_with_merged_path_parameters():
    spec = parse_example("openapi/bookstore.yaml")
    assert [op.operation_id for op in spec.operations] == [
        "listBooks",
        "createBook",
        "getBook",
        "replaceBook",
        "deleteBook",
        "listAuthors",
        "createAuthor",
        "getAuthor",
    ]
    get_book = spec.operation("getBook")
    assert [(p.name, p.location, p.required) for p in get_book.parameters] == [("bookId", "path", True)]
    assert get_book.parameters[0].schema["format"] == "uuid"
    assert spec.range_of(get_book.pointer).start.line + 1 == 58


def test_every_element_range_starts_on_the_line_that_names_it():
    spec = parse_example("openapi/bookstore.yaml")
    lines = spec.source.text.split("\n")
    elements = spec.elements()
    assert {e.kind for e in elements} >= {"operation", "parameter", "requestBody", "response", "schema", "property"}
    for element in elements:
        line = lines[element.selection_range.start.line]
        last = element.pointer.rsplit("/", 1)[-1].replace("~1", "/")
        assert last in line or line.lstrip().startswith("-"), (element, line)


def test_swagger_before_2_0_is_reported_as_unsupported_with_the_conversion_command():
    spec = openapi_from_text('swagger: "1.2"\ninfo: {title: x, version: "1"}\npaths: {}\n')
    [finding] = spec.findings
    assert finding.code == "OAS001" and "swagger2openapi" in finding.suggestion


def test_swagger_2_0_is_read_through_its_conversion():
    spec = openapi_from_text('swagger: "2.0"\ninfo: {title: x, version: "1"}\npaths: {}\n')
    assert [f.code for f in spec.findings] == ["OAS003"] and spec.version == "3.0"


def test_openapi_3_1_with_type_lists_validates():
    spec = openapi_from_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n"
        "              schema: {type: [string, 'null']}\n"
    )
    assert spec.version == "3.1"
    assert [f for f in spec.findings if f.severity is Severity.ERROR] == []


def test_schema_violation_is_mapped_to_the_offending_key():
    spec = openapi_from_text("openapi: 3.0.3\ninfo:\n  title: T\n  version: 1.0\npaths: {}\n")
    [finding] = [f for f in spec.findings if f.code == "OAS100"]
    assert (finding.range.start.line, finding.range.start.character) == (3, 2)
    assert "string" in finding.message


def test_relative_file_refs_resolve_and_report_inside_the_referenced_file(tmp_path: Path):
    (tmp_path / "schemas.yaml").write_text(
        "Pet:\n  type: object\n  properties:\n    owner:\n      $ref: '#/Ownr'\nOwner:\n  type: string\n"
    )
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n"
        "              schema:\n                $ref: 'schemas.yaml#/Pet'\n"
    )
    source, _ = read_source(tmp_path / "api.yaml")
    spec = parse_openapi(source)
    [finding] = [f for f in spec.findings if f.code == "OAS101"]
    assert finding.path.endswith("schemas.yaml")
    assert (finding.range.start.line, "Owner" in finding.message) == (4, True)


def test_missing_referenced_file_is_named():
    spec = openapi_from_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    A:\n      $ref: 'nowhere.yaml#/A'\n"
    )
    [finding] = [f for f in spec.findings if f.code == "OAS103"]
    assert "nowhere.yaml" in finding.message and finding.range.start.line == 6


def test_ref_cycle_is_reported_but_recursive_schemas_are_fine():
    spec = openapi_from_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n"
        "    Node:\n      type: object\n      properties:\n        children:\n          type: array\n"
        "          items:\n            $ref: '#/components/schemas/Node'\n"
    )
    assert sorted(f.range.start.line for f in spec.findings if f.code == "OAS102") == [6, 8]
    assert not [f for f in spec.findings if f.code == "OAS101"]


def test_declared_path_parameter_missing_from_template():
    spec = openapi_from_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n"
        "      parameters:\n        - name: id\n          in: path\n          required: true\n"
        "          schema: {type: string}\n      responses:\n        '200': {description: ok}\n"
    )
    assert codes_at(spec, "OAS113") == [(8, 9)]


def test_request_body_without_schema_is_a_warning():
    spec = openapi_from_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: a\n"
        "      requestBody:\n        content:\n          application/json: {}\n      responses:\n"
        "        '204': {description: ok}\n"
    )
    [finding] = [f for f in spec.findings if f.code == "OAS115"]
    assert finding.severity is Severity.WARNING and finding.range.start.line == 8


def test_plain_http_server_is_flagged_but_localhost_is_not():
    spec = openapi_from_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\nservers:\n  - url: http://api.example.com\n"
        "  - url: http://localhost:8000\npaths: {}\n"
    )
    assert codes_at(spec, "SEC003") == [(4, 10)]


def test_json_specs_are_located_too():
    text = (
        '{\n  "openapi": "3.0.3",\n  "info": {"title": "T", "version": "1"},\n  "paths": {\n    "/a/{id}": {\n'
        '      "get": {"operationId": "a", "responses": {"200": {"description": "ok"}}}\n    }\n  }\n}\n'
    )
    spec = openapi_from_text(text, "spec.json")
    [finding] = [f for f in spec.findings if f.code == "OAS112"]
    assert finding.range.start.line == 4


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/books", "listBooks"),
        ("get", "/books/{bookId}", "getBook"),
        ("post", "/books", "createBook"),
        ("delete", "/books/{id}", "deleteBook"),
        ("patch", "/libraries/{id}", "updateLibrary"),
        ("post", "/authors/{authorId}/books", "createAuthorBook"),
        ("head", "/health", "headHealth"),
    ],
)
def test_derived_operation_ids_read_naturally(method, path, expected):
    assert derive_operation_id(method, path, set()) == expected


def test_derived_operation_ids_never_collide():
    assert derive_operation_id("get", "/books", {"listBooks"}) == "listBooks2"


def test_closed_allof_member_that_rejects_its_siblings_properties_is_a_warning():
    spec = openapi_from_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Input:\n      type: object\n      additionalProperties: false\n      properties:\n"
        "        label: {type: string}\n    Shelf:\n      allOf:\n        - $ref: '#/components/schemas/Input'\n"
        "        - type: object\n          properties:\n            id: {type: integer}\n"
    )
    [finding] = [f for f in spec.findings if f.code == "OAS116"]
    assert finding.severity is Severity.WARNING and "`id`" in finding.message and finding.range.start.line == 12


_SECURED = """\
openapi: 3.0.3
info: {title: t, version: '1'}
security:
  - bearer: []
paths:
  /books:
    get:
      operationId: listBooks
      responses:
        '200':
          description: OK
    post:
      operationId: createBook
      security: []
      responses:
        '201':
          description: Created
        '401':
          description: Unauthorized
  /health:
    get:
      operationId: health
      security: [{}, {bearer: []}]
      responses:
        '200':
          description: OK
  /admin:
    get:
      operationId: admin
      responses:
        default:
          description: Any error
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
"""


def test_secured_operation_without_401_is_warned_and_the_fix_adds_one():
    spec = openapi_from_text(_SECURED)
    missing = [f for f in spec.findings if f.code == "OAS117"]
    # optional auth (`{}` beside bearer) and a `default` response document the 401 well enough
    assert [(f.pointer, f.severity) for f in missing] == [("#/paths/~1books/get/responses", Severity.WARNING)]
    assert "document's `security`" in missing[0].message
    fixed_text = apply_fix(spec.source.text, missing[0].fix)
    assert "        '200':\n          description: OK\n        '401':\n          description: Missing" in fixed_text
    fixed = openapi_from_text(fixed_text)
    assert not [f for f in fixed.findings if f.code in ("OAS117", "OAS100", "SYN001")]
    assert "401" in fixed.operation("listBooks").responses


def test_401_on_an_operation_that_asks_for_no_credentials_is_warned():
    spec = openapi_from_text(_SECURED)
    unsecured = [f for f in spec.findings if f.code == "OAS118"]
    assert [f.pointer for f in unsecured] == ["#/paths/~1books/post/responses/401"]
    assert "`security: []`" in unsecured[0].message
    assert codes_at(spec, "OAS118") == [(18, 9)]


def test_403_without_any_security_is_warned_and_its_own_security_silences_401_warning():
    text = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: a
      responses:
        '200': {description: OK}
        '403': {description: Forbidden}
    put:
      operationId: b
      security: [{key: []}]
      responses:
        '200': {description: OK}
        '401': {description: Unauthorized}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
"""
    spec = openapi_from_text(text)
    assert [f.pointer for f in spec.findings if f.code in ("OAS117", "OAS118")] == ["#/paths/~1a/get/responses/403"]
    assert "no `security` applies" in next(f for f in spec.findings if f.code == "OAS118").message


def test_no_success_response_fix_adds_a_200():
    text = (
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n"
        "      responses:\n        '404':\n          description: missing\n"
    )
    finding = next(f for f in openapi_from_text(text).findings if f.code == "OAS114")
    fixed = openapi_from_text(apply_fix(text, finding.fix))
    assert not [f for f in fixed.findings if f.code in ("OAS114", "OAS100", "SYN001")]
    assert set(fixed.operation("getA").responses) == {"200", "404"}


def test_plain_http_server_fix_switches_to_https():
    text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nservers:\n  - url: 'http://api.example.com/v1'\npaths: {}\n"
    finding = next(f for f in openapi_from_text(text).findings if f.code == "SEC003")
    fixed = apply_fix(text, finding.fix)
    assert "url: 'https://api.example.com/v1'" in fixed
    assert not [f for f in openapi_from_text(fixed).findings if f.code == "SEC003"]
