"""The view the go-nethttp pack renders from: Go structs, validation rules, handlers and test data.

The CRUD conventions (paging roles, filters, sample data, ids, server-filled fields) are the ones the
python-fastapi pack applies; they are read from its view so both packs answer the same spec the same way,
and only their Go spelling is computed here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from specloom.backends.go_nethttp.lang import TAKEN, exported, field_kind, go_json, go_number, go_string, unique
from specloom.backends.python_fastapi.lang import with_format_bounds
from specloom.backends.python_fastapi.view import (
    DEFAULT_PAGE_SIZE,
    FastAPIView,
    ParamView,
    ResourceView,
    _other_value,
)
from specloom.core.apimodel import ApiModel, Model, _ref_name, _types

_FORMATS = ("date", "date-time", "uuid", "email", "uri")


@dataclass(slots=True)
class GoField:
    json: str
    go: str
    base: str  # string, int64, float64, bool, []string…
    pointer: bool
    required: bool
    nullable: bool
    rule: str  # the Go `rule{...}` literal
    default: str | None = None  # a Go expression of the default, where the schema gives one
    write_only: bool = False  # read from requests, never shown in an answer
    read_only: bool = False  # the server's: a request's value is not read

    @property
    def type(self) -> str:
        return ("*" if self.pointer else "") + self.base

    @property
    def tag(self) -> str:
        if self.write_only:
            return '`json:"-"`'
        omit = ",omitempty" if not self.required else ""
        return f'`json:"{self.json}{omit}"`'

    @property
    def decoder(self) -> str:
        return {"string": "stringField", "int64": "intField", "float64": "numberField", "bool": "boolField"}.get(
            self.base,
            {"[]string": "stringsField", "[]int64": "intsField", "[]float64": "numbersField"}.get(
                self.base, "boolsField"
            ),
        )


@dataclass(slots=True)
class GoModel:
    name: str
    fields: list[GoField]
    forbid_unknown: bool
    decoded: bool  # a request body: it gets a decode function

    def field(self, json_name: str) -> GoField | None:
        return next((f for f in self.fields if f.json == json_name), None)


@dataclass(slots=True)
class Violation:
    """A body that breaks one rule of a request schema, for the generated tests."""

    what: str
    body: str  # Go string literal of the JSON body


@dataclass(slots=True)
class QueryView:
    name: str
    var: str
    parser: str  # queryInt, queryString…
    rule: str
    paging: str | None
    filter: str | None  # a Go boolean expression over `item` and the parameter's value
    fails: bool = True  # whether some value of it is refused (a number that is none, a bound, a length)
    err: str = "_"  # the Go variable of its parse error
    sorting: str | None = None  # "sort" (names the field to sort by) or "order" (asc/desc) where applied

    @property
    def used_or_fails(self) -> bool:
        return bool(self.filter or self.paging or self.fails or self.sorting)


@dataclass(slots=True)
class RouteGo:
    op: object
    func: str
    pattern: str  # "GET /books/{bookId}"
    body: GoModel | None
    queries: list[QueryView]
    window: str | None = None  # Go statements paging `items`
    page_body: list[tuple[str, str]] = field(default_factory=list)  # a page object's (field, Go expression)
    required_query: str = ""  # "?a=1&b=2": what every request must carry
    violations: list[Violation] = field(default_factory=list)
    minimal_body: str | None = None
    sample: str | None = None  # Go literal of a valid body
    null_body: str | None = None  # a valid body with every nullable field null, where it has any
    unshown: list[str] = field(default_factory=list)  # body fields the answer does not show as sent
    page_cases: list[dict] = field(default_factory=list)  # paging tests: name, query, the keys wanted
    query_violations: list[str] = field(default_factory=list)  # query strings it must refuse with 422

    def query_with(self, extra: str) -> str:
        return f"{self.required_query}&{extra}" if self.required_query else f"?{extra}"


@dataclass(slots=True)
class ResourceGo:
    py: ResourceView
    module: str
    name: str  # Go name of the resource (`Books`)
    item: GoModel
    repo: str  # the Store field
    routes: list[RouteGo]
    key_kind: str  # int | uuid | str
    id_field: GoField | None
    parent: ResourceGo | None = None
    parent_field: GoField | None = None
    parent_kind: str = "str"
    create_lines: list[str] = field(default_factory=list)
    replace_lines: list[str] = field(default_factory=list)
    update_lines: list[str] = field(default_factory=list)
    sample_item: str = ""  # Go literal of a stored item's JSON (without id and parent)
    create_body: str | None = None
    update_body: str | None = None
    missing: str = ""
    parent_key: str = ""
    filters: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)  # the fields a `sort` may name: comparison and test data
    parent_assign: str = ""  # sets the new item's parent field from the path's `parent` key
    client_key: str | None = None  # the storage key of an id the client sends

    @property
    def res(self):
        return self.py.res

    @property
    def read_only(self) -> set[str]:
        """The item's read-only fields: the server sets them, even where the request schema is the item's own."""
        return {f.json for f in self.item.fields if f.read_only}

    def parent_of(self, var: str) -> str:
        """The parent key an item (the Go variable `var`) names, as a string."""
        f = self.parent_field
        return f"strconv.FormatInt({var}.{f.go}, 10)" if f.base == "int64" else f"{var}.{f.go}"

    @property
    def test_keys(self) -> list[str]:
        return [str(k) for k in self.py.key_pool] if self.py.key_pool else ["key-1", "key-2", "key-3"]

    def unsigned_target(self, route: RouteGo) -> str:
        """A Go literal of the route's path with any keys and its required query: what a 401 test asks for."""
        path = route.op.path
        if self.py.res.parent_param:
            path = path.replace("{" + self.py.res.parent_param + "}", self.parent_key or "1")
        if self.py.res.id_param:
            path = path.replace("{" + self.py.res.id_param + "}", self.missing)
        for name, value in self.py.ancestor_keys().items():
            path = path.replace("{" + name + "}", str(value))
        return go_string(path + route.required_query)

    def route(self, kind: str) -> RouteGo | None:
        return next((r for r in self.routes if r.op.kind == kind), None)

    @property
    def url(self) -> str:
        """The collection's path in tests, the parent's key written in."""
        path = self.py.res.collection_path
        if self.py.res.parent_param:
            path = path.replace("{" + self.py.res.parent_param + "}", "%s")
        for name, value in self.py.ancestor_keys().items():
            path = path.replace("{" + name + "}", str(value))
        return path


