"""The typescript-fastify render context: TypeScript types, JSON Schemas for Fastify, and the route views.

The CRUD decisions (which query parameter pages, filters, searches or sorts; test values valid for each schema;
ids) are the python-fastapi view's, reused as they are: the two packs follow one set of conventions. What is
TypeScript here is only how those decisions are written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from specloom.backends.python_fastapi.context import BEHAVIOUR, convention_gaps, unapplied_query_gaps
from specloom.backends.python_fastapi.lang import class_names
from specloom.backends.python_fastapi.view import DEFAULT_PAGE_SIZE, FastAPIView, ResourceView, RouteView
from specloom.core.apimodel import ApiModel, _ref_name, _types, build_api_model
from specloom.core.naming import snake
from specloom.templates.packs import Pack, validate_variables

IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
# Global names a model must not shadow: the generated modules use them.
_TS_GLOBALS = frozenset(
    [
        "Array",
        "Boolean",
        "Buffer",
        "Date",
        "Error",
        "Function",
        "JSON",
        "Map",
        "Math",
        "Number",
        "Object",
        "Omit",
        "Partial",
        "Pick",
        "Promise",
        "Record",
        "RegExp",
        "Required",
        "Set",
        "String",
        "Symbol",
        "FastifyInstance",
        "FastifyReply",
        "FastifyRequest",
        "ApiError",
        "Repository",
        "Repositories",
        "InMemoryRepository",
        "TokenVerifier",
        "AppOptions",
    ]
)
# JSON Schema keywords Ajv and fast-json-stringify read; OpenAPI's others (example, xml, discriminator…) are dropped.
_KEYWORDS = frozenset(
    [
        "type",
        "enum",
        "const",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "default",
        "minProperties",
        "maxProperties",
    ]
)
# Formats Fastify's Ajv (ajv-formats) checks; others (int32, password…) are annotations only.
_FORMATS = frozenset(["date", "time", "date-time", "uri", "email", "hostname", "ipv4", "ipv6", "uuid", "uri-reference"])


MAX_SAFE_INTEGER = 2**53 - 1


def safe_numbers(value: object) -> object:
    """A JSON value as JavaScript holds it: an integer beyond 2^53 becomes the double it is read as."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        return float(value)
    if isinstance(value, list):
        return [safe_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: safe_numbers(v) for k, v in value.items()}
    return value


def ts_string(value: object) -> str:
    """A TypeScript literal of a JSON value (strings double-quoted, as prettier writes them)."""
    return json.dumps(safe_numbers(value), ensure_ascii=False)


def prop(target: str, name: str) -> str:
    """`target.name`, or `target["name"]` when the name is no identifier."""
    return f"{target}.{name}" if IDENTIFIER.match(name) else f"{target}[{ts_string(name)}]"


def key(name: str) -> str:
    """A property name in an object literal or interface."""
    return name if IDENTIFIER.match(name) else ts_string(name)


def camel(name: str) -> str:
    words = [w for w in snake(name).split("_") if w]
    text = words[0] + "".join(w.title() for w in words[1:]) if words else "value"
    return text if IDENTIFIER.match(text) and not text[0].isdigit() else "r" + text


