"""The view the python-fastapi pack renders from: route functions, parameters, test data.

Computed in Python (and unit-tested) so the templates only lay text out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from specloom.backends.python_fastapi.lang import (
    SECRET_NAME,
    PythonTypes,
    Samples,
    identifier,
    unique,
    with_format_bounds,
)
from specloom.core.apimodel import ApiModel, Op, Resource, _ref_name, _types
from specloom.core.naming import snake
from specloom.templates.packs import PackError

# What a route module defines or imports, and the builtins its bodies call: a name from the spec never shadows them.
_MODULE_NAMES = frozenset(
    [
        "APIRouter",
        "Body",
        "Depends",
        "Path",
        "Query",
        "Request",
        "Response",
        "Annotated",
        "Any",
        "Literal",
        "UUID",
        "uuid4",
        "UTC",
        "date",
        "datetime",
        "ApiError",
        "not_found",
        "require_auth",
        "router",
        "get_repositories",
        "Repos",
        "Repositories",
        "_require_parent",
    ]
)
_BODY_NAMES = frozenset(
    [
        "body",
        "repos",
        "request",
        "items",
        "item",
        "total",
        "key",
        "current",
        "new_id",
        "str",
        "max",
        "min",
        "len",
        "int",
        "list",
        "dict",
    ]
)


# Query parameters that bound a numeric field (minPrice, price_gte, max_pages…), by their snake_case words.
_RANGES = [
    (re.compile(r"^(?:min|from)_(.+)$"), ">="),
    (re.compile(r"^(.+)_(?:min|from|gte|ge)$"), ">="),
    (re.compile(r"^(?:max|to)_(.+)$"), "<="),
    (re.compile(r"^(.+)_(?:max|to|lte|le)$"), "<="),
    (re.compile(r"^(.+)_gt$"), ">"),
    (re.compile(r"^(.+)_lt$"), "<"),
]
_NUMBERS = {"integer", "number"}
_SEARCH = {"q", "search", "query"}
_SORT = {"sort", "sort_by", "order_by"}
_ORDER = {"order", "direction", "sort_order", "sort_direction"}
SEARCHED = "specloom needle"  # what a generated test stores where a `q` search must find it

DEFAULT_PAGE_SIZE = 20  # a page's size when the spec lets the client leave it out and gives no default


@dataclass(slots=True)
class ParamView:
    py_name: str
    name: str
    declaration: str  # "limit: Annotated[int, Query(ge=1)] = 20"
    filter_field: str | None = None  # item field compared against this query parameter
    membership: bool = False  # the parameter is a list: item field must be one of its values
    has_default: bool = False
    paging: str | None = None  # what it does to a list (apimodel.PAGING)
    optional: bool = False  # None when absent: no default of its own
    compare: str | None = None  # ">=", "<=", ">", "<" against `filter_field`; "search"; "sort"; "order"
    search_fields: list[str] = field(default_factory=list)  # attributes a `q` search looks in
    sort_fields: dict[str, str] = field(default_factory=dict)  # JSON name -> attribute a `sort` may name
    sort_values: list[str] | None = None  # what a `sort` may be, where the spec lists it

    @property
    def searched(self) -> str:
        """The tuple of an item's attributes a search looks in."""
        attributes = ", ".join(f"item.{a}" for a in self.search_fields)
        return f"({attributes},)" if len(self.search_fields) == 1 else f"({attributes})"


