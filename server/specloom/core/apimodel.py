"""A language-neutral model of a CRUD API, inferred from an OpenAPI spec.

Templates render from this, never from raw spec dicts: the inference of resources, ids,
list shapes and errors happens once, here, and is tested here. What cannot be inferred
is recorded in `gaps` so the plan and the report can name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specloom.core.naming import snake

# What a list's query parameters do to it, by their names (the conventions public APIs use).
PAGING = {
    "offset": ("offset", "skip", "start"),
    "limit": ("limit", "maxResults", "max_results"),
    "page": ("page", "pageNumber", "page_number", "pageNo"),
    "page_size": ("pageSize", "page_size", "per_page", "perPage", "size", "pageLimit"),
    "cursor": ("cursor", "after", "pageToken", "page_token", "starting_after", "nextToken"),
}
# What a page object's fields say about the page, by their names.
PAGE_FIELDS = {
    "total": ("total", "count", "totalCount", "total_count", "totalItems", "total_items", "totalResults"),
    "page": ("page", "pageNumber", "page_number", "currentPage"),
    "page_size": ("pageSize", "page_size", "per_page", "perPage", "size", "limit"),
    "next": ("next", "nextCursor", "next_cursor", "nextPageToken", "next_page_token", "nextToken"),
}
_TEMPLATE = re.compile(r"^\{([^{}]+)\}$")


@dataclass(slots=True)
class Field:
    name: str  # as in the spec (JSON name)
    schema: dict  # dereferenced except for named component refs
    required: bool
    nullable: bool
    read_only: bool
    write_only: bool


@dataclass(slots=True)
class Model:
    name: str
    kind: str  # "object" | "enum" | "alias"
    fields: list[Field] = field(default_factory=list)
    enum: list = field(default_factory=list)
    schema: dict = field(default_factory=dict)
    description: str = ""
    pointer: str = ""

    @property
    def read_only_fields(self) -> list[Field]:
        return [f for f in self.fields if f.read_only]


@dataclass(slots=True)
class Param:
    name: str
    location: str
    required: bool
    schema: dict
    paging: str | None = None  # a key of PAGING: what this parameter of a list does to it


@dataclass(slots=True)
class Op:
    operation_id: str
    kind: str  # list | create | read | replace | update | delete
    method: str
    path: str
    pointer: str
    success_status: int
    request_model: str | None
    response_model: str | None
    query: list[Param]
    error_statuses: list[int]
    secured: bool
    summary: str = ""
    body_optional: bool = False  # the spec lets a client leave the request body out (OpenAPI's default)


@dataclass(slots=True)
class Resource:
    name: str  # collection segment, e.g. "books"
    singular: str
    collection_path: str
    item_model: str
    id_param: str | None
    id_schema: dict
    id_field: str | None
    parent: str | None  # parent resource name for nested collections
    parent_param: str | None
    parent_field: str | None
    list_shape: str  # "array" | "page"
    page_model: str | None = None
    page_items: str | None = None
    page_total: str | None = None
    page_fields: dict[str, str] = field(default_factory=dict)  # PAGE_FIELDS role -> field, beyond items and total
    ops: list[Op] = field(default_factory=list)

    def op(self, kind: str) -> Op | None:
        return next((o for o in self.ops if o.kind == kind), None)


@dataclass(slots=True)
class SecurityScheme:
    name: str
    kind: str  # "bearer" | "basic" | "apiKey"
    location: str = "header"  # for apiKey
    param_name: str = "Authorization"


@dataclass(slots=True)
class ApiModel:
    title: str
    package: str
    version: str
    models: dict[str, Model]
    resources: list[Resource]
    security: list[SecurityScheme]
    error_model: str | None
    error_media_type: str  # what errors are answered as: application/json, application/problem+json…
    error_code_field: str | None
    error_message_field: str | None
    gaps: list[str] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # a schema's name in the spec -> its model's, where renamed
    # (method, path) of the selected secured operations the model leaves out: an AI extension writes them.
    secured_left: list[tuple[str, str]] = field(default_factory=list)

    @property
    def secured(self) -> bool:
        return any(op.secured for r in self.resources for op in r.ops)

    def model_of(self, schema: object) -> Model | None:
        """The model a `$ref` schema names."""
        name = _ref_name(schema)
        return self.models.get(self.refs.get(name, name)) if name else None

    def rename(self, names: dict[str, str]) -> None:
        """Give models other names (a language's identifiers), everywhere the model refers to them."""
        self.models = {names.get(k, k): m for k, m in self.models.items()}
        for model in self.models.values():
            model.name = names.get(model.name, model.name)
        for res in self.resources:
            res.item_model = names.get(res.item_model, res.item_model)
            res.page_model = names.get(res.page_model, res.page_model)
            for op in res.ops:
                op.request_model = names.get(op.request_model, op.request_model)
                op.response_model = names.get(op.response_model, op.response_model)
        self.error_model = names.get(self.error_model, self.error_model)
        self.refs = {spec_name: names.get(name, name) for spec_name, name in self.refs.items()} | {
            old: new for old, new in names.items() if old not in self.refs
        }


def _ref_name(schema: object) -> str | None:
    if (
        isinstance(schema, dict)
        and isinstance(schema.get("$ref"), str)
        and schema["$ref"].startswith("#/components/schemas/")
    ):
        return schema["$ref"].rsplit("/", 1)[-1]
    return None


def _types(schema: dict) -> list[str]:
    t = schema.get("type")
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)] if isinstance(t, list) else []


