"""Hypothesis strategies for random, valid OpenAPI CRUD specs that real users could write.

Each spec is a plain dict (dump it as JSON): OpenAPI 3.0 or 3.1, one chain of nested collections
1-3 deep (`/a/{aId}/b/{bId}/c`), ids of every declared type, array / page / cursor lists with the
parameters that drive them, filters, enums with odd values, nullable fields in each version's
spelling, readOnly/writeOnly, allOf/oneOf, awkward literals in defaults and examples, names that
are keywords, builtins, non-ASCII or collide after normalisation, long descriptions, every kind
of security and error body. Defaults and examples are valid for their schema, so a generated
project that fails on one is the pack's fault, not the spec's.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

KEYWORDS = ["class", "from", "def", "import", "return", "lambda", "async", "await", "global", "None", "True"]
BUILTINS = ["id", "type", "list", "dict", "str", "format", "filter", "input", "object", "hash", "len", "sum"]
PLAIN = ["title", "name", "note", "label", "color", "rating", "weight", "quantity", "score", "summary"]
NON_ASCII = ["naïve", "größe", "日付", "ñandú", "café"]
COLLIDING = [("max_results", "maxResults"), ("a-b", "a_b"), ("created_at", "createdAt"), ("x.y", "x_y")]

AWKWARD_STRINGS = [
    "",
    'say "hi"',
    "it's",
    "line one\nline two",
    "back\\slash \\n not a newline",
    '"""',
    "'''",
    "tab\there",
    "naïve café — ünïcödé",
    "日本語のテキスト",
    "{curly} {{jinja}} {% raw %}",
    "%s %d %(name)s",
    "emoji 🎉",
    "</script><b>",
    "null",
    "None",
    "True",
    "# not a comment",
    "trailing space ",
    "\u2028line separator",
]
INT64_EDGES = [0, -1, 2**31, 2**53 + 1, 2**63 - 1, -(2**63)]
HUGE_INTS = [2**63, -(2**63) - 1, 10**30]  # only where no format bounds the integer
FLOATS = [0.0, -0.0, 1.5, -2.25, 1e-10, 1e300, 3.141592653589793]
ODD_ENUM_VALUES = [
    "a b",
    "A-B",
    "a-b",
    "a_b",
    "1st",
    "class",
    "None",
    "ünï",
    'with"quote',
    "x.y",
    "UPPER",
    "upper",
    "",
    "back\\slash",
]
ERROR_SHAPES = [
    {"error": "string", "message": "string"},
    {"code": "string", "detail": "string"},
    {"code": "integer", "message": "string"},
]
PROBLEM = {"type": "string", "title": "string", "status": "integer", "detail": "string", "instance": "string"}
PATTERNS = [
    ("^[A-Z]{2}-[0-9]{3}$", "AB-123"),
    ("^[a-z][a-z0-9_]{2,15}$", "abc_1"),
    ("^\\d{4}-\\d{2}$", "2024-06"),
]
FORMATS = [
    ("date-time", "2024-01-02T03:04:05Z"),
    ("date", "2024-01-02"),
    ("uuid", "6513270e-269e-4d37-b2a7-4de452e6b438"),
]
RESOURCES = [
    ("shelves", "shelf"),
    ("books", "book"),
    ("notes", "note"),
    ("orders", "order"),
    ("line-items", "line-item"),
    ("tags", "tag"),
    ("users", "user"),
    ("classes", "class"),
    ("types", "type"),
    ("lists", "list"),
]