@dataclass(slots=True)
class RouteView:
    op: Op
    func: str
    path_params: list[ParamView]
    query_params: list[ParamView]
    body_model: str | None
    response_model: str | None
    no_content: bool
    paging: dict[str, ParamView] = field(default_factory=dict)
    path: str = ""  # as the router takes it: a placeholder that is no identifier (`{pod-id}`) is renamed
    required_query: dict = field(default_factory=dict)  # valid values of the query parameters it requires
    size_expr: str | None = None  # the page size a list answers with (from `limit` or `pageSize`)
    page_base: int = 1  # the number of the first page
    page_values: list[tuple[str, str]] = field(default_factory=list)  # a page object's fields and their values
    next_is_int: bool = False  # the page object's `next` is a number, not a string
    body_optional: bool = False  # a request without a body stands for the body model's defaults

    @property
    def has_size(self) -> bool:
        """Whether the list body names its page size `size`."""
        pg = self.paging
        return bool("page" in pg or ("cursor" in pg and self.size_expr) or ("page_size" in pg and "limit" not in pg))

    def params(self, extra: str = "") -> str:
        """A request's `params=` argument: the required query parameters, and `extra` (a dict display)."""
        required = repr(self.required_query) if self.required_query else ""
        both = f"{{**{required}, **{extra}}}" if required and extra else required or extra
        return f", params={both}" if both else ""

    def value_or(self, role: str, fallback: object) -> str:
        """The expression of a paging parameter, or `fallback` where it is absent."""
        q = self.paging[role]
        return f"{q.py_name} if {q.py_name} is not None else {fallback!r}" if q.optional else q.py_name


@dataclass(slots=True)
class FilterView:
    name: str
    py_name: str
    field: str
    match: object  # the seeded item's value that the query selects
    other: object  # a second item's value that the query must leave out
    query: object  # what goes into the query string
    kind: str = "match"  # "match" (exact, membership, range, search) or "sort"
    orders: list[tuple[str, str]] = field(default_factory=list)  # sort: (value sent, order expected)


@dataclass(slots=True)
class ResourceView:
    res: Resource
    module: str
    repo_attr: str
    routes: list[RouteView] = field(default_factory=list)
    id_type: str = "str"
    path_id_type: str = "str"
    id_kind: str = "uuid"  # uuid | int | str
    create_fields: list[str] = field(default_factory=list)  # read-only fields the server fills on create
    server_owned: list[str] = field(default_factory=list)  # attributes the item makes read-only but a body sends
    sample_create: dict | None = None
    missing_id: str = ""
    parent_repo: str | None = None
    parent_py: str | None = None
    parent_view: ResourceView | None = None
    parent_key: object = None
    key_kind: str = "uuid"
    key_pool: list | None = None  # ids of a constrained string type that tests store items under
    first_key: int = 100  # the first integer id tests store items under
    first_id: int | None = None  # the first integer id the server assigns, where 1 is below the id's minimum
    new_id: str = "str(uuid4())"  # how the server makes a string id (the capability check refuses the rest)
    client_sets_id: bool = False
    server_fills: list[tuple[str, str]] = field(default_factory=list)
    kept_on_replace: list[str] = field(default_factory=list)
    sample_item: dict = field(default_factory=dict)
    update_body: dict | None = None
    filters: list[FilterView] = field(default_factory=list)

    echo_models: dict = field(default_factory=dict)  # response model name -> the fields it shows
    attrs: dict[str, str] = field(default_factory=dict)  # the item's JSON field names -> attribute names

    def attr(self, name: str) -> str:
        return self.attrs[name]

    def echoed(self, route: RouteView, body: dict | None) -> list[str] | None:
        """The body's fields the operation's answer shows (None: all of them), for tests to compare."""
        shown = self.echo_models.get(route.response_model)
        if body is None or shown is None:
            return None
        # The answer leaves out nulls (response_model_exclude_none), so a null sent is not compared.
        names = [name for name, value in body.items() if name in shown and value is not None]
        return None if names == list(body) else names

    @property
    def secured_routes(self) -> list[RouteView]:
        return [r for r in self.routes if r.op.secured]

    @property
    def has_read(self) -> bool:
        return self.res.op("read") is not None

    def url(self, key_expr: str | None, parent_expr: str = "PARENT") -> str:
        path = self.res.collection_path
        if self.res.parent_param:
            path = path.replace("{" + self.res.parent_param + "}", "{" + parent_expr + "}")
        for name, value in self.ancestor_keys().items():
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        if key_expr is not None and self.res.id_param:
            path += "/{" + key_expr + "}"
        return f'f"{path}"' if "{" in path else f'"{path}"'

    def ancestor_keys(self) -> dict[str, object]:
        """Keys for the path parameters above the parent (`/a/{aId}/b/{bId}/c`: aId): the routes check only
        the parent, so any valid key of each ancestor does; the ones its parent's own tests use."""
        keys: dict[str, object] = {}
        view = self.parent_view
        while view is not None and view.res.parent_param:
            keys[view.res.parent_param] = view.parent_key
            view = view.parent_view
        return keys

    def list_url(self) -> str:
        return self.url(None)

    def list_url_with_parent(self, parent_expr: str) -> str:
        return self.url(None, parent_expr)

    def item_url(self) -> str:
        return self.url("key_of(stored)")

    def item_url_of(self, var: str) -> str:
        return self.url(f"key_of({var})")

    def sample_url(self, route: RouteView) -> str:
        path = route.op.path
        for p in route.path_params:
            path = path.replace("{" + p.name + "}", self.missing_id)
        for name, value in self.ancestor_keys().items():
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        return path