def is_json_media(name: str) -> bool:
    return name == "application/json" or name.endswith("+json")


def _json_media(media: dict | None) -> str:
    """The JSON media type a response declares (application/json, or a +json type)."""
    names = [n for n in media or {} if is_json_media(n)]
    return "application/json" if "application/json" in names or not names else names[0]


def _json_schema(media: dict | None) -> dict | None:
    if not isinstance(media, dict):
        return None
    for name, entry in media.items():
        if is_json_media(name) and isinstance(entry, dict):
            return entry.get("schema") if isinstance(entry.get("schema"), dict) else None
    return None


class _Builder:
    def __init__(self, spec):
        self.spec = spec
        self.schemas = spec.schemas
        self.models: dict[str, Model] = {}
        self.gaps: list[str] = []

    def deref(self, schema):
        return self.spec.deref(schema) if isinstance(schema, dict) else {}

    def flatten(self, schema: dict, seen: frozenset = frozenset()) -> tuple[dict[str, dict], set[str], dict]:
        """Properties, required names and the merged schema of an object, with allOf flattened."""
        name = _ref_name(schema)
        if name:
            if name in seen:
                return {}, set(), {}
            seen = seen | {name}
        schema = self.deref(schema)
        props: dict[str, dict] = {}
        required: set[str] = set()
        for part in schema.get("allOf") or []:
            p, r, _ = self.flatten(part, seen)
            props.update(p)
            required |= r
        if isinstance(schema.get("properties"), dict):
            props.update(schema["properties"])
        required |= {r for r in schema.get("required") or [] if isinstance(r, str)}
        return props, required, schema

    def model(self, name: str) -> Model:
        if name in self.models:
            return self.models[name]
        schema = self.deref(self.schemas.get(name, {}))
        pointer = f"#/components/schemas/{name}"
        description = str(schema.get("description") or "")
        if "enum" in schema:
            model = Model(
                name, "enum", enum=list(schema["enum"]), schema=schema, description=description, pointer=pointer
            )
            self.models[name] = model
            return model
        props, required, _ = self.flatten({"$ref": pointer})
        if not props and "object" not in _types(schema) and not schema.get("allOf"):
            model = Model(name, "alias", schema=schema, description=description, pointer=pointer)
            self.models[name] = model
            return model
        model = Model(name, "object", schema=schema, description=description, pointer=pointer)
        self.models[name] = model  # before fields: recursive schemas refer back to it
        for prop, prop_schema in props.items():
            resolved = self.deref(prop_schema)
            model.fields.append(
                Field(
                    name=prop,
                    schema=prop_schema if _ref_name(prop_schema) else resolved,
                    required=prop in required,
                    nullable=bool(resolved.get("nullable")) or "null" in _types(resolved),
                    read_only=bool(resolved.get("readOnly")),
                    write_only=bool(resolved.get("writeOnly")),
                )
            )
        self.collect_refs(props.values())
        return model

    def collect_refs(self, schemas) -> None:
        stack = list(schemas)
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                name = _ref_name(node)
                if name and name in self.schemas:
                    if name not in self.models:
                        self.model(name)
                    continue
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
            elif isinstance(node, list):
                stack.extend(node)


_CRUD_KINDS = {
    ("get", False): "list",
    ("post", False): "create",
    ("get", True): "read",
    ("put", True): "replace",
    ("patch", True): "update",
    ("delete", True): "delete",
}