class GoView:
    def __init__(self, api: ApiModel, deref, package: str):
        self.api = api
        self.deref = deref
        self.py = FastAPIView(api, deref)
        self.samples = self.py.samples
        self.uses: set[str] = set()
        self.gaps: list[str] = []
        self._patterns: dict[str, str] = {}  # regular expression -> the Go variable compiled from it
        self._handlers: set[str] = set()  # handler names taken (two operation ids may spell one Go name)
        taken = set(TAKEN)
        self.model_names = {name: unique(exported(name), taken) for name in api.models}
        wanted: dict[str, bool] = {}
        for res in api.resources:
            wanted.setdefault(res.item_model, False)
            for op in res.ops:
                if op.request_model:
                    wanted[op.request_model] = True
        self.models = {name: self._model(api.models[name], decoded) for name, decoded in wanted.items()}
        self.resources: list[ResourceGo] = []
        by_path: dict[str, ResourceGo] = {}
        for rv in sorted(self.py.resources, key=lambda v: v.res.collection_path.count("/")):
            go = self._resource(rv, by_path)
            by_path[rv.res.collection_path] = go
        self.resources = [by_path[rv.res.collection_path] for rv in self.py.resources]
        self.patterns = sorted(self._patterns.items(), key=lambda kv: kv[1])
        # Where tests send bodies that are no JSON object: a create needing no stored parent.
        self.first_body = next(
            ((rv, r) for rv in self.resources for r in rv.routes if r.op.kind == "create" and r.body and not rv.parent),
            None,
        )
        self._derived_uses()

    def _derived_uses(self) -> None:
        uses = self.uses
        if uses & {"stringField", "queryString"}:
            uses.add("checkString")
        if uses & {"intField", "numberField", "queryInt", "queryNumber"}:
            uses.add("checkNumber")
        if uses & {"stringsField", "intsField", "numbersField", "boolsField", "queryStrings"}:
            uses.add("checkItems")
        if uses & {"stringField", "intField", "numberField", "boolField", "stringsField", "intsField"}:
            uses.add("present")
        if uses & {"numbersField", "boolsField"}:
            uses.add("present")
        bodies = any(route.body for r in self.resources for route in r.routes)
        failing = any(q.fails and q.used_or_fails for r in self.resources for route in r.routes for q in route.queries)
        if bodies:
            uses.add("body")
        if bodies or failing:
            uses.add("writeInvalid")
        if uses & {"present", "checkString", "checkNumber", "checkItems", "queryString", "queryStrings"}:
            uses |= {"rule", "invalid"}
        if any(r.parent_field for r in self.resources) or any(
            q.filter for r in self.resources for route in r.routes for q in route.queries
        ):
            uses.add("filter")

    def _pattern_var(self, pattern: str) -> str:
        if pattern not in self._patterns:
            self._patterns[pattern] = f"pattern{len(self._patterns) + 1}"
        return self._patterns[pattern]

    def _rule(self, schema: dict, required: bool, nullable: bool, query: bool = False) -> str:
        schema = with_format_bounds(self.deref(schema) if _ref_name(schema) else schema)
        parts = []
        if required:
            parts.append("required: true")
            self.uses.add("query-required" if query else "required")
        if nullable:
            parts.append("nullable: true")
            self.uses.add("nullable")
        if "array" in _types(schema):
            for key in ("minItems", "maxItems"):
                if isinstance(schema.get(key), int) and not isinstance(schema.get(key), bool):
                    parts.append(f"{key}: {schema[key]}" if key == "minItems" else f"maxItems: size({schema[key]})")
                    self.uses.add(key)
            return "rule{" + ", ".join(parts) + "}"
        if isinstance(schema.get("minLength"), int) and schema["minLength"] > 0:
            parts.append(f"minLength: {schema['minLength']}")
            self.uses.add("minLength")
        if isinstance(schema.get("maxLength"), int):
            parts.append(f"maxLength: size({schema['maxLength']})")
            self.uses.add("maxLength")
        if isinstance(schema.get("pattern"), str):
            parts.append(f"pattern: {self._pattern_var(schema['pattern'])}")
            self.uses.add("pattern")
        enum = [v for v in schema.get("enum") or [] if isinstance(v, str)]
        if enum:
            parts.append("enum: []string{" + ", ".join(go_string(v) for v in enum) + "}")
            self.uses.add("enum")
        if "string" in _types(schema) or enum:
            fmt = schema.get("format")
            if fmt in _FORMATS:
                parts.append(f"format: {go_string(fmt)}")
                self.uses.add("format")
                self.uses.add("format:" + fmt)
        for key in ("minimum", "maximum"):
            value = schema.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and _types(schema) != ["string"]:
                parts.append(f"{key}: bound({go_number(value, 'float64')})")
                self.uses.add(key)
        return "rule{" + ", ".join(parts) + "}"

    def _model(self, model: Model, decoded: bool) -> GoModel:
        taken: set[str] = set()
        fields = []
        for f in model.fields:
            base, why = field_kind(f.schema, self.deref)
            if base is None:
                raise ValueError(f"{model.name}.{f.name} is {why}")  # template_gap refuses such operations
            pointer = not base.startswith("[]") and (f.nullable or not f.required)
            resolved = self.deref(f.schema) if _ref_name(f.schema) else f.schema
            default = resolved.get("default")
            go_default = None
            if default is not None and not base.startswith("[]") and self.samples.valid(resolved, default):
                go_default = _go_value(default, base)
            fields.append(
                GoField(
                    f.name,
                    unique(exported(f.name), taken),
                    base,
                    pointer,
                    f.required,
                    f.nullable,
                    self._rule(f.schema, f.required, f.nullable) if decoded and not f.read_only else "",
                    go_default,
                    f.write_only,
                    # The server's: a request may leave it out (OpenAPI's `required` binds answers), or send it in vain.
                    f.read_only,
                )
            )
            if decoded and not f.read_only:
                self.uses.add(fields[-1].decoder)
                if go_default is not None:
                    self.uses.add("default")
        forbid = model.schema.get("additionalProperties") is False
        if forbid and decoded:
            self.uses.add("forbid")
        return GoModel(self.model_names[model.name], fields, forbid, decoded)

    def _resource(self, rv: ResourceView, done: dict[str, ResourceGo]) -> ResourceGo:
        res = rv.res
        item = self.models[res.item_model]
        name = exported(rv.module)
        go = ResourceGo(
            rv,
            rv.module,
            name,
            item,
            unique(name, {"mu"}),
            [],
            rv.id_kind if rv.key_pool is None else "str",
            item.field(res.id_field) if res.id_field else None,
        )
        go.key_kind = {"UUID": "uuid", "int": "int"}.get(rv.path_id_type, "str")
        if go.id_field is not None and go.id_field.base == "int64":
            go.key_kind = "int"  # an integer id behind a string path parameter: a path that is no integer is a 404
        elif go.id_field is not None and go.id_field.base != "string":
            raise ValueError(f"{item.name}.{go.id_field.json} is an id of neither string nor integer type")
        if go.key_kind == "int":
            self.uses.add("int-ids")
        if go.key_kind == "uuid" or (go.key_kind == "str" and not rv.client_sets_id and res.op("create")):
            self.uses.add("uuid-keys")
        if res.parent:
            go.parent = done[res.parent]
            go.parent_kind = go.parent.key_kind
            go.parent_field = item.field(res.parent_field) if res.parent_field else None
            go.parent_key = str(rv.parent_key)
            f = go.parent_field
            if f is not None and (f.pointer or f.base not in ("string", "int64")):
                raise ValueError(f"{item.name}.{f.json} names the parent but is optional or not a string or integer")
            if f is not None:
                go.parent_assign = (
                    f"item.{f.go}, _ = strconv.ParseInt(parent, 10, 64)"
                    if f.base == "int64"
                    else f"item.{f.go} = parent"
                )
        if rv.client_sets_id:
            create = next(r for r in rv.routes if r.op.kind == "create")
            sent = self.models[create.body_model].field(res.id_field)
            if sent is None or sent.pointer or sent.base not in ("string", "int64") or sent.base != go.id_field.base:
                raise ValueError(f"{item.name}.{res.id_field}: a client-sent id must be a required string or integer")
            go.client_key = {"int64": f"strconv.FormatInt(body.{sent.go}, 10)", "string": f"body.{sent.go}"}[sent.base]
            if go.key_kind == "uuid":
                go.client_key = f"strings.ToLower({go.client_key})"
        go.missing = rv.missing_id
        hidden = {f.json for f in item.fields if f.write_only}
        go.sample_item = go_json({k: v for k, v in rv.sample_item.items() if k not in hidden})
        go.create_body = go_json(rv.sample_create) if rv.sample_create is not None else None
        go.update_body = go_json(rv.update_body) if rv.update_body is not None else None
        for route in rv.routes:
            go.routes.append(self._route(go, route))
        self._assembly(go)
        go.filters = self._filters(go)
        return go

    def _route(self, go: ResourceGo, route) -> RouteGo:
        op = route.op
        path = op.path
        for index, p in enumerate(route.path_params):
            path = path.replace("{" + p.name + "}", "{" + ("parent" if index == 0 and go.parent else "key") + "}")
        body = self.models.get(route.body_model) if route.body_model else None
        taken: set[str] = set()  # two parameters may spell one Go name (`created_at`, `createdAt`)
        queries = [self._query(go, q, op, taken) for q in route.query_params]
        for number, q in enumerate(q for q in queries if q.fails):
            q.err = f"err{number + 1}"
        out = RouteGo(
            op,
            unique("handle" + exported(op.operation_id), self._handlers),
            f"{op.method.upper()} {path}",
            body,
            queries,
        )
        if route.required_query:
            from urllib.parse import urlencode

            out.required_query = "?" + urlencode(
                {k: (json.dumps(v) if not isinstance(v, str) else v) for k, v in route.required_query.items()},
                doseq=False,
            )
        if op.kind == "list":
            out.window = self._window(route, out)
            if go.py.res.list_shape == "page":
                out.page_body = self._page_body(go, route)
        if body is not None:
            model = self.api.models[route.body_model]
            out.violations = self._violations(body, model)
            out.minimal_body = go_json(self.samples.model(model, minimal=True, include_read_only=False))
            full = self.samples.model(model, include_read_only=False)
            out.sample = go_json(full)
            nullable = [f.json for f in body.fields if f.nullable]
            if nullable:
                out.null_body = go_json(full | dict.fromkeys(nullable))
            kept = set(go.py.kept_on_replace)
            client_id = op.kind == "create" and go.py.client_sets_id
            out.unshown = [
                f.json
                for f in body.fields
                if go.item.field(f.json) is None
                or go.item.field(f.json).base != f.base
                or go.item.field(f.json).write_only
                or (f.json in kept and not (client_id and f.json == go.py.res.id_field))
            ]
        if op.kind == "list":
            out.page_cases = self._page_cases(out)
            out.query_violations = self._query_violations(route, out, op)
        return out

    def _page_cases(self, out: RouteGo) -> list[dict]:
        roles = {q.paging: q.name for q in out.queries if q.paging}
        cases = []
        if "cursor" in roles:
            size = roles.get("page_size") or roles.get("limit")
            sized = f"&{size}=1" if size else ""
            if size:
                cases.append({"name": "PageSize", "query": out.query_with(f"{size}=1"), "want": ["first"]})
            cases.append(
                {
                    "name": "Cursor",
                    "query": out.query_with(f"{roles['cursor']}=1{sized}"),
                    "want": ["second"],
                }
            )
            cases.append(
                {
                    "name": "AForeignCursor",
                    "query": out.query_with(f"{roles['cursor']}=x{sized}"),
                    "want": ["first"] if size else ["first", "second"],
                }
            )
            return cases
        if "page" in roles:
            base = next(r for r in self.py.resources for rr in r.routes if rr.op is out.op)
            route = next(rr for rr in base.routes if rr.op is out.op)
            size = roles.get("page_size")
            if size:
                query = f"{roles['page']}={route.page_base + 1}&{size}=1"
                cases.append({"name": "Page", "query": out.query_with(query), "want": ["second"]})
            else:
                query = f"{roles['page']}={route.page_base}"
                cases.append({"name": "Page", "query": out.query_with(query), "want": ["first", "second"]})
            return cases
        if "limit" in roles:
            cases.append({"name": "Limit", "query": out.query_with(f"{roles['limit']}=1"), "want": ["first"]})
        if "offset" in roles:
            cases.append({"name": "Offset", "query": out.query_with(f"{roles['offset']}=1"), "want": ["second"]})
        if "page_size" in roles and "limit" not in roles:
            cases.append({"name": "PageSize", "query": out.query_with(f"{roles['page_size']}=1"), "want": ["first"]})
        return cases

    def _query_violations(self, route, out: RouteGo, op) -> list[str]:
        from urllib.parse import quote, urlencode

        required = dict(route.required_query)
        found = []
        for q in out.queries:
            if not q.fails:
                continue
            param = next(p for p in op.query if p.name == q.name)
            schema = with_format_bounds(self.deref(param.schema) if _ref_name(param.schema) else param.schema)
            bad: list[str] = []
            if q.parser in ("queryInt", "queryNumber", "queryBool"):
                bad.append("x")
            step = 1 if q.parser == "queryInt" else 0.5
            for key, sign in (("minimum", -1), ("maximum", 1)):
                value = schema.get(key)
                if isinstance(value, (int, float)) and not isinstance(value, bool) and q.parser != "queryString":
                    bad.append(str(value + sign * step) if q.parser != "queryInt" else str(int(value) + sign))
            if q.parser == "queryString":
                low, high = schema.get("minLength"), schema.get("maxLength")
                if isinstance(low, int) and low > 0:
                    bad.append("a" * (low - 1))
                if isinstance(high, int):
                    bad.append("a" * (high + 1))
                if [v for v in schema.get("enum") or [] if isinstance(v, str)]:
                    bad.append("specloom-not-listed")
                if isinstance(schema.get("pattern"), str):
                    text = _not_matching(schema, self.samples.valid)
                    if text is not None:
                        bad.append(text)
                if schema.get("format") in _FORMATS:
                    bad.append(_bad_format(schema))
            for text in bad:
                values = {k: (json.dumps(v) if not isinstance(v, str) else v) for k, v in required.items()}
                values[q.name] = text
                found.append("?" + urlencode(values, quote_via=quote))
            if param.required:
                values = {
                    k: (json.dumps(v) if not isinstance(v, str) else v) for k, v in required.items() if k != q.name
                }
                found.append("?" + urlencode(values, quote_via=quote))
        return found

    def _query(self, go: ResourceGo, q: ParamView, op, taken: set[str]) -> QueryView:
        param = next(p for p in op.query if p.name == q.name)
        schema = self.deref(param.schema) if _ref_name(param.schema) else param.schema
        kinds = [t for t in _types(schema) if t != "null"] or (["string"] if schema.get("enum") else [])
        kind = kinds[0] if kinds else "string"
        if kind == "array":
            items = self.deref(schema.get("items") or {})
            kind = "array:" + ((_types(items) or ["string"])[0])
        parser = {
            "integer": "queryInt",
            "number": "queryNumber",
            "boolean": "queryBool",
            "array:string": "queryStrings",
        }.get(kind, "queryString")
        rule = self._rule(param.schema, param.required, False, query=True)
        var = unique("q" + exported(q.name), taken)
        expression = None
        attr_to_json = {v: k for k, v in go.py.attrs.items()}
        if q.filter_field and q.compare != "search":
            target = go.item.field(attr_to_json[q.filter_field])
            value = f"*item.{target.go}" if target.pointer else f"item.{target.go}"
            guard = f"item.{target.go} != nil && " if target.pointer else ""
            if q.membership:
                expression = f"{guard}slices.Contains({var}, {value})"
                self.uses.add("slices")
            elif q.compare:
                expression = f"{guard}{value} {q.compare} *{var}"
            else:
                expression = f"{guard}{value} == *{var}"
        elif q.compare == "search":
            self.uses.add("search")
            terms = []
            for attr in q.search_fields:
                f = go.item.field(attr_to_json[attr])
                if f is None or f.base != "string":
                    continue
                terms.append(
                    f"(item.{f.go} != nil && contains(*item.{f.go}, *{var}))"
                    if f.pointer
                    else f"contains(item.{f.go}, *{var})"
                )
            expression = " || ".join(terms) or None
        sorting = None
        if q.compare == "sort":
            sorting = self._sorting(go, q, op)
        elif q.compare == "order" and any(p.compare == "sort" and p.sort_fields for p in self._list_params(go)):
            sorting = "order"  # read where the items are sorted
        if expression is None and sorting is None and not q.paging:
            self.gaps.append(f"{op.operation_id}: query parameter `{q.name}` is read and checked but not applied")
        fails = parser not in ("queryString", "queryStrings") or rule != "rule{}"
        view = QueryView(q.name, var, parser, rule, q.paging, expression, fails, sorting=sorting)
        if view.used_or_fails:  # else the handler does not read it
            self.uses.add(parser)
            if param.required:
                self.uses.add("query-required")
        return view

    def _list_params(self, go: ResourceGo) -> list[ParamView]:
        route = next((r for r in go.py.routes if r.op.kind == "list"), None)
        return route.query_params if route else []

    def _sorting(self, go: ResourceGo, q: ParamView, op) -> str | None:
        """Where a `sort` parameter names a field: the Go comparisons per field, and test data for each."""
        item = self.api.models[go.py.res.item_model]
        for name in q.sort_fields:
            target = go.item.field(name)
            if target is None or target.base not in ("string", "int64", "float64") or target.write_only:
                continue
            model_field = next(f for f in item.fields if f.name == name)
            schema = self.deref(model_field.schema) if _ref_name(model_field.schema) else model_field.schema
            tested = name not in (go.py.res.id_field, go.py.res.parent_field)  # the seed sets those itself
            low = go.py.sample_item.get(name, self.samples.value(model_field.schema))
            high = _other_value(schema, low, self.samples.valid)
            if low == high or not self.samples.valid(schema, high):
                continue
            low, high = sorted([low, high])
            compare = (
                f"comparePointers(a.{target.go}, b.{target.go})"
                if target.pointer
                else f"cmp.Compare(a.{target.go}, b.{target.go})"
            )
            if target.pointer:
                self.uses.add("comparePointers")
            descending = q.sort_values is None or "-" + name in q.sort_values
            go.orders.append(
                {
                    "json": name,
                    "compare": compare,
                    "low": go_json({name: low}),
                    "high": go_json({name: high}),
                    "descending": descending,
                    "nil": target.pointer,
                    "open": q.sort_values is None,
                    "tested": tested,  # any value is taken: an unknown field leaves the order
                }
            )
        if not go.orders:
            return None
        self.uses.add("sort")
        return "sort"

    def _window(self, route, out: RouteGo) -> str:
        """Go statements that cut `items` to the page the parameters ask for (python-fastapi's arithmetic)."""
        pg = {q.paging: q for q in out.queries if q.paging}
        defaults = {q.py_name: q for q in route.query_params}

        def value(role: str, fallback: int) -> str:
            q = pg[role]
            schema_q = defaults[route.paging[role].py_name]
            default = _param_default(schema_q.declaration)
            return f"valueOr({q.var}, {default if default is not None else fallback})"

        size = None
        sizer = "page_size" if "page_size" in pg else "limit" if "limit" in pg else None
        if sizer:
            size = f"max({value(sizer, DEFAULT_PAGE_SIZE)}, 0)"
        elif "page" in pg:
            size = str(DEFAULT_PAGE_SIZE)
        lines = []
        if "offset" in pg:
            lines.append(f"items = window(items, {value('offset', 0)}, -1)")
        if "cursor" in pg:
            lines.append(f"start := cursorStart({pg['cursor'].var})")
            lines.append(f"size := {size if size else 'int64(len(items))'}")
            lines.append("nextCursor := nextAfter(start, size, len(items))")
            lines.append("items = window(items, start, size)")
            self.uses.add("cursor")
        elif "page" in pg:
            base = route.page_base
            lines.append(f"size := int64({size})")
            lines.append(f"number := {value('page', base)}")
            lines.append(f"items = window(items, max(number-{base}, 0)*size, size)")
        else:
            if "limit" in pg and _param_default(defaults[route.paging["limit"].py_name].declaration) is None:
                # No default: an absent limit leaves the list whole (as python-fastapi does).
                limit = pg["limit"].var
                lines.append(f"if {limit} != nil {{\n\t\titems = window(items, 0, max(*{limit}, 0))\n\t}}")
            elif "limit" in pg:
                lines.append(f"items = window(items, 0, max({value('limit', DEFAULT_PAGE_SIZE)}, 0))")
            if route.has_size and "page_size" in pg and "limit" not in pg:
                lines.append(f"size := {size}")
                lines.append("items = window(items, 0, size)")
        if lines:
            self.uses.add("window")
        if any("valueOr" in line for line in lines):
            self.uses.add("valueOr")
        return "\n\t".join(lines)

    def _page_body(self, go: ResourceGo, route) -> list[tuple[str, str]]:
        roles = {"items": "items", "total": "total", "number": "number", "size": "size", "next_cursor": "nextCursor"}
        body = []
        for name, expr in route.page_values:
            if expr in roles:
                body.append((name, roles[expr]))
            else:
                page_model = self.api.models[go.py.res.page_model]
                f = next(f for f in page_model.fields if f.name == name)
                body.append((name, f"json.RawMessage({go_json(self.samples.value(f.schema))})"))
        if route.next_is_int:
            body = [(n, "nextCursorInt(nextCursor)" if e == "nextCursor" else e) for n, e in body]
            self.uses.add("nextCursorInt")
        return body

    def _assembly(self, go: ResourceGo) -> None:
        """How create, replace and update turn a request body into the stored item."""
        rv = go.py
        item = go.item
        id_json = rv.res.id_field
        kept = set(rv.kept_on_replace)
        fills = dict(rv.server_fills)
        read_only = go.read_only
        for kind, target in (("create", go.create_lines), ("replace", go.replace_lines)):
            route = go.route(kind)
            if route is None:
                continue
            body = route.body
            for f in item.fields:
                if f.json == id_json:
                    continue
                if go.parent_field is not None and f.json == go.parent_field.json:
                    continue
                if kind == "replace" and f.json in kept:
                    target.append(f"item.{f.go} = current.{f.go}")
                    continue
                source = body.field(f.json) if body is not None and f.json not in read_only else None
                if source is not None and source.base == f.base:
                    target.append(_copy(f, source, "body"))
                elif kind == "create" and (f.json in fills or f.json in read_only) and f.required:
                    target.append(self._fill(f, self.api.models[rv.res.item_model]))
                elif f.required and not f.pointer:
                    raise ValueError(f"{item.name}.{f.json} is required but neither sent nor filled")
        route = go.route("update")
        if route is not None and route.body is not None:
            for f in route.body.fields:
                target_field = item.field(f.json)
                if target_field is None or target_field.base != f.base or f.json in kept:
                    continue
                if f.json == id_json:
                    continue
                go.update_lines.append(f'if _, sent := raw["{f.json}"]; sent {{')
                go.update_lines.append("\t" + _copy(target_field, f, "body", "current"))
                go.update_lines.append("}")

    def _fill(self, f: GoField, model: Model) -> str:
        schema = next(x for x in model.fields if x.name == f.json)
        fmt = (self.deref(schema.schema) if _ref_name(schema.schema) else schema.schema).get("format")
        if fmt == "date-time":
            value = "time.Now().UTC().Format(time.RFC3339)"
            self.uses.add("time")
        elif fmt == "date":
            value = 'time.Now().UTC().Format("2006-01-02")'
            self.uses.add("time")
        elif fmt == "uuid":
            value = "newUUID()"
            self.uses.add("uuid-keys")
        elif f.base.startswith("[]"):
            value = f"{f.base}{{}}"
        else:
            value = _go_value(self.samples.value(schema.schema), f.base)
        return f"item.{f.go} = {value}"

    def _violations(self, body: GoModel, model: Model) -> list[Violation]:
        sample = self.samples.model(model, include_read_only=False)
        out = []

        def add(what: str, changes: dict | None = None, drop: str | None = None) -> None:
            data = {k: v for k, v in sample.items() if k != drop}
            data.update(changes or {})
            out.append(Violation(what, go_json(data)))

        if body.forbid_unknown:
            add("an unknown field", {"specloomUnknownField": 1})
        for f, m in zip(body.fields, model.fields, strict=True):
            if m.read_only:
                continue  # not read from requests: no value of it is refused
            schema = with_format_bounds(self.deref(m.schema) if _ref_name(m.schema) else m.schema)
            wrong = {"string": 12345, "int64": "x", "float64": "x", "bool": "x"}.get(f.base, "x")
            add(f"{f.json} of the wrong type", {f.json: wrong})
            if f.required:
                add(f"{f.json} missing", drop=f.json)
            if not f.nullable:
                add(f"{f.json} null", {f.json: None})
            if f.base.startswith("[]"):
                item = self.samples.value(schema.get("items") or {})
                if isinstance(schema.get("minItems"), int) and schema["minItems"] > 0:
                    add(f"{f.json} too short", {f.json: [item] * (schema["minItems"] - 1)})
                if isinstance(schema.get("maxItems"), int):
                    add(f"{f.json} too long", {f.json: [item] * (schema["maxItems"] + 1)})
                continue
            if f.base == "string":
                low, high = schema.get("minLength"), schema.get("maxLength")
                if isinstance(low, int) and low > 0:
                    add(f"{f.json} too short", {f.json: "a" * (low - 1)})
                if isinstance(high, int):
                    add(f"{f.json} too long", {f.json: "a" * (high + 1)})
                if isinstance(schema.get("pattern"), str):
                    bad = _not_matching(schema, self.samples.valid)
                    if bad is not None:
                        add(f"{f.json} not matching its pattern", {f.json: bad})
                if [v for v in schema.get("enum") or [] if isinstance(v, str)]:
                    add(f"{f.json} not one of its values", {f.json: "specloom-not-listed"})
                if schema.get("format") in _FORMATS:
                    add(f"{f.json} not a {schema['format']}", {f.json: _bad_format(schema)})
            if f.base in ("int64", "float64"):
                low, high = schema.get("minimum"), schema.get("maximum")
                step = 1 if f.base == "int64" else 0.5
                if isinstance(low, (int, float)) and not isinstance(low, bool):
                    add(f"{f.json} below its minimum", {f.json: low - step})
                if isinstance(high, (int, float)) and not isinstance(high, bool):
                    add(f"{f.json} above its maximum", {f.json: high + step})
        return out

    def _filters(self, go: ResourceGo) -> list[dict]:
        """Test data of each applied filter: an item it selects, one it leaves out, and the query."""
        out = []
        taken: set[str] = set()
        route = go.route("list")
        for fv in go.py.filters:
            if fv.kind != "match":
                continue
            q = next((q for q in route.queries if q.name == fv.name), None) if route else None
            if q is None or q.filter is None:
                continue
            values = fv.query if isinstance(fv.query, list) else [fv.query]
            query = "&".join(f"{fv.name}={_query_text(v)}" for v in values)
            out.append(
                {
                    "name": fv.name,
                    "func": unique(exported(fv.name), taken),
                    "wanted": go_json({fv.field: fv.match}),
                    "other": go_json({fv.field: fv.other}) if fv.other is not None else None,
                    "query": query,
                }
            )
        return out