class FastAPIView:
    def __init__(self, api: ApiModel, deref):
        self.api = api
        self.types = PythonTypes(api, deref)
        self.samples = Samples(api, deref)
        self.deref = deref
        names = [snake(r.name) for r in api.resources]
        # Two collections of one name (/books and /authors/{id}/books) get modules named by their whole paths.
        self._modules = {
            r.collection_path: name if names.count(name) == 1 else snake(_static_segments(r.collection_path))
            for r, name in zip(api.resources, names, strict=True)
        }
        self._done: list[ResourceView] = []
        for res in sorted(api.resources, key=lambda r: r.collection_path.count("/")):
            self._done.append(self._resource(res))
        self.resources = [next(v for v in self._done if v.res is r) for r in api.resources]

    def error_body(self) -> str:
        return json.dumps({self.api.error_code_field: "x", self.api.error_message_field: "y"})

    def _resource(self, res: Resource) -> ResourceView:
        module = self._modules[res.collection_path]
        view = ResourceView(res, module=module, repo_attr=module)
        module_names = set(_MODULE_NAMES) | set(self.api.models)
        view.path_id_type = _python_id_type(self.deref(res.id_schema) if res.id_schema else {})  # as the path takes it
        id_schema = self._id_schema(res)
        if id_schema.get("format") == "uuid":
            view.id_type, view.id_kind = "UUID", "uuid"
        elif "integer" in _types(id_schema):
            view.id_type, view.id_kind = "int", "int"
        else:
            view.id_type, view.id_kind = "str", "str"
        item = self.api.models[res.item_model]
        view.attrs = self.types.field_names(item)
        create = res.op("create")
        request = self.api.models.get(create.request_model) if create and create.request_model else None
        request_fields = {f.name for f in request.fields} if request else set()
        # A read-only id in the create body is the server's to assign, even when the body is the item schema.
        writable = {f.name for f in request.fields if not f.read_only} if request else set()
        # Sample bodies come from the create schema, else from whichever write operation was selected.
        writer = next((o for o in (create, res.op("replace"), res.op("update")) if o and o.request_model), None)
        body_model = self.api.models.get(writer.request_model) if writer else None
        # What the item declares read-only is the server's, even where the request schema lets a client send it.
        owned = {f.name for f in item.fields if f.read_only and f.name in writable} - {res.id_field, res.parent_field}
        view.server_owned = sorted(self.types.field_names(request)[name] for name in owned) if request else []
        view.create_fields = [
            f.name
            for f in item.fields
            if (f.name not in request_fields or f.name in owned)
            and f.name != res.id_field
            and f.name != res.parent_field
            and f.required
        ]
        if body_model:
            view.sample_create = self.samples.model(body_model, include_read_only=False)
        view.key_kind = view.id_kind
        self._keys(view, id_schema)
        view.client_sets_id = bool(res.id_field and res.id_field in writable)
        view.new_id = _new_id(view.id_kind, id_schema)
        view.server_fills = [
            (name, _fill_expr(self.deref(_field_schema(item, name)), self.samples)) for name in view.create_fields
        ]
        view.kept_on_replace = [
            f.name for f in item.fields if f.read_only or f.name in (res.id_field, res.parent_field)
        ]
        view.sample_item = {
            k: v for k, v in self.samples.model(item).items() if k not in (res.id_field, res.parent_field)
        }
        if view.sample_create is not None:
            kept = {f.name for f in item.fields if f.read_only}
            view.update_body = _changed(view.sample_create, body_model, self.deref, self.samples.valid, kept)
        if res.parent:
            parent = next((r for r in self.api.resources if r.collection_path == res.parent), None)
            if parent:
                view.parent_repo = self._modules[parent.collection_path]
                view.parent_py = unique(identifier(snake(res.parent_param)), module_names | _BODY_NAMES)
                view.parent_view = next((v for v in self._done if v.res is parent), None) or self._resource(parent)
                view.parent_key = {"int": 1, "uuid": "11111111-1111-4111-8111-111111111111"}.get(
                    view.parent_view.id_kind
                ) or self.samples.value(self._parent_key_schema(res, parent))
        for op in res.ops:
            view.routes.append(self._route(view, op, module_names))
        view.echo_models = {
            name: {f.name for f in model.fields if not f.write_only and not f.read_only}  # the server keeps those
            for name, model in self.api.models.items()
            if any(r.response_model == name for r in view.routes)
        }
        list_route = next((r for r in view.routes if r.op.kind == "list"), None)
        if list_route:
            view.filters = [
                self._filter(view, q, item)
                for q in list_route.query_params
                if q.filter_field or (q.compare == "sort" and q.sort_fields)
            ]
            order = next((q for q in list_route.query_params if q.compare == "order"), None)
            if order is not None and not any(q.compare == "sort" for q in list_route.query_params):
                order.compare = None  # an order with nothing to sort by is not applied (the plan says so)
        return view

    def _keys(self, view: ResourceView, schema: dict) -> None:
        """The ids tests store items under and the one they ask for to get a 404: all valid for the id's schema,
        so a test never meets a 422 where it means a 404."""
        if view.id_kind == "uuid":
            view.missing_id = "00000000-0000-4000-8000-000000000000"
        elif view.id_kind == "int":
            low, high = schema.get("minimum"), schema.get("maximum")
            low = int(low) if isinstance(low, (int, float)) and not isinstance(low, bool) else None
            high = int(high) if isinstance(high, (int, float)) and not isinstance(high, bool) else None
            view.first_key = 100 if (low is None or low <= 100) and (high is None or high >= 1000) else (low or 1)
            view.missing_id = str(high if high is not None else 987654321)
            if low is not None and low > 1:
                view.first_id = low  # what the server assigns first
        elif not ({"pattern", "enum", "format", "minLength", "maxLength"} & set(schema)):
            view.missing_id = "no-such-id"
        else:
            values = [v for v in schema.get("enum") or [] if isinstance(v, str)]
            if schema.get("enum") and len(values) < 3:
                raise PackError(
                    f"{view.res.collection_path} and {view.res.collection_path}/{{{view.res.id_param}}}: its ids are "
                    f"an enum of {len(values)} value(s); a stored collection "
                    "and its tests need at least 3 (two items and an unknown one)"
                )
            first = schema["enum"][0] if schema.get("enum") else self.samples.string(schema)
            pool = [v for v in schema["enum"] if isinstance(v, str)][:5] if schema.get("enum") else [first]
            pool += [v for v in _variants(first) if v not in pool and self.samples.valid(schema, v)][: 5 - len(pool)]
            view.key_pool, view.missing_id = pool[:-1], pool[-1]

    def _parent_key_schema(self, res: Resource, parent: Resource) -> dict:
        """The schema a parent's key in a child's path must satisfy: the parent's path parameter, else the child's
        field that holds it, where either constrains more than the parent's id field."""
        item = self.api.models[res.item_model]
        held = next((f.schema for f in item.fields if f.name == res.parent_field), None) if res.parent_field else None
        for schema in (parent.id_schema, held):
            schema = self.deref(schema) if schema else {}
            if {"enum", "pattern", "format"} & set(schema):
                return schema
        return self._id_schema(parent)

    def _id_schema(self, res: Resource) -> dict:
        """The schema of a resource's ids: its item's id field, else its path parameter."""
        if res.id_field:
            item_field = next(f for f in self.api.models[res.item_model].fields if f.name == res.id_field)
            return self.deref(item_field.schema) if _ref_name(item_field.schema) else item_field.schema
        return self.deref(res.id_schema) if res.id_schema else {}

    def _filter(self, view: ResourceView, q: ParamView, item) -> FilterView:
        if q.compare == "sort":
            # Tests sort by a field with a value to sort by; one whose sample is fixed (an enum) is no use.
            name = next(iter(q.sort_fields))
            field_ = next(f for f in item.fields if f.name == name)
        else:
            field_ = next(f for f in item.fields if view.attrs[f.name] == q.filter_field)
        schema = self.deref(field_.schema) if _ref_name(field_.schema) else field_.schema
        match = view.sample_item.get(field_.name, self.samples.value(field_.schema))
        other = _other_value(schema, match, self.samples.valid)
        if q.compare == "search":
            return FilterView(q.name, q.py_name, field_.name, SEARCHED, match, "needle")
        if q.compare in (">=", "<=", ">", "<"):
            low, high = sorted([match, other])
            match, other, query = {
                ">=": (high, low, high),
                "<=": (low, high, low),
                ">": (high, low, low),
                "<": (low, high, high),
            }[q.compare]
            return FilterView(q.name, q.py_name, field_.name, match, other, query)
        if q.compare == "sort":
            low, high = sorted([match, other])
            sort = FilterView(q.name, q.py_name, field_.name, low, high, field_.name, kind="sort")
            sort.orders = [(field_.name, "low_high")]
            if q.sort_values is None or "-" + field_.name in q.sort_values:
                sort.orders.append(("-" + field_.name, "high_low"))
            return sort
        if other == match or not self.samples.valid(schema, other):
            other = None  # a one-value enum: nothing else to leave out, the test shows the filter keeps what matches
        return FilterView(q.name, q.py_name, field_.name, match, other, [match] if q.membership else match)

    def _route(self, view: ResourceView, op: Op, module_names: set[str]) -> RouteView:
        res = view.res
        local = set(module_names) | _BODY_NAMES
        path_params = []
        path = op.path
        if res.parent_param:
            parent_type = view.parent_view.path_id_type if view.parent_view else "str"
            py = view.parent_py or unique(identifier(snake(res.parent_param)), local)
            local.add(py)
            placeholder = _placeholder(res.parent_param, py)
            path = path.replace("{" + res.parent_param + "}", "{" + placeholder + "}")
            path_params.append(
                ParamView(py, res.parent_param, f"{py}: Annotated[{parent_type}, Path(alias={placeholder!r})]")
            )
        if op.kind in ("read", "replace", "update", "delete") and res.id_param:
            py = unique(identifier(snake(res.id_param)), local)
            placeholder = _placeholder(res.id_param, py)
            path = path.replace("{" + res.id_param + "}", "{" + placeholder + "}")
            path_params.append(
                ParamView(py, res.id_param, f"{py}: Annotated[{view.path_id_type}, Path(alias={placeholder!r})]")
            )
        # Python wants parameters without a default first; FastAPI reads them by name, so order is free.
        query = sorted((self._query(view, p, local) for p in op.query), key=lambda q: q.has_default)
        response = op.response_model if op.kind != "delete" else None
        if op.kind == "list" and res.list_shape == "array":
            response = f"list[{res.item_model}]"
        no_content = op.kind == "delete" or (op.response_model is None and op.kind in ("create", "replace", "update"))
        route = RouteView(
            op,
            unique(identifier(snake(op.operation_id)), module_names),
            path_params,
            query,
            op.request_model,
            response,
            no_content,
            paging={q.paging: q for q in query if q.paging},
            path=path,
            required_query={
                q.name: self._required_value(view, q, p) for q, p in _by_name(query, op.query) if p.required
            },
        )
        body = self.api.models.get(op.request_model) if op.request_model else None
        # Leaving out an optional body means "all defaults" only where the schema requires nothing.
        route.body_optional = bool(body and op.body_optional and not any(f.required for f in body.fields))
        sizer = route.paging.get("page_size") or route.paging.get("limit")
        if sizer is not None:
            route.size_expr = f"max({route.value_or(sizer.paging, DEFAULT_PAGE_SIZE)}, 0)"
        elif "page" in route.paging:
            route.size_expr = str(DEFAULT_PAGE_SIZE)
        page = next((p for p in op.query if p.paging == "page"), None)
        if page is not None:
            schema = self.deref(page.schema)
            route.page_base = 0 if schema.get("minimum") == 0 or schema.get("default") == 0 else 1
        if op.kind == "list" and res.list_shape == "page":
            route.page_values = self._page_values(res, route)
        return route

    def _required_value(self, view: ResourceView, q: ParamView, p) -> object:
        """A value for a query parameter every request must carry; one that filters keeps the seeded items."""
        item = self.api.models[view.res.item_model]
        field_ = next((f.name for f in item.fields if view.attrs[f.name] == q.filter_field), None)
        if field_ in view.sample_item and q.compare in (None, ">=", "<="):
            value = view.sample_item[field_]
            return [value] if q.membership else value
        return self.samples.value(p.schema)

    def _page_values(self, res: Resource, route: RouteView) -> list[tuple[str, str]]:
        known = {res.page_items: "items"}
        if res.page_total:
            known[res.page_total] = "total"
        roles = res.page_fields
        if "page" in roles and "page" in route.paging:
            known[roles["page"]] = "number"
        if "page_size" in roles and route.has_size:
            known[roles["page_size"]] = "size"
        if "next" in roles and "cursor" in route.paging:
            known[roles["next"]] = "next_cursor"
            next_field = next(f for f in self.api.models[res.page_model].fields if f.name == roles["next"])
            route.next_is_int = "integer" in _types(self.deref(next_field.schema))
        values = list(known.items())
        # Whatever else the page object requires gets a valid value, so the answer keeps to its schema.
        for f in self.api.models[res.page_model].fields:
            if f.required and f.name not in known:
                values.append((f.name, repr(self.samples.value(f.schema))))
        return values

    def _query(self, view: ResourceView, p, local: set[str]) -> ParamView:
        schema = with_format_bounds(self.deref(p.schema) if _ref_name(p.schema) else p.schema)
        py = unique(identifier(snake(p.name)), local)
        annotation = self.types.type_of(p.schema)
        constraints = []
        for key, arg in (
            ("minimum", "ge"),
            ("maximum", "le"),
            ("minLength", "min_length"),
            ("maxLength", "max_length"),
        ):
            if isinstance(schema.get(key), (int, float)) and not isinstance(schema.get(key), bool):
                constraints.append(f"{arg}={schema[key]!r}")
        alias = [f"alias={p.name!r}"] if py != p.name else []
        query_args = ", ".join(alias + constraints)
        default = schema.get("default") if not _ref_name(p.schema) else self.deref(p.schema).get("default")
        if p.required:
            decl = f"{py}: Annotated[{annotation}, Query({query_args})]"
        elif default is not None and not isinstance(default, (list, dict)):  # a mutable default is shared (B006)
            decl = f"{py}: Annotated[{annotation}, Query({query_args})] = {default!r}"
        else:
            decl = f"{py}: Annotated[{annotation} | None, Query({query_args})] = None"
        item_fields = {f.name: f for f in self.api.models[view.res.item_model].fields}
        view_ = ParamView(py, p.name, decl, None, False, not p.required, p.paging, optional=decl.endswith("= None"))
        if p.paging is None:
            self._convention(view_, p.name, schema, item_fields, view.attrs)
        return view_

    def _convention(self, q: ParamView, name: str, schema: dict, item_fields: dict, attrs: dict) -> None:
        """What a list's query parameter does, from its name: the conventions public APIs follow."""
        types = set(_types(schema))
        if name in item_fields:
            field_schema = self.deref(item_fields[name].schema)
            # Compared with ==, so only a parameter read as the field is (same JSON type and format) filters it.
            same = set(_types(field_schema)) - {"null"} == types - {"null"}
            if same and field_schema.get("format") == schema.get("format"):
                q.filter_field = attrs[name]
            return
        if "array" in types:
            singular = name[:-1] if name.endswith("s") else name
            if singular in item_fields:
                q.filter_field, q.membership = attrs[singular], True
            return
        words = snake(name)
        by_snake = {snake(n): f for n, f in item_fields.items()}
        for pattern, compare in _RANGES:
            m = pattern.match(words)
            target = by_snake.get(m.group(1)) if m else None
            if target is not None and types & _NUMBERS and set(_types(self.deref(target.schema))) & _NUMBERS:
                q.filter_field, q.compare = attrs[target.name], compare
                return
        strings = [f for f in item_fields.values() if set(_types(self.deref(f.schema))) == {"string"}]
        if words in _SEARCH and "string" in types:
            accepting = [f for f in strings if self.samples.valid(self.deref(f.schema), SEARCHED)]
            if accepting:
                q.compare, q.filter_field = "search", attrs[accepting[0].name]
                q.search_fields = [attrs[f.name] for f in strings if not self.deref(f.schema).get("format")]
            return
        if words in _SORT and "string" in types:
            q.sort_fields = {
                f.name: attrs[f.name]
                for f in item_fields.values()
                if len(set(_types(self.deref(f.schema))) & {"string", "integer", "number"}) == 1
                and not self.deref(f.schema).get("enum")
            }
            allowed = schema.get("enum")
            if isinstance(allowed, list):  # only the fields it may name
                named = {str(v).removeprefix("-") for v in allowed}
                q.sort_fields = {k: v for k, v in q.sort_fields.items() if k in named}
                q.sort_values = [str(v) for v in allowed]
            q.compare = "sort" if q.sort_fields else None
        elif words in _ORDER and "string" in types:
            q.compare = "order"