class Schemas:
    """OpenAPI schemas as TypeScript types and as the JSON Schemas Fastify validates and serializes with."""

    def __init__(self, api: ApiModel, deref):
        self.api = api
        self.deref = deref

    def ref(self, schema: dict) -> str | None:
        model = self.api.model_of(schema)
        return model.name if model else None

    def ts(self, schema: object, depth: int = 0) -> str:
        if not isinstance(schema, dict) or depth > 12:
            return "unknown"
        name = self.ref(schema)
        if name:
            return name
        if isinstance(schema.get("$ref"), str):
            return self.ts(self.deref(schema), depth + 1)
        nullable = bool(schema.get("nullable"))
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            values = [ts_string(v) for v in schema["enum"]]
            return " | ".join([*values, *(["null"] if nullable and None not in schema["enum"] else [])])
        for combinator, joiner in (("allOf", " & "), ("oneOf", " | "), ("anyOf", " | ")):
            parts = schema.get(combinator)
            if isinstance(parts, list) and parts:
                text = joiner.join(f"({self.ts(p, depth + 1)})" for p in parts)
                return f"({text}) | null" if nullable else text
        kinds = _types(schema) or (["object"] if "properties" in schema else [])
        if not kinds:
            return "unknown"
        out = [self._ts_kind(kind, schema, depth) for kind in kinds]
        if nullable and "null" not in out:
            out.append("null")
        return " | ".join(dict.fromkeys(out))

    def _ts_kind(self, kind: str, schema: dict, depth: int) -> str:
        if kind == "string":
            return "string"
        if kind in ("integer", "number"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "null":
            return "null"
        if kind == "array":
            return f"Array<{self.ts(schema.get('items'), depth + 1)}>"
        props = schema.get("properties")
        if isinstance(props, dict) and props:
            required = set(schema.get("required") or [])
            members = "; ".join(
                f"{key(n)}{'' if n in required else '?'}: {self.ts(s, depth + 1)}" for n, s in props.items()
            )
            return "{ " + members + " }"
        return "Record<string, unknown>"

    def json(self, schema: object, depth: int = 0) -> object:
        """A JSON Schema (draft 7, as Ajv reads it) of an OpenAPI 3.0/3.1 schema; component refs stay refs."""
        if not isinstance(schema, dict) or depth > 40:
            return {}
        name = self.ref(schema)
        if name:
            return {"$ref": f"{name}#"}
        if isinstance(schema.get("$ref"), str):
            return self.json(self.deref(schema), depth + 1)
        out: dict = {}
        for word, value in schema.items():
            if word not in _KEYWORDS:
                continue
            if word in ("items", "not", "additionalProperties") and isinstance(value, dict):
                out[word] = self.json(value, depth + 1)
            elif word == "properties" and isinstance(value, dict):
                out[word] = {k: self.json(v, depth + 1) for k, v in value.items()}
            elif word in ("allOf", "oneOf", "anyOf") and isinstance(value, list):
                out[word] = [self.json(v, depth + 1) for v in value]
            elif word == "format":
                if value in _FORMATS:
                    out[word] = value
            elif word in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if word == "exclusiveMinimum" else "maximum"
                if value and isinstance(schema.get(bound), (int, float)):
                    out[word] = schema[bound]
            else:
                out[word] = value
        for word in ("exclusiveMinimum", "exclusiveMaximum"):
            bound = "minimum" if word == "exclusiveMinimum" else "maximum"
            if schema.get(word) is True:
                out.pop(bound, None)
        if schema.get("nullable") is True:
            if isinstance(out.get("type"), str):
                out["type"] = [out["type"], "null"]
                if isinstance(out.get("enum"), list) and None not in out["enum"]:
                    out["enum"] = [*out["enum"], None]
            else:
                return {"anyOf": [out, {"type": "null"}]}
        return out


@dataclass(slots=True)
class TsRoute:
    route: RouteView
    handler: str  # what the route's generic says about the request
    schema: dict  # the route's `schema` option: params, querystring, body, response
    path: str  # as Fastify matches it: `/books/:bookId`
    param_names: dict[str, str] = field(default_factory=dict)  # path parameter -> its name in `request.params`
    locals: dict[str, str] = field(default_factory=dict)  # query parameter -> the constant a filter reads it into
    size_expr: str = ""  # the page size a list answers with
    page_number: str = ""  # the page a list answers with
    page_values: list[tuple[str, str]] = field(default_factory=list)  # a page object's fields and their values
    new_id: str = ""  # how a create makes a string id
    uses_request: bool = True  # whether the handler reads the request
    mutates_items: bool = False  # whether a list narrows, sorts or pages what it stored
    server_fills: list[tuple[str, str]] = field(default_factory=list)  # required fields the server fills
    # Fields the item requires that a create or replace body may leave out, and their schema default (JSON).
    body_defaults: list[tuple[str, str]] = field(default_factory=list)


def _defaults(model, samples) -> list[tuple[str, str]]:
    """(field, default as JSON) of each field of a body model whose schema gives it a valid default."""
    defaults = ((f.name, samples.request_default(f)) for f in model.fields)
    return [(name, json.dumps(value, ensure_ascii=False)) for name, value in defaults if value is not None]


def _without_defaults(schema: dict) -> dict:
    """A body schema whose own properties give no default (the ones behind a $ref keep theirs)."""
    out = dict(schema)
    if isinstance(out.get("properties"), dict):
        out["properties"] = {
            name: {k: v for k, v in prop.items() if k != "default"} if isinstance(prop, dict) else prop
            for name, prop in out["properties"].items()
        }
    if isinstance(out.get("allOf"), list):
        out["allOf"] = [_without_defaults(part) if isinstance(part, dict) else part for part in out["allOf"]]
    return out


def _route(view: ResourceView, route: RouteView, schemas: Schemas, deref, samples) -> TsRoute:
    res = view.res
    op = route.op
    path = op.path
    params_schema: dict = {"type": "object", "properties": {}, "required": []}
    params_ts = []
    names = {}
    for p in route.path_params:
        name = p.name if IDENTIFIER.match(p.name) else camel(p.name)
        names[p.name] = name
        path = path.replace("{" + p.name + "}", ":" + name)
        owner = view.parent_view.res if p.name == res.parent_param and view.parent_view else res
        id_schema = owner.id_schema or {"type": "string"}
        params_schema["properties"][name] = schemas.json(id_schema)
        params_schema["required"].append(name)
        params_ts.append(f"{name}: {schemas.ts(id_schema)}")
    for segment in re.findall(r"\{([^{}]+)\}", path):  # ancestors above the parent: any value matches
        name = segment if IDENTIFIER.match(segment) else camel(segment)
        path = path.replace("{" + segment + "}", ":" + name)
    schema: dict = {}
    generic = []
    if route.path_params:
        schema["params"] = params_schema
        generic.append("Params: { " + "; ".join(params_ts) + " }")
    query = [p for p in op.query]
    if query:
        props = {}
        members = []
        required = []
        for p in query:
            converted = schemas.json(p.schema)
            props[p.name] = converted
            resolved = deref(p.schema) if _ref_name(p.schema) else p.schema
            present = p.required or "default" in resolved
            if p.required:
                required.append(p.name)
            members.append(f"{key(p.name)}{'' if present else '?'}: {schemas.ts(p.schema)}")
        schema["querystring"] = {"type": "object", "properties": props, "required": required}
        generic.append("Querystring: { " + "; ".join(members) + " }")
    body_defaults: list[tuple[str, str]] = []
    if route.body_model:
        model = schemas.api.models[route.body_model]
        defaults = _defaults(model, samples)
        schema["body"] = {"$ref": f"{model.name}#"}
        if op.kind == "update" and defaults:
            # Fastify's Ajv fills defaults in (useDefaults): a partial update would reset what it leaves out.
            schema["body"] = _without_defaults(schemas.json(model.schema))
        elif op.kind in ("create", "replace"):
            item = schemas.api.models[res.item_model]
            required = {f.name for f in item.fields if f.required}
            optional = {f.name for f in model.fields if not f.required}
            body_defaults = [(name, value) for name, value in defaults if name in required & optional]
        generic.append(f"Body: {model.name}")
    if route.no_content:
        schema["response"] = {str(op.success_status): {"type": "null"}}
    elif op.kind == "list" and res.list_shape == "array":
        schema["response"] = {str(op.success_status): {"type": "array", "items": {"$ref": f"{res.item_model}#"}}}
    elif route.response_model:
        schema["response"] = {str(op.success_status): {"$ref": f"{route.response_model}#"}}
    handler = "{ " + "; ".join(generic) + " }" if generic else ""
    tr = TsRoute(route, handler, schema, path, names)
    tr.body_defaults = body_defaults
    taken = set(_LOCALS)
    for q in route.query_params:
        local = camel(q.name)
        while local in taken or local in _RESERVED:
            local += "Wanted"
        taken.add(local)
        tr.locals[q.name] = local
    tr.uses_request = bool(route.path_params or op.query or route.body_model or op.kind != "list")
    tr.mutates_items = bool(
        res.parent_field
        or route.paging
        or route.has_size
        or any(q.filter_field or q.compare == "sort" for q in route.query_params)
    )
    sizer = route.paging.get("page_size") or route.paging.get("limit")
    if sizer is not None:
        value = prop("query", sizer.name)
        tr.size_expr = f"Math.max({value} ?? {DEFAULT_PAGE_SIZE}, 0)" if sizer.optional else f"Math.max({value}, 0)"
    elif "page" in route.paging:
        tr.size_expr = str(DEFAULT_PAGE_SIZE)
    if "page" in route.paging:
        page = route.paging["page"]
        value = prop("query", page.name)
        tr.page_number = f"{value} ?? {route.page_base}" if page.optional else value
    if op.kind == "list" and res.list_shape == "page":
        roles = {"items": "items", "total": "total", "number": "number", "size": "size"}
        model = schemas.api.models[res.page_model]
        for name, expr in route.page_values:
            if expr in roles:
                tr.page_values.append((name, roles[expr]))
            else:
                field_ = next(f for f in model.fields if f.name == name)
                tr.page_values.append((name, ts_string(samples.value(field_.schema))))
    if op.kind == "create":
        tr.new_id = _new_id(view, deref, schemas.api.models[res.item_model])
        item = schemas.api.models[res.item_model]
        for name, _ in view.server_fills:
            field_ = next(f for f in item.fields if f.name == name)
            tr.server_fills.append(
                (name, _fill(deref(field_.schema) if _ref_name(field_.schema) else field_.schema, samples))
            )
    return tr


_LOCALS = frozenset(
    [
        "app",
        "repos",
        "auth",
        "request",
        "reply",
        "query",
        "items",
        "item",
        "total",
        "size",
        "number",
        "page",
        "current",
        "key",
        "id",
        "sortable",
        "sortBy",
        "by",
        "direction",
        "requireParent",
        "compare",
    ]
)
_RESERVED = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "let",
        "static",
        "implements",
        "interface",
        "package",
        "private",
        "protected",
        "public",
        "await",
        "undefined",
        "NaN",
        "Infinity",
    ]
)