def _crud_shape(op) -> tuple[str | None, list[str], list[str], bool]:
    """(CRUD kind or None, path segments, the collection's segments, whether the path names one item)."""
    segments = [s for s in op.path.strip("/").split("/") if s]
    on_item = bool(segments) and bool(_TEMPLATE.match(segments[-1]))
    collection = segments[:-1] if on_item else segments
    if not collection or _TEMPLATE.match(collection[-1]):
        return None, segments, collection, on_item
    return _CRUD_KINDS.get((op.method, on_item)), segments, collection, on_item


# A last segment that is, or starts with, a verb names an action (RPC style: POST /accounts/get,
# POST /item/reset_login), not a collection.
_ACTION_VERBS = frozenset(
    {
        "get",
        "list",
        "create",
        "update",
        "delete",
        "remove",
        "search",
        "find",
        "query",
        "filter",
        "sync",
        "refresh",
        "reset",
        "exchange",
        "invalidate",
        "validate",
        "verify",
        "send",
        "cancel",
        "approve",
        "reject",
        "login",
        "logout",
        "register",
        "unregister",
        "subscribe",
        "unsubscribe",
        "retry",
        "calculate",
        "compute",
        "evaluate",
        "execute",
        "run",
        "start",
        "stop",
        "trigger",
        "simulate",
        "fire",
        "link",
        "unlink",
        "enable",
        "disable",
        "archive",
        "restore",
        "import",
        "export",
        "upload",
        "download",
        "revoke",
        "introspect",
        "enrich",
        "enhance",
        "terminate",
        "match",
        "review",
        "prepare",
        "reverse",
        "seed",
        "set",
        "associate",
        "distribute",
        "deposit",
        "withdraw",
        "migrate",
        "submit",
        "advance",
        "precheck",
        "select",
        "schedule",
        "refund",
        "capture",
        "authorize",
        "close",
        "open",
        "sign",
    }
)


def crud_gap(op) -> str | None:
    """Why an operation is not CRUD on a collection (what CRUD templates cannot implement), if it is not."""
    if op.logic:
        return "its x-specloom-logic describes behaviour beyond CRUD"
    kind, _, collection, _ = _crud_shape(op)
    if not collection or _TEMPLATE.match(collection[-1]):
        return f"path {op.path} is not a collection or item path"
    # The first word, in snake, kebab, dotted or camel case: `findByStatus` is an action as `find_by_status` is.
    if re.split(r"[_\-.]|(?<=[a-z0-9])(?=[A-Z])", collection[-1], maxsplit=1)[0].lower() in _ACTION_VERBS:
        return f"{op.method.upper()} {op.path} is an action (RPC style), not a collection"
    if kind is None:
        return f"{op.method.upper()} {op.path} has no CRUD meaning"
    return None