def _new_id(kind: str, schema: dict) -> str:
    """A fresh id the schema accepts: a uuid, or one cut to the string's length bounds."""
    if kind != "str":
        return "uuid4()"
    low, high = int(schema.get("minLength") or 0), schema.get("maxLength")
    if low <= 36 and (high is None or high >= 36):
        return "str(uuid4())"
    size = max(low, min(32, int(high)))
    return f"uuid4().hex[:{size}]" if size <= 32 else f"(uuid4().hex * {size // 32 + 1})[:{size}]"


def _by_name(views: list[ParamView], params: list) -> list[tuple[ParamView, object]]:
    by_name = {p.name: p for p in params}
    return [(q, by_name[q.name]) for q in views]


def _placeholder(name: str, py_name: str) -> str:
    """A path parameter's name as the router can match it: Starlette takes only identifiers there."""
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else py_name


def _field_schema(model, name: str) -> dict:
    return next(f.schema for f in model.fields if f.name == name)


def _fill_expr(schema: dict, samples: Samples) -> str:
    """How the server fills a required field the create body does not carry."""
    fmt = schema.get("format")
    if fmt == "date-time":
        return "datetime.now(UTC)"
    if fmt == "date":
        return "datetime.now(UTC).date()"
    if fmt == "uuid":
        return "uuid4()"
    if "integer" in _types(schema) or "number" in _types(schema):
        return "0" if samples.valid(schema, 0) else repr(samples.value(schema))
    return repr(samples.value(schema))