def _new_id(view: ResourceView, deref, item) -> str:
    """A fresh string id the id's schema accepts: a uuid, or hex cut to the string's length bounds."""
    if view.id_kind == "uuid":
        return "randomUUID()"
    schema = {}
    if view.res.id_field:
        field_ = next(f for f in item.fields if f.name == view.res.id_field)
        schema = deref(field_.schema) if _ref_name(field_.schema) else field_.schema
    low, high = int(schema.get("minLength") or 0), schema.get("maxLength")
    if low <= 36 and (high is None or high >= 36):
        return "randomUUID()"
    size = max(low, min(32, int(high)))
    hex_id = 'randomUUID().replaceAll("-", "")'
    return f"{hex_id}.slice(0, {size})" if size <= 32 else f"{hex_id}.repeat({size // 32 + 1}).slice(0, {size})"


def _fill(schema: dict, samples) -> str:
    """How the server fills a required field the create body does not carry."""
    fmt = schema.get("format")
    if fmt == "date-time":
        return "new Date().toISOString()"
    if fmt == "date":
        return "new Date().toISOString().slice(0, 10)"
    if fmt == "uuid":
        return "randomUUID()"
    if {"integer", "number"} & set(_types(schema)) and samples.valid(schema, 0):
        return "0"
    return ts_string(samples.value(schema))