def build_api_model(spec, operation_ids: list[str] | None = None, gap=crud_gap) -> ApiModel:
    """`gap(op)`: why an operation stays out of the model (a pack's capability check); CRUD shape by default."""
    builder = _Builder(spec)
    ops = spec.operations if not operation_ids else [o for o in spec.operations if o.operation_id in set(operation_ids)]
    resources: dict[str, Resource] = {}
    error_model, error_media = None, "application/json"
    for op in ops:
        reason = gap(op)
        if reason:
            builder.gaps.append(f"{op.operation_id}: {reason}")
            continue
        kind, segments, collection, on_item = _crud_shape(op)
        success = sorted(c for c in op.responses if c.isdigit() and c.startswith("2"))
        status = int(success[0]) if success else {"create": 201, "delete": 204}.get(kind, 200)
        response_schema = _json_schema(op.responses.get(str(status), {}).get("content"))
        request_schema = _json_schema((op.request_body or {}).get("content"))
        for code, response in op.responses.items():
            if (code.startswith("4") or code == "default") and error_model is None:
                error_model = _ref_name(_json_schema(response.get("content")))
                error_media = _json_media(response.get("content")) if error_model else error_media
        coll_path = "/" + "/".join(collection)
        name = collection[-1]
        res = resources.get(coll_path)
        if res is None:
            parent_param = (
                _TEMPLATE.match(collection[-2]).group(1)
                if len(collection) >= 2 and _TEMPLATE.match(collection[-2])
                else None
            )
            res = Resource(
                name=snake(name),
                singular=snake(_singular(name)),
                collection_path=coll_path,
                item_model="",
                id_param=None,
                id_schema={},
                id_field=None,
                parent="/" + "/".join(collection[:-2]) if parent_param else None,
                parent_param=parent_param,
                parent_field=None,
                list_shape="array",
            )
            resources[coll_path] = res
        if on_item:
            res.id_param = _TEMPLATE.match(segments[-1]).group(1)
            id_param = next((p for p in op.parameters if p.name == res.id_param and p.location == "path"), None)
            res.id_schema = id_param.schema if id_param else {"type": "string"}
        item_name = None
        if kind == "list" and response_schema is not None:
            item_name = _list_item(builder, res, response_schema)
        elif kind in ("create", "read", "replace", "update"):
            item_name = _ref_name(response_schema)
        if item_name and not res.item_model:
            res.item_model = item_name
        request_model = _ref_name(request_schema)
        if request_schema is not None and request_model is None:
            builder.gaps.append(
                f"{op.operation_id}: inline request body schemas are not supported; name it under components"
            )
        query = [
            Param(p.name, p.location, p.required, p.schema, _paging_role(p, builder.deref) if kind == "list" else None)
            for p in op.parameters
            if p.location == "query"
        ]
        # `limit` and `page_size` both size a page: one of them does.
        roles = [{"limit": "page_size"}.get(q.paging, q.paging) for q in query]
        for number, q in enumerate(query):
            if q.paging and roles[number] in roles[:number]:
                q.paging = None  # `limit` beside `maxResults`: the first one pages, the other is an ordinary parameter
        res.ops.append(
            Op(
                operation_id=op.operation_id,
                kind=kind,
                method=op.method,
                path=op.path,
                pointer=op.pointer,
                success_status=status,
                request_model=request_model,
                response_model=_ref_name(response_schema),
                query=query,
                error_statuses=sorted(int(c) for c in op.responses if c.isdigit() and c[0] in "45"),
                secured=_secured(op),
                summary=op.summary,
                body_optional=request_model is not None and (op.request_body or {}).get("required") is not True,
            )
        )
    if operation_ids and any(not r.item_model for r in resources.values()):
        # A selection may leave out every operation that names the item schema: the full spec knows it.
        known = {r.collection_path: r for r in build_api_model(spec, None).resources}
        for res in resources.values():
            whole = known.get(res.collection_path)
            if not res.item_model and whole is not None:
                res.item_model = whole.item_model
                res.id_param = res.id_param or whole.id_param
                res.id_schema = res.id_schema or whole.id_schema
    for name in {n for r in resources.values() for o in r.ops for n in (o.request_model, o.response_model) if n}:
        builder.model(name)
    for res in resources.values():
        if not res.item_model:
            left = ", ".join(f"{op.operation_id} ({op.method.upper()} {op.path})" for op in res.ops)
            builder.gaps.append(f"{res.collection_path}: no operation returns a named item schema, so {left} stay out")
            continue
        item = builder.model(res.item_model)
        names = {f.name for f in item.fields}
        res.id_field = "id" if "id" in names else (res.id_param if res.id_param in names else None)
        if res.parent_param and res.parent_param in names:
            res.parent_field = res.parent_param
        for f in item.fields:
            if f.read_only and f.required and f.name != res.id_field and not _server_fillable(builder.deref(f.schema)):
                builder.gaps.append(
                    f"{res.item_model}.{f.name}: read-only and required, but the server cannot derive it"
                )
    if error_model:
        builder.model(error_model)
    code_field, message_field = _error_fields(builder, error_model)
    kept = _without_orphans(spec, [r for r in resources.values() if r.item_model], operation_ids, builder.gaps)
    ordered = _ordered_models(builder.models)
    modeled = {(o.method, o.path) for r in kept for o in r.ops}
    return ApiModel(
        title=spec.title or "API",
        package=snake(spec.title or "api"),
        version=str((spec.data.get("info") or {}).get("version", "0.1.0")),
        models=ordered,
        resources=kept,
        security=_security(spec, ops),
        error_model=error_model,
        error_media_type=error_media,
        error_code_field=code_field,
        error_message_field=message_field,
        gaps=builder.gaps,
        secured_left=[(o.method, o.path) for o in ops if _secured(o) and (o.method, o.path) not in modeled],
    )


def _secured(op) -> bool:
    """Whether the operation needs credentials: a security requirement that is not the empty (anonymous) one."""
    return bool(op.security) and any(isinstance(r, dict) and r for r in op.security)