_OTHER_FORMATTED = {
    "uuid": ("6f1c5f0e-3d2b-4c8a-9e7f-0a1b2c3d4e5f", "7a2d6e1f-4e3c-4d9b-8f0a-1b2c3d4e5f60"),
    "date": ("2026-02-16", "2026-03-17"),
    "date-time": ("2026-02-16T10:45:00Z", "2026-03-17T11:50:00Z"),
    "email": ("grace@example.com", "alan@example.com"),
    "uri": ("https://example.com/b", "https://example.com/c"),
}


def _variants(value: str):
    """Strings like `value`, one character changed for another of its kind, from the end."""
    for i in range(len(value) - 1, -1, -1):
        char = value[i]
        if char.isdigit():
            others = "0123456789"
        elif char.isupper():
            others = "ABCDEFGHIJ"
        elif char.isalpha():
            others = "abcdefghij"
        else:
            continue
        for other in others:
            if other != char:
                yield value[:i] + other + value[i + 1 :]


_FORMAT_MAX = {"int32": 2**31 - 1, "int64": 2**63 - 1}


def _other_value(schema: dict, value: object, valid=None) -> object:
    """A value of the schema that differs from `value` (valid for it, where `valid` can tell)."""
    enum = [v for v in schema.get("enum") or [] if v is not None and v != value]
    if enum:
        return enum[0]
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        # The format's range counts too: the models bound int32 and int64 as the schema's own maximum would.
        highs = [h for h in (schema.get("maximum"), _FORMAT_MAX.get(schema.get("format"))) if h is not None]
        high = min(highs) if highs else None
        # A float as big as 1e300 does not change by one: halving or doubling it does.
        half = value // 2 if isinstance(value, int) else value / 2
        for candidate in (value + 1, value - 1, half, value * 2):
            fits = high is None or candidate <= high
            if candidate != value and fits and (valid is None or valid(schema, candidate)):
                return candidate
        return value - 1
    if not isinstance(value, str):
        return value
    formatted = _OTHER_FORMATTED.get(schema.get("format"))
    if formatted:
        return formatted[0] if formatted[0] != value else formatted[1]
    # Change one character for another of its kind, from the end, until the schema still accepts it.
    for i in range(len(value) - 1, -1, -1):
        char = value[i]
        for other in ("8" if char == "7" else "7") if char.isdigit() else ("b" if char != "b" else "c", "B", "_"):
            changed = value[:i] + other + value[i + 1 :]
            if valid is None or valid(schema, changed):
                return changed
    return value + "b" if value else "b"


def _changed(sample: dict, model, deref, valid, kept: set[str]) -> dict:
    """The create sample with one free-text field changed, so an update is visible: a plain string the server
    does not keep (`kept`), valid after the change, and not named like a secret (scanners would flag it)."""
    out = dict(sample)
    for f in model.fields:
        schema = deref(f.schema) if _ref_name(f.schema) else f.schema
        plain = _types(schema) == ["string"] and not ({"enum", "pattern", "format"} & set(schema))
        if f.name in out and isinstance(out[f.name], str) and plain and f.name not in kept:
            changed = _other_value(schema, out[f.name], valid)
            if valid(schema, changed) and not SECRET_NAME.search(f.name):
                out[f.name] = changed
                break
    return out


def _python_id_type(schema: dict) -> str:
    if schema.get("format") == "uuid":
        return "UUID"
    return "int" if "integer" in _types(schema) else "str"


def _static_segments(path: str) -> str:
    return "_".join(s for s in path.split("/") if s and not s.startswith("{"))
