"""Completion for specs at a cursor, from the text around it (documents are half typed while completing).

OpenAPI: `$ref` targets in the file and in sibling files, status codes, media types, the keys an
object may have where the cursor is (per the OpenAPI 3.x object definitions), security scheme
names and enum-like values; ADRs: statuses.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from specloom.core.cursor import Cursor
from specloom.core.findings import Position
from specloom.core.navigation import cursor_at, is_json, lines_of

_OPERATION = [
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
]
_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
_SCHEMA = [
    "type",
    "format",
    "title",
    "description",
    "default",
    "enum",
    "const",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "nullable",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "discriminator",
    "xml",
    "externalDocs",
    "deprecated",
    "$ref",
]
# Object -> the fixed fields OpenAPI 3.0/3.1 allows in it.
OBJECT_KEYS: dict[str, list[str]] = {
    "root": [
        "openapi",
        "info",
        "jsonSchemaDialect",
        "servers",
        "paths",
        "webhooks",
        "components",
        "security",
        "tags",
        "externalDocs",
    ],
    "info": ["title", "summary", "description", "termsOfService", "contact", "license", "version"],
    "pathItem": ["$ref", "summary", "description", *_METHODS, "servers", "parameters"],
    "operation": _OPERATION,
    "components": [
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
    ],
    "parameter": [
        "name",
        "in",
        "description",
        "required",
        "deprecated",
        "allowEmptyValue",
        "style",
        "explode",
        "allowReserved",
        "schema",
        "example",
        "examples",
        "content",
    ],
    "requestBody": ["description", "content", "required"],
    "response": ["description", "headers", "content", "links"],
    "mediaType": ["schema", "example", "examples", "encoding"],
    "securityScheme": ["type", "description", "name", "in", "scheme", "bearerFormat", "flows", "openIdConnectUrl"],
    "schema": _SCHEMA,
    "server": ["url", "description", "variables"],
    "tag": ["name", "description", "externalDocs"],
}
STATUS_CODES = {
    "200": "OK",
    "201": "Created",
    "202": "Accepted",
    "204": "No Content",
    "301": "Moved Permanently",
    "304": "Not Modified",
    "400": "Bad Request",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "Not Found",
    "409": "Conflict",
    "422": "Unprocessable Content",
    "429": "Too Many Requests",
    "500": "Internal Server Error",
    "503": "Service Unavailable",
    "default": "Any other status",
}
MEDIA_TYPES = [
    "application/json",
    "application/problem+json",
    "application/xml",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "text/html",
    "application/octet-stream",
]
VALUES: dict[tuple[str, str], list[str]] = {
    ("parameter", "in"): ["query", "header", "path", "cookie"],
    ("securityScheme", "in"): ["query", "header", "cookie"],
    ("securityScheme", "type"): ["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"],
    ("schema", "type"): ["string", "number", "integer", "boolean", "array", "object", "null"],
    ("schema", "format"): ["int32", "int64", "float", "double", "byte", "binary", "date", "date-time", "password"],
}
ADR_STATUSES = ["proposed", "accepted", "rejected", "deprecated", "superseded by ", "draft"]
MAX_REFS = 1000  # a big spec has thousands of components; the editor filters as the user types on
_SCHEMA_CHILDREN = {"properties", "patternProperties", "definitions", "$defs"}
_SCHEMA_LISTS = {"allOf", "oneOf", "anyOf"}
_SCHEMA_ONE = {"items", "additionalProperties", "not", "schema"}


@dataclass(frozen=True, slots=True)
class Completion:
    label: str
    kind: str  # "reference" | "key" | "value" | "status"
    detail: str = ""
    insert: str | None = None  # what replaces the typed prefix; the label when None
    typed: str = ""  # the prefix before the cursor that the insertion replaces


def object_at(parts: tuple[str, ...]) -> str | None:
    """Which OpenAPI object the key path names (None: a map of names, or unknown)."""
    kind = "root"
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = None
        if kind == "root":
            nxt = {"info": "info", "components": "components", "paths": "paths", "servers": "servers", "tags": "tags"}
            kind = nxt.get(part, "?")
        elif kind == "paths":
            kind = "pathItem"
        elif kind == "pathItem":
            kind = "operation" if part in _METHODS else ("parameters" if part == "parameters" else "?")
        elif kind == "operation":
            kind = {"parameters": "parameters", "requestBody": "requestBody", "responses": "responses"}.get(part, "?")
        elif kind in ("parameters",):
            kind = "parameter" if part.isdigit() else "?"
        elif kind == "responses":
            kind = "response"
        elif kind in ("response", "requestBody", "parameter"):
            kind = {"content": "content", "schema": "schema", "headers": "headers"}.get(part, "?")
        elif kind == "content":
            kind = "mediaType"
        elif kind == "mediaType":
            kind = "schema" if part == "schema" else "?"
        elif kind == "servers" or kind == "tags":
            kind = kind[:-1] if part.isdigit() else "?"
        elif kind == "components":
            kind = {
                "schemas": "schemas",
                "responses": "responses",
                "parameters": "parameterMap",
                "requestBodies": "requestBodies",
                "securitySchemes": "securitySchemes",
                "headers": "headers",
            }.get(part, "?")
        elif kind in ("schemas", "parameterMap", "requestBodies", "securitySchemes", "headers"):
            kind = {
                "schemas": "schema",
                "parameterMap": "parameter",
                "requestBodies": "requestBody",
                "securitySchemes": "securityScheme",
                "headers": "parameter",
            }[kind]
        elif kind == "schema":
            if part in _SCHEMA_CHILDREN:
                kind = "schemas"
            elif part in _SCHEMA_LISTS:
                kind = "schemaList"
            elif part in _SCHEMA_ONE:
                kind = "schema"
            else:
                kind = "?"
        elif kind == "schemaList":
            kind = "schema" if part.isdigit() else "?"
        else:
            return None
        i += 1
    return kind if kind in OBJECT_KEYS or kind in ("responses", "content") else None


def complete(
    path: str,
    text: str,
    pos: Position,
    components: Callable[[], Mapping[str, Mapping[str, list[str]]]],
    kind: str | None = None,
) -> list[Completion]:
    """Completions at the cursor. `components()`: absolute path -> {component kind: names} for this file and
    its siblings (the caller reads them, only when a `$ref` or a security requirement needs them)."""
    if kind == "adr" or path.lower().endswith((".md", ".markdown")):
        return _adr_completions(text, pos)
    cursor = cursor_at(path, text, pos)
    path = os.path.abspath(path)
    items = _openapi_completions(path, text, pos, cursor, components)
    if is_json(path, text):  # the user types the quotes around keys in JSON
        items = [replace(c, insert=c.label) if c.kind in ("key", "status") else c for c in items]
    return [replace(c, typed=cursor.prefix) for c in items]


def _openapi_completions(path: str, text: str, pos: Position, cursor: Cursor, components) -> list[Completion]:
    if cursor.key == "$ref" and cursor.in_value:
        return _ref_targets(path, components(), cursor.prefix)
    owner = object_at(cursor.parts)
    if cursor.in_value:
        values = VALUES.get((owner or "", cursor.key), [])
        return [Completion(v, "value") for v in values if v.startswith(cursor.prefix)]
    if len(cursor.parts) >= 2 and cursor.parts[-2] == "security" and cursor.parts[-1].isdigit():
        schemes = components().get(path, {}).get("securitySchemes", [])
        return [Completion(name, "key", "security scheme", f"{name}: []") for name in schemes]
    if cursor.parts[-1:] == ("security",):
        schemes = components().get(path, {}).get("securitySchemes", [])
        return [Completion(name, "key", "security scheme", f"- {name}: []") for name in schemes]
    if owner == "responses":
        return [
            Completion(code, "status", reason, f"'{code}':" if code != "default" else "default:")
            for code, reason in STATUS_CODES.items()
        ]
    if owner == "content":
        return [Completion(media, "value", "media type", f"{media}:") for media in MEDIA_TYPES]
    if owner in OBJECT_KEYS:
        present = _present_keys(text, pos, cursor)
        return [Completion(key, "key", owner, f"{key}:") for key in OBJECT_KEYS[owner] if key not in present]
    return []


def _ref_targets(path: str, components: Mapping[str, Mapping[str, list[str]]], prefix: str) -> list[Completion]:
    """Local targets first, then the siblings'; those starting with what is typed, else all."""
    targets = []  # (ref, detail)
    for file_path, kinds in components.items():
        relative = "" if file_path == path else os.path.relpath(file_path, os.path.dirname(path)).replace(os.sep, "/")
        where = os.path.basename(file_path)
        for kind, names in kinds.items():
            detail = f"{kind[:-1] if kind.endswith('s') else kind} in {where}"
            start = f"{relative}#/components/{kind}/"
            targets += [(start + name.replace("~", "~0").replace("/", "~1"), detail) for name in names]
    matching = [t for t in targets if t[0].startswith(prefix)] or targets
    matching.sort(key=lambda t: (not t[0].startswith("#"), t[0]))
    return [Completion(ref, "reference", detail, ref) for ref, detail in matching[:MAX_REFS]]