def _without_orphans(spec, resources: list[Resource], operation_ids: list[str] | None, gaps: list[str]) -> list:
    """`resources` less the nested collections whose parent is left out, each named in `gaps`: their routes must
    check that the parent exists, which needs the parent's storage and schema. The rest is still rendered."""
    chosen = {op.path for op in spec.operations if not operation_ids or op.operation_id in operation_ids}
    while orphans := [r for r in resources if r.parent and r.parent not in {x.collection_path for x in resources}]:
        for res in orphans:
            fix = (
                f"give an operation of {res.parent} a response with a named item schema"
                if any(re.fullmatch(re.escape(res.parent) + r"(/\{[^/]+\})?", path) for path in chosen)
                else f"add an operation of {res.parent}"
            )
            ops = ", ".join(f"{op.operation_id} ({op.method.upper()} {op.path})" for op in res.ops)
            gaps.append(
                f"{res.collection_path}: a nested collection needs its parent {res.parent} rendered too ({fix}), "
                f"so {ops} stay out"
            )
        resources = [r for r in resources if r not in orphans]
    return resources


def _singular(word: str) -> str:
    from specloom.core.specs.openapi import _singular as singular

    return singular(word)


def _server_fillable(schema: dict) -> bool:
    return schema.get("format") in ("date-time", "date", "uuid") or "integer" in _types(schema)


def _list_item(builder: _Builder, res: Resource, schema: dict) -> str | None:
    if "array" in _types(builder.deref(schema)) and not _ref_name(schema):
        return _ref_name(builder.deref(schema).get("items"))
    page_name = _ref_name(schema)
    props, _, merged = builder.flatten(schema)
    if "array" in _types(merged):
        return _ref_name(merged.get("items"))
    arrays = [
        (k, _ref_name(builder.deref(v).get("items")))
        for k, v in props.items()
        if "array" in _types(builder.deref(v)) and _ref_name(builder.deref(v).get("items"))
    ]
    if page_name and len(arrays) == 1:
        res.list_shape, res.page_model, res.page_items = "page", page_name, arrays[0][0]
        for role, names in PAGE_FIELDS.items():
            kinds = {"integer", "string"} if role == "next" else {"integer"}
            found = next(
                (k for k in names if k in props and kinds & set(_types(builder.deref(props[k])) or ["string"])), None
            )
            if found and role == "total":
                res.page_total = found
            elif found:
                res.page_fields[role] = found
        return arrays[0][1]
    return None


def _paging_role(param, deref) -> str | None:
    role = next((role for role, names in PAGING.items() if param.name in names), None)
    types = set(_types(deref(param.schema)) if isinstance(param.schema, dict) else [])
    if role == "cursor":
        return role if types & {"string", "integer"} or not types else None
    return role if "integer" in types else None


def _error_fields(builder: _Builder, error_model: str | None) -> tuple[str | None, str | None]:
    if not error_model:
        return None, None
    model = builder.models[error_model]
    strings = [f.name for f in model.fields if "string" in _types(builder.deref(f.schema))]
    code = next((n for n in strings if n in ("error", "code", "type", "title")), None)
    message = next((n for n in strings if n in ("message", "detail", "description", "msg")), None)
    return code, message


def _security(spec, ops) -> list[SecurityScheme]:
    components = spec.data.get("components") or {}
    schemes = components.get("securitySchemes") or {}
    used = {name for op in ops for req in (op.security or []) if isinstance(req, dict) for name in req}
    out = []
    for name in sorted(used):
        scheme = spec.deref(schemes.get(name, {}))
        kind = scheme.get("type")
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            out.append(SecurityScheme(name, "bearer"))
        elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            out.append(SecurityScheme(name, "basic"))
        elif kind == "apiKey":
            out.append(
                SecurityScheme(name, "apiKey", str(scheme.get("in", "header")), str(scheme.get("name", "X-API-Key")))
            )
        elif kind == "oauth2" or kind == "openIdConnect":
            out.append(SecurityScheme(name, "bearer"))
    return out


def _ordered_models(models: dict[str, Model]) -> dict[str, Model]:
    """Models in dependency order (a model after the ones it refers to), ties in name order."""
    deps = {name: _model_refs(m) & set(models) - {name} for name, m in models.items()}
    done: dict[str, Model] = {}
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done or name in visiting:
            return
        visiting.add(name)
        for dep in sorted(deps[name]):
            visit(dep)
        visiting.discard(name)
        done[name] = models[name]

    for name in sorted(models):
        visit(name)
    return done


def _model_refs(model: Model) -> set[str]:
    found: set[str] = set()
    stack: list = (
        [f.schema for f in model.fields] + [model.schema] if model.kind == "alias" else [f.schema for f in model.fields]
    )
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            name = _ref_name(node)
            if name:
                found.add(name)
            else:
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(node)
    return found