def description(draw) -> str:
    """A 200-character description made of awkward pieces."""
    pieces = draw(st.lists(st.sampled_from(AWKWARD_STRINGS + ["plain words here"]), min_size=1, max_size=6))
    text = " ".join(pieces) + " "
    return (text * (200 // len(text) + 1))[:200]


def camel(words: str) -> str:
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", words) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


class Version:
    """What differs between 3.0 and 3.1 in the specs built here."""

    def __init__(self, openapi: str):
        self.openapi = openapi
        self.is_31 = openapi.startswith("3.1")

    def nullable(self, schema: dict) -> dict:
        if "$ref" in schema:
            return {"oneOf": [schema, {"type": "null"}]} if self.is_31 else {"allOf": [schema], "nullable": True}
        if "type" not in schema:
            return {"anyOf": [schema, {"type": "null"}]} if self.is_31 else {**schema, "nullable": True}
        if self.is_31:
            out = dict(schema)
            out["type"] = [schema["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
            return out
        out = {**schema, "nullable": True}
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        return out

    def example(self, schema: dict, value) -> dict:
        return {**schema, "examples": [value]} if self.is_31 else {**schema, "example": value}


@st.composite
def field_schema(draw, version: Version, enums: dict[str, dict], taken: set[str]) -> tuple[dict, object]:
    """A property schema and a value valid for it (its default or example)."""
    kind = draw(
        st.sampled_from(
            ["string", "bounded", "pattern", "format", "enum", "enum_ref", "integer", "number", "boolean", "array"]
            + ["object", "one_of"]
        )
    )
    if kind == "string":
        value = draw(st.sampled_from(AWKWARD_STRINGS))
        return {"type": "string"}, value
    if kind == "bounded":
        low, high = draw(st.integers(1, 3)), draw(st.integers(20, 60))
        return {"type": "string", "minLength": low, "maxLength": high}, "x" * low
    if kind == "pattern":
        pattern, value = draw(st.sampled_from(PATTERNS))
        return {"type": "string", "pattern": pattern}, value
    if kind == "format":
        fmt, value = draw(st.sampled_from(FORMATS))
        return {"type": "string", "format": fmt}, value
    if kind in ("enum", "enum_ref"):
        values = draw(st.lists(st.sampled_from(ODD_ENUM_VALUES), min_size=1, max_size=5, unique=True))
        schema = {"type": "string", "enum": values}
        if kind == "enum_ref":
            name = draw(st.sampled_from(["Status", "Kind", "Type", "Class", "List", "Farbe"]))
            while name in taken:
                name += "Enum"
            enums.setdefault(name, schema)
            return {"$ref": f"#/components/schemas/{name}"}, enums[name]["enum"][0]
        return schema, draw(st.sampled_from(values))
    if kind == "integer":
        if draw(st.booleans()):
            low = draw(st.integers(-5, 5))
            return {"type": "integer", "minimum": low, "maximum": low + 1000, "format": "int32"}, low
        if draw(st.booleans()):
            return {"type": "integer", "format": "int64"}, draw(st.sampled_from(INT64_EDGES))
        return {"type": "integer"}, draw(st.sampled_from(INT64_EDGES + HUGE_INTS))
    if kind == "number":
        if draw(st.booleans()):
            return {"type": "number", "minimum": 0, "exclusiveMaximum": 1e6} if version.is_31 else {
                "type": "number",
                "minimum": 0,
                "maximum": 1e6,
            }, 1.5
        return {"type": "number"}, draw(st.sampled_from(FLOATS))
    if kind == "boolean":
        return {"type": "boolean"}, draw(st.booleans())
    if kind == "array":
        item, value = draw(st.sampled_from([({"type": "string"}, 'a"b'), ({"type": "integer"}, 2**53 + 1)]))
        bounds = {"minItems": 0, "maxItems": 10} if draw(st.booleans()) else {}
        return {"type": "array", "items": item, **bounds}, [value]
    if kind == "object":
        return {
            "type": "object",
            "properties": {"street": {"type": "string"}, "zip": {"type": "string", "maxLength": 10}},
        }, {"street": 'Main "St"', "zip": "123"}
    return {"oneOf": [{"type": "string", "maxLength": 40}, {"type": "integer"}]}, "either"


def id_schema(draw, version: Version) -> tuple[dict, object]:
    """A path id of one of the declared types, and a valid value of it."""
    kind = draw(st.sampled_from(["integer", "uuid", "pattern", "enum"]))
    if kind == "integer":
        return {"type": "integer", "format": "int64", "minimum": 1, "maximum": 10**12}, 1
    if kind == "uuid":
        return {"type": "string", "format": "uuid"}, "6513270e-269e-4d37-b2a7-4de452e6b438"
    if kind == "pattern":
        return {"type": "string", "pattern": "^[a-z0-9-]{3,40}$"}, "abc-123"
    return {"type": "string", "enum": ["alpha", "beta-2", "Gamma Delta", "class"]}, "alpha"


def field_names(draw) -> list[str]:
    """Property names, some keywords, builtins, non-ASCII or colliding after normalisation."""
    pool = st.sampled_from(KEYWORDS + BUILTINS[1:] + PLAIN + NON_ASCII)
    names = draw(st.lists(pool, min_size=1, max_size=5, unique=True))
    if draw(st.booleans()):
        names += list(draw(st.sampled_from(COLLIDING)))
    return list(dict.fromkeys(names))


@st.composite
def crud_specs(draw) -> dict:
    version = Version(draw(st.sampled_from(["3.0.3", "3.1.0"])))
    depth = draw(st.integers(1, 3))
    chain = draw(st.lists(st.sampled_from(RESOURCES), min_size=depth, max_size=depth, unique=True))
    schemas: dict[str, dict] = {}
    enums: dict[str, dict] = {}
    paths: dict[str, dict] = {}
    used_ops: set[str] = set()
    security, schemes = draw_security(draw)
    error_name, error_media = draw_error(draw, schemas)
    prefix = ""
    id_params: list[tuple[str, dict]] = []
    for plural, singular in chain:
        model = camel(singular) if draw(st.booleans()) else draw(st.sampled_from([camel(singular), "Class", "List"]))
        while model in schemas or model in enums or model == error_name:
            model += "Item"
        id_name = draw(
            st.sampled_from([f"{camel(singular)[0].lower()}{camel(singular)[1:]}Id", f"{snake(singular)}_id"])
        )
        if not id_params and draw(st.booleans()):
            id_name = "id"
        ident, ident_value = id_schema(draw, version)
        fields = draw_item(draw, version, enums, model, schemas, ident, id_name, id_params)
        collection = f"{prefix}/{plural}"
        item = f"{collection}/{{{id_name}}}"
        parents = [path_param(n, s) for n, s in id_params]
        list_response, list_params = draw_list(draw, version, model, schemas)
        filters = draw_filters(draw, version, fields)
        ops = draw(st.sets(st.sampled_from(["replace", "update", "delete"])))
        op_id = operation_namer(draw, camel(plural), camel(singular), used_ops)
        errors = {"404" if parents else "400": error_response(error_name, error_media)}
        paths[collection] = {
            **({"parameters": parents} if parents else {}),
            "get": {
                "operationId": op_id("list"),
                "summary": description(draw)[:60],
                "description": description(draw),
                "parameters": list_params + filters,
                "responses": {
                    "200": {"description": "The list", "content": {"application/json": {"schema": list_response}}}
                }
                | ({"404": error_response(error_name, error_media)} if parents else {}),
            },
            "post": {
                "operationId": op_id("create"),
                "requestBody": body(f"{model}Input"),
                "responses": {"201": item_response(model), "422": error_response(error_name, error_media)} | errors,
            },
        }
        item_ops = {
            "get": {
                "operationId": op_id("read"),
                "responses": {"200": item_response(model), "404": error_response(error_name, error_media)},
            }
        }
        if "replace" in ops:
            item_ops["put"] = {
                "operationId": op_id("replace"),
                "requestBody": body(f"{model}Input"),
                "responses": {"200": item_response(model), "404": error_response(error_name, error_media)},
            }
        if "update" in ops:
            item_ops["patch"] = {
                "operationId": op_id("update"),
                "requestBody": body(f"{model}Patch"),
                "responses": {"200": item_response(model), "404": error_response(error_name, error_media)},
            }
            schemas[f"{model}Patch"] = {
                "type": "object",
                "properties": dict(schemas[f"{model}Input"]["properties"]),
            }
        if "delete" in ops:
            item_ops["delete"] = {
                "operationId": op_id("delete"),
                "responses": {"204": {"description": "Deleted"}, "404": error_response(error_name, error_media)},
            }
        paths[item] = {"parameters": [*parents, path_param(id_name, ident, ident_value)], **item_ops}
        id_params.append((id_name, ident))
        prefix = item
    components: dict = {"schemas": {**enums, **schemas}}
    if schemes:
        components["securitySchemes"] = schemes
    title = draw(st.sampled_from(["Bücherei API", "class", "My-API v2", "123 Numbers", "API", "Notes & Tags"]))
    spec = {
        "openapi": version.openapi,
        "info": {"title": title, "version": "1.0.0", "description": description(draw)},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": paths,
        "components": components,
    }
    if security:
        spec["security"] = security
    return spec


def snake(text: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()


def operation_namer(draw, plural: str, singular: str, used: set[str]):
    style = draw(st.sampled_from(["camel", "snake", "dotted", "dashed"]))

    def name(verb: str) -> str:
        noun = plural if verb == "list" else singular
        out = {
            "camel": f"{verb}{noun}",
            "snake": f"{verb}_{snake(noun)}",
            "dotted": f"{snake(noun)}.{verb}",
            "dashed": f"{verb}-{snake(noun).replace('_', '-')}",
        }[style]
        while out in used:
            out += "2"
        used.add(out)
        return out

    return name


def path_param(name: str, schema: dict, example=None) -> dict:
    param = {"name": name, "in": "path", "required": True, "schema": schema}
    if example is not None:
        param["example"] = example
    return param


def body(model: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}}}


def item_response(model: str) -> dict:
    return {
        "description": "The item",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
    }


def error_response(name: str, media: str) -> dict:
    return {"description": "An error", "content": {media: {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def draw_security(draw) -> tuple[list, dict]:
    kind = draw(st.sampled_from(["none", "apiKey-header", "apiKey-query", "bearer", "basic"]))
    if kind == "none":
        return [], {}
    name = draw(st.sampled_from(["auth", "api_key", "ApiKeyAuth", "class"]))
    scheme = {
        "apiKey-header": {"type": "apiKey", "in": "header", "name": draw(st.sampled_from(["X-API-Key", "X-Token"]))},
        "apiKey-query": {"type": "apiKey", "in": "query", "name": draw(st.sampled_from(["api_key", "key"]))},
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "basic": {"type": "http", "scheme": "basic"},
    }[kind]
    return [{name: []}], {name: scheme}


def draw_error(draw, schemas: dict) -> tuple[str, str]:
    if draw(st.booleans()):
        schemas["Problem"] = {"type": "object", "properties": {k: {"type": v} for k, v in PROBLEM.items()}}
        return "Problem", "application/problem+json"
    shape = draw(st.sampled_from(ERROR_SHAPES))
    name = draw(st.sampled_from(["Error", "ApiError", "Problem"]))
    schemas[name] = {
        "type": "object",
        "required": list(shape),
        "properties": {k: {"type": v} for k, v in shape.items()},
    }
    return name, "application/json"


def draw_item(draw, version, enums, model, schemas, ident, id_name, parents) -> dict[str, dict]:
    """The item schema, its Input schema; returns the writable fields by name."""
    fields: dict[str, dict] = {}
    required: list[str] = []
    for name in field_names(draw):
        if name == id_name or name in (n for n, _ in parents):
            continue
        schema, value = draw(field_schema(version, enums, set(schemas) | {model, f"{model}Input", f"{model}Patch"}))
        if "$ref" not in schema and "oneOf" not in schema:
            what = draw(st.sampled_from(["default", "example", "both", "none"]))
            if what in ("default", "both"):
                schema = {**schema, "default": value}
            if what in ("example", "both"):
                schema = version.example(schema, value)
        if draw(st.integers(0, 4)) == 0:
            schema = version.nullable(schema)
        if draw(st.integers(0, 3)) == 0 and "$ref" not in schema:
            schema = {**schema, "description": description(draw)}
        fields[name] = schema
        if draw(st.booleans()):
            required.append(name)
    if draw(st.integers(0, 3)) == 0:
        fields["password"] = {"type": "string", "minLength": 8, "writeOnly": True}
    inp: dict = {"type": "object", "properties": dict(fields)}
    if required:
        inp["required"] = required
    schemas[f"{model}Input"] = inp
    own: dict = {id_name: {**ident, "readOnly": True}}
    own_required = [id_name]
    if parents and parents[-1][0] != "id" and draw(st.booleans()):  # a child's `id` field is its own id
        parent_name, parent_schema = parents[-1]
        own[parent_name] = {**parent_schema, "readOnly": True}
        own_required.append(parent_name)
    if draw(st.booleans()):
        own["createdAt"] = {"type": "string", "format": "date-time", "readOnly": True}
    readable = {k: v for k, v in fields.items() if k != "password"}
    if draw(st.booleans()):  # composed: the item is its input plus what the server adds
        schemas[model] = {
            "allOf": [
                {"$ref": f"#/components/schemas/{model}Input"},
                {"type": "object", "required": own_required, "properties": own},
            ]
        }
        if "password" in fields:
            schemas[f"{model}Input"]["properties"]["password"] = fields["password"]
    else:
        schemas[model] = {
            "type": "object",
            "description": description(draw),
            "required": own_required + required,
            "properties": own | readable,
        }
    return {k: v for k, v in fields.items() if k != "password"}


def draw_list(draw, version, model, schemas) -> tuple[dict, list[dict]]:
    """The list response schema and the parameters that drive it."""
    shape = draw(st.sampled_from(["array", "page", "cursor"]))
    ref = {"$ref": f"#/components/schemas/{model}"}
    if shape == "array":
        params = []
        if draw(st.booleans()):
            params = [
                query("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
                query("offset", {"type": "integer", "minimum": 0, "default": 0}),
            ]
        return {"type": "array", "items": ref}, params
    if shape == "page":
        items = draw(st.sampled_from(["items", "data", "results"]))
        size = draw(st.sampled_from(["pageSize", "per_page", "page_size"]))
        props = {
            items: {"type": "array", "items": ref},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            size: {"type": "integer", "minimum": 1},
            "next": version.nullable({"type": "string"}),
        }
        schemas[f"{model}Page"] = {"type": "object", "required": [items, "total"], "properties": props}
        params = [
            query("page", {"type": "integer", "minimum": 1, "default": 1}),
            query(size, {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
        ]
        return {"$ref": f"#/components/schemas/{model}Page"}, params
    cursor = draw(st.sampled_from(["next_cursor", "nextCursor"]))
    schemas[f"{model}CursorPage"] = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": ref}, cursor: version.nullable({"type": "string"})},
    }
    params = [
        query("cursor", {"type": "string"}),
        query("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
    ]
    return {"$ref": f"#/components/schemas/{model}CursorPage"}, params


def query(name: str, schema: dict, description: str | None = None) -> dict:
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


def draw_filters(draw, version, fields: dict[str, dict]) -> list[dict]:
    """Filters of a list: exact match on a field, ranges, enum filters, `q`, sort and order."""
    out: dict[str, dict] = {}
    scalar = {
        k: v
        for k, v in fields.items()
        if v.get("type") in ("string", "integer", "number", "boolean") and "default" not in v and "nullable" not in v
    }
    for name in draw(st.lists(st.sampled_from(sorted(scalar)), max_size=2, unique=True)) if scalar else []:
        out[name] = query(name, {k: v for k, v in scalar[name].items() if k in ("type", "enum", "format")})
    numeric = [k for k, v in fields.items() if v.get("type") in ("integer", "number")]
    if numeric and draw(st.booleans()):
        name = draw(st.sampled_from(numeric))
        kind = fields[name]["type"]
        style = draw(st.sampled_from(["minmax", "gte"]))
        low, high = (f"min{camel(name)}", f"max{camel(name)}") if style == "minmax" else (f"{name}_gte", f"{name}_lte")
        out[low] = query(low, {"type": kind})
        out[high] = query(high, {"type": kind})
    if draw(st.booleans()):
        out["q"] = query("q", {"type": "string", "maxLength": 100}, "Free-text search")
    if fields and draw(st.booleans()):
        out["sort"] = query("sort", {"type": "string", "enum": sorted(fields)})
        out["order"] = query("order", {"type": "string", "enum": ["asc", "desc"], "default": "asc"})
    return list(out.values())