def _query_text(value: object) -> str:
    from urllib.parse import quote

    text = json.dumps(value) if not isinstance(value, str) else value
    return quote(text, safe="")


def _param_default(declaration: str) -> str | None:
    """The default of a python-fastapi parameter declaration (`limit: ... = 20`), as Go."""
    m = re.search(r"\] = (-?\d+)$", declaration)
    return m[1] if m else None


def _copy(target: GoField, source: GoField, src: str, dst: str = "item") -> str:
    if target.pointer == source.pointer:
        return f"{dst}.{target.go} = {src}.{source.go}"
    if target.pointer:
        return f"{dst}.{target.go} = &{src}.{source.go}"
    return f"if {src}.{source.go} != nil {{\n\t\t{dst}.{target.go} = *{src}.{source.go}\n\t}}"


def _go_value(value: object, base: str) -> str:
    if base == "string":
        return go_string(str(value))
    if base == "bool":
        return "true" if value else "false"
    if base in ("int64", "float64"):
        return f"{base}({go_number(value, base)})"
    return f"{base}{{}}"


def _not_matching(schema: dict, valid) -> str | None:
    low = int(schema.get("minLength") or 0)
    high = schema.get("maxLength")
    for candidate in ("!", "~", " ", "a", "0", "-", "A", ""):
        text = (candidate * max(low, 1))[: high if isinstance(high, int) else None]
        if len(text) >= low and not valid({"pattern": schema["pattern"]}, text):
            return text
    return None


def _bad_format(schema: dict) -> str:
    low = int(schema.get("minLength") or 0)
    text = "not-a-valid-value"
    return text + "x" * max(0, low - len(text))