def typescript_fastify(pack: Pack, spec, operation_ids, variables, extensions, gap, package_of):
    values = validate_variables(pack, variables)
    api = build_api_model(spec, operation_ids, gap)
    names = class_names(list(api.models))
    taken = set(names.values())
    for old, new in list(names.items()):
        if new in _TS_GLOBALS:
            candidate = new + "Model"
            while candidate in taken:
                candidate += "_"
            names[old] = candidate
            taken.add(candidate)
    api.rename(names)
    view = FastAPIView(api, spec.deref)
    schemas = Schemas(api, spec.deref)
    package = package_of(spec, values)
    scheme = api.security[0] if api.security else None
    api.gaps += convention_gaps(spec, api) + unapplied_query_gaps(view)
    for rv in view.resources:
        rv.filters = [_safe_filter(f, rv, api, spec.deref) for f in rv.filters]
    routes = {rv.module: [_route(rv, r, schemas, spec.deref, view.samples) for r in rv.routes] for rv in view.resources}
    json_names = {rv.module: {attr: name for name, attr in rv.attrs.items()} for rv in view.resources}
    model_schemas = []
    for model in api.models.values():
        model_schemas.append({"$id": model.name, **schemas.json(model.schema)})
    error_fields = _error_fields(api, spec.deref, view)
    location = scheme.location if scheme is not None and scheme.kind == "apiKey" else "header"
    cred_name = scheme.param_name if scheme is not None and scheme.kind == "apiKey" else "Authorization"
    prefix = {"bearer": "Bearer ", "basic": "Basic "}.get(scheme.kind, "") if scheme else ""
    context = {
        "api": api,
        "view": view,
        "package": package,
        "project": package.replace("_", "-"),
        "pack": pack,
        "schemas": schemas,
        "model_schemas": model_schemas,
        "routes": routes,
        "json_names": json_names,
        "token_env": f"{package.upper()}_API_TOKENS",
        "secured": api.secured,
        # A module whose routes are all public takes no auth hook (an unused parameter fails ESLint).
        "secured_modules": {rv.module for rv in view.resources if rv.secured_routes},
        "auth_scheme": scheme,
        "auth_location": location,
        "auth_name": cred_name,
        "auth_prefix": prefix,
        "challenge": {"bearer": "Bearer", "basic": 'Basic realm="api"'}.get(scheme.kind, "ApiKey") if scheme else "",
        "error_body": error_fields,
        "error_names": [n for n, _ in error_fields],
        "error_media": api.error_media_type,
        "int_ids": any(rv.id_kind == "int" and not rv.client_sets_id for rv in view.resources),
        "toolchain": (toolchain := _toolchain(pack)),
        "lockfile": _lockfile(toolchain["lock"], package.replace("_", "-")),
        "extensions": extensions,
        "behaviour": BEHAVIOUR,
        "modules": [rv.module for rv in view.resources],
        "urls": {rv.module: Urls(rv) for rv in view.resources},
        "subset": lambda body, names: {k: body[k] for k in names},
        "route_function": {rv.module: camel(rv.module) + "Routes" for rv in view.resources},
    }
    return context, view.resources, api