def _present_keys(text: str, pos: Position, cursor: Cursor) -> set[str]:
    """Keys already written at the cursor's indent around it (YAML), so they are not offered again."""
    lines = lines_of(text)
    if pos.line >= len(lines):
        return set()
    line = lines[pos.line]
    indent = len(line) - len(line.lstrip(" "))
    out = set()
    for step in (-1, 1):
        i = pos.line + step
        while 0 <= i < len(lines):
            other = lines[i]
            stripped = other.lstrip(" ")
            if stripped and not stripped.startswith("#"):
                level = len(other) - len(stripped)
                if level < indent:
                    break
                if level == indent and (m := re.match(r"""["']?([^"':\s]+)["']?\s*:""", stripped)):
                    out.add(m.group(1))
            i += step
    return out - {cursor.key}


_STATUS_HEADING = re.compile(r"^#{1,6}\s*status\s*$", re.IGNORECASE)
_STATUS_LINE = re.compile(r"^[ \t>*+-]*[*_]*status[*_]*[ \t]*:[ \t]*", re.IGNORECASE)


def _adr_completions(text: str, pos: Position) -> list[Completion]:
    lines = lines_of(text)
    if pos.line >= len(lines):
        return []
    line = lines[pos.line][: pos.character]
    status = _STATUS_LINE.match(line)
    under_heading = False
    if status is None:
        for i in range(pos.line - 1, -1, -1):
            if lines[i].startswith("#"):
                under_heading = bool(_STATUS_HEADING.match(lines[i].strip()))
                break
            if lines[i].strip():
                break
    if status is None and not under_heading:
        return []
    typed = line[status.end() :] if status else line.strip()
    typed = typed.strip()
    return [Completion(s.strip(), "value", "ADR status", s, typed) for s in ADR_STATUSES if s.startswith(typed.lower())]


def component_names(data: object) -> dict[str, list[str]]:
    """{component kind: names} of a parsed document."""
    components = data.get("components") if isinstance(data, dict) else None
    if not isinstance(components, dict):
        return {}
    return {kind: [str(n) for n in members] for kind, members in components.items() if isinstance(members, dict)}