def _unsafe(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER


def _safe_filter(f, rv: ResourceView, api: ApiModel, deref):
    """A filter test whose two values JavaScript tells apart: integers beyond 2^53 (int64 examples) are not."""
    if not any(_unsafe(v) for v in (f.match, f.other, f.query)) or f.kind == "sort":
        return f
    field_ = next(x for x in api.models[rv.res.item_model].fields if x.name == f.field)
    schema = deref(field_.schema) if _ref_name(field_.schema) else field_.schema
    low = schema.get("minimum") if isinstance(schema.get("minimum"), (int, float)) else -MAX_SAFE_INTEGER
    high = schema.get("maximum") if isinstance(schema.get("maximum"), (int, float)) else MAX_SAFE_INTEGER
    base = min(max(0, int(low) + 1), int(high) - 1)
    if base < low or base + 1 > high or _unsafe(base) or _unsafe(base + 1):
        return f  # no two safe integers in its bounds: the test keeps the spec's values
    compare = {">=": (base + 1, base, base + 1), "<=": (base, base + 1, base), ">": (base + 1, base, base)}
    compare["<"] = (base, base + 1, base + 1)
    for q in next(r for r in rv.routes if r.op.kind == "list").query_params:
        if q.name == f.name and q.compare in compare:
            f.match, f.other, f.query = compare[q.compare]
            return f
    f.match, f.other, f.query = base, base + 1, base
    return f


class Urls:
    """A resource's URLs as TypeScript template literals, for tests."""

    def __init__(self, rv: ResourceView):
        self.rv = rv

    def _path(self, key_expr: str | None, parent: str) -> str:
        res = self.rv.res
        path = res.collection_path.replace("`", "\\`").replace("${", "\\${")
        if res.parent_param:
            path = path.replace("{" + res.parent_param + "}", parent)
        for name, value in self.rv.ancestor_keys().items():
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        if key_expr is not None:
            path += "/${encodeURIComponent(" + key_expr + ")}"
        return "`" + path + "`"

    @property
    def list(self) -> str:
        return self._path(None, "${encodeURIComponent(PARENT)}")

    def item(self, key_expr: str) -> str:
        return self._path(key_expr, "${encodeURIComponent(PARENT)}")

    def list_with(self, parent: object) -> str:
        return self._path(None, quote(str(parent), safe=""))

    def item_with(self, key_expr: str, parent: object) -> str:
        return self._path(key_expr, quote(str(parent), safe=""))

    def sample(self, route: RouteView) -> str:
        return self.rv.sample_url(route)


def _toolchain(pack: Pack) -> dict:
    folder = pack.root / "toolchain"
    manifest = json.loads((folder / "package.json").read_text("utf-8"))
    return {
        "dependencies": manifest.get("dependencies", {}),
        "devDependencies": manifest.get("devDependencies", {}),
        "lock": json.loads((folder / "package-lock.json").read_text("utf-8")),
    }


def _lockfile(lock: dict, project: str) -> dict:
    """The toolchain's lock file as the project's: its own name and version, the same pinned packages."""
    packages = dict(lock.get("packages", {}))
    packages[""] = {**packages.get("", {}), "name": project, "version": "0.1.0"}
    packages[""].pop("description", None)
    return {**lock, "name": project, "version": "0.1.0", "packages": packages}


_MESSAGE_FIELDS = ("message", "detail", "title", "error", "description", "msg", "error_description")
_STATUS_FIELDS = ("status", "code", "statusCode", "status_code")


def _error_fields(api: ApiModel, deref, view: FastAPIView) -> list[tuple[str, str]]:
    """The spec's error body as (field, TypeScript expression over `status`, `code`, `message`)."""
    if not api.error_model:
        return [("detail", "message"), ("status", "status"), ("code", "code")]
    model = api.models[api.error_model]
    code_field = api.error_code_field
    code_is_int = False
    if code_field is None:
        code_int = next(
            (f for f in model.fields if "integer" in _types(deref(f.schema)) and f.name in ("code", "status")), None
        )
        if code_int:
            code_field, code_is_int = code_int.name, True
    else:
        field_ = next(f for f in model.fields if f.name == code_field)
        code_is_int = "integer" in _types(deref(field_.schema))
    body = []
    for f in model.fields:
        types = _types(deref(f.schema))
        if f.name == code_field:
            expr = "status" if code_is_int else "code"
        elif f.name == api.error_message_field or (f.name in _MESSAGE_FIELDS and "string" in types):
            expr = "message"
        elif f.name in _STATUS_FIELDS and "integer" in types:
            expr = "status"
        elif f.required:
            expr = ts_string(view.samples.value(f.schema))
        else:
            continue
        body.append((f.name, expr))
    return body
