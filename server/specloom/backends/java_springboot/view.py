"""The view the java-springboot pack renders from: records, validation rules, handlers and test data in Java.

Every convention (which fields, rules, paging roles, filters, sample data, test cases) is go-nethttp's view,
which reads python-fastapi's: all packs answer one spec the same way; only the Java spelling is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from specloom.backends.go_nethttp.context import error_body
from specloom.backends.go_nethttp.view import GoField, GoView, ResourceGo, RouteGo
from specloom.backends.java_springboot.lang import JAVA_TYPES, java_json, java_regex, java_string, java_value, member
from specloom.backends.python_fastapi.context import convention_gaps
from specloom.backends.python_fastapi.lang import with_format_bounds
from specloom.backends.python_fastapi.view import DEFAULT_PAGE_SIZE
from specloom.core.apimodel import ApiModel, _ref_name, _types
from specloom.templates.packs import Pack, PackError, validate_variables

_READERS = {
    "string": "text",
    "int64": "integer",
    "float64": "number",
    "bool": "bool",
    "[]string": "texts",
    "[]int64": "integers",
    "[]float64": "numbers",
    "[]bool": "bools",
}
_QUERY = {"queryInt": "queryInteger", "queryNumber": "queryNumber", "queryBool": "queryBool"}


@dataclass(slots=True)
class JavaField:
    go: GoField
    name: str  # the record component
    type: str
    rule: str  # a Java `Rule` expression
    read: str  # the Java expression reading it from the JSON object `body`

    @property
    def json(self) -> str:
        return self.go.json


@dataclass(slots=True)
class JavaModel:
    name: str
    fields: list[JavaField]
    decoded: bool
    forbid_unknown: bool


@dataclass(slots=True)
class JavaQuery:
    name: str
    var: str
    read: str  # the Java statement's right side
    type: str
    filter: str | None  # a Java boolean expression over `item`


@dataclass(slots=True)
class JavaRoute:
    go: RouteGo
    method: str  # Get, Post…
    queries: list[JavaQuery] = field(default_factory=list)
    window: list[str] = field(default_factory=list)
    page_body: list[tuple[str, str]] = field(default_factory=list)

    @property
    def op(self):
        return self.go.op

    @property
    def name(self) -> str:
        return member(self.go.func.removeprefix("handle"))


@dataclass(slots=True)
class JavaResource:
    go: ResourceGo
    name: str  # `Books`
    item: JavaModel
    routes: list[JavaRoute]
    client_key: str | None = None  # the storage key of an id the client sends: a Java expression over `body`
    create_args: list[str] = field(default_factory=list)
    replace_args: list[str] = field(default_factory=list)
    update_args: list[str] = field(default_factory=list)

    @property
    def py(self):
        return self.go.py

    @property
    def res(self):
        return self.go.py.res

    @property
    def module(self) -> str:
        return self.name  # the per-resource file names: a Java class is named as its file

    def route(self, kind: str) -> JavaRoute | None:
        return next((r for r in self.routes if r.op.kind == kind), None)


class JavaView:
    def __init__(self, api: ApiModel, deref, package: str):
        self.go = GoView(api, deref, package)
        self.api, self.deref, self.package = api, deref, package
        self.uses: set[str] = set()
        self.gaps = list(self.go.gaps)
        self.patterns = [(java_regex(pattern), var.upper()) for pattern, var in self.go.patterns]
        self._pattern_names = dict(self.go.patterns)
        self.models = {name: self._model(name, gm) for name, gm in self.go.models.items()}
        self.resources = [self._resource(rg) for rg in self.go.resources]
        self._derived_uses()

    def paging_names(self, route: JavaRoute) -> set[str]:
        return {q.name for q in route.go.queries if q.paging}

    def member_of(self, model: JavaModel, json_name: str) -> str:
        return next(f.name for f in model.fields if f.json == json_name)

    @property
    def unrouted_method(self) -> tuple[str, str] | None:
        """A method the first top-level collection does not take, and its path: what a 405 test asks."""
        for rv in self.resources:
            if rv.go.parent:
                continue
            taken = {r.op.method for r in rv.routes if r.op.path == rv.res.collection_path}
            free = next((m for m in ("patch", "put", "delete", "post") if m not in taken), None)
            if taken and free:
                return free.upper(), rv.go.url
        return None

    def unsigned_target(self, route: JavaRoute) -> str:
        rv = next(rv for rv in self.resources if route in rv.routes)
        return rv.go.unsigned_target(route.go)

    @property
    def first_body(self) -> tuple[JavaResource, JavaRoute] | None:
        """Where tests send bodies that are no JSON object: a create needing no stored parent."""
        if self.go.first_body is None:
            return None
        rg, route = self.go.first_body
        rv = next(rv for rv in self.resources if rv.go is rg)
        return rv, next(r for r in rv.routes if r.go is route)

    @property
    def plain_list_target(self) -> str | None:
        """A list request needing no stored item, its required query included: what a 406 test asks."""
        for rv in self.resources:
            route = rv.route("list")
            if route and not rv.go.parent:
                return rv.go.url + route.go.required_query
        return None

    @property
    def secured_routes(self) -> list[JavaRoute]:
        return [route for rv in self.resources for route in rv.routes if route.op.secured]

    @property
    def formats(self) -> list[str]:
        return sorted(use.removeprefix("format:") for use in self.uses if use.startswith("format:"))

    def _derived_uses(self) -> None:
        uses = self.uses
        for rv in self.resources:
            uses.add({"int": "int-ids", "uuid": "uuid-keys"}.get(rv.go.key_kind, "str-keys"))
            if rv.go.key_kind == "str" and not rv.py.client_sets_id and rv.go.route("create"):
                uses.add("uuid-keys")
            if rv.go.client_key:
                uses.add("client-keys")
        readers = {"text", "integer", "number", "bool", "texts", "integers", "numbers", "bools"}
        if uses & readers:
            uses |= {"body", "present"}
        if uses & {"text", "texts", "queryText", "queryTexts"}:
            uses.add("checkText")
        if uses & {"integer", "number", "integers", "numbers", "queryInteger", "queryNumber"}:
            uses.add("checkNumber")
        if uses & {"texts", "integers", "numbers", "bools", "queryTexts"}:
            uses.add("items")
        if uses & {"texts", "integers", "numbers", "bools"}:
            uses.add("list")
        if uses & {"format:date", "format:date-time", "format:uri"}:
            uses.add("parses")

    def _rule(self, schema: dict, required: bool, nullable: bool) -> str:
        schema = with_format_bounds(self.deref(schema) if _ref_name(schema) else schema)
        parts = ["Rule.of()"]
        if required:
            parts.append("required()")
        if nullable:
            parts.append("nullable()")
        if "array" in _types(schema):
            for key in ("minItems", "maxItems"):
                if isinstance(schema.get(key), int) and not isinstance(schema.get(key), bool):
                    parts.append(f"{key}({schema[key]})")
            self.uses.update(p.split("(")[0] for p in parts[1:])
            return ".".join(parts)
        if isinstance(schema.get("minLength"), int) and schema["minLength"] > 0:
            parts.append(f"minLength({schema['minLength']})")
        if isinstance(schema.get("maxLength"), int):
            parts.append(f"maxLength({schema['maxLength']})")
        if isinstance(schema.get("pattern"), str):
            parts.append(f"pattern(Checks.{self._pattern_names[schema['pattern']].upper()})")
        enum = [v for v in schema.get("enum") or [] if isinstance(v, str)]
        if enum:
            parts.append("values(" + ", ".join(java_string(v) for v in enum) + ")")
        if "string" in _types(schema) or enum:
            fmt = schema.get("format")
            if fmt in ("date", "date-time", "uuid", "email", "uri"):
                parts.append(f"format({java_string(fmt)})")
                self.uses.add("format:" + fmt)
        for key in ("minimum", "maximum"):
            value = schema.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and _types(schema) != ["string"]:
                parts.append(f"{key}({float(value)!r})")
        self.uses.update(p.split("(")[0] for p in parts[1:])
        return ".".join(parts)

    def _model(self, name: str, gm) -> JavaModel:
        model = self.api.models[name]
        fields = []
        for gf, mf in zip(gm.fields, model.fields, strict=True):
            decoded = gm.decoded and not mf.read_only  # a read-only field is the server's: never read from a request
            rule = self._rule(mf.schema, gf.required, gf.nullable) if decoded else ""
            read = f"Checks.{_READERS[gf.base]}(body, {java_string(gf.json)}, {rule})" if decoded else "null"
            resolved = self.deref(mf.schema) if _ref_name(mf.schema) else mf.schema
            default = resolved.get("default")
            if gf.default is not None and default is not None and decoded:
                read = f"body.has({java_string(gf.json)}) ? {read} : {java_value(default, gf.base)}"
            fields.append(JavaField(gf, member(gf.go), JAVA_TYPES[gf.base], rule, read))
            if decoded:
                self.uses.add(_READERS[gf.base])
        if gm.forbid_unknown and gm.decoded:
            self.uses.add("only")
        return JavaModel(gm.name, fields, gm.decoded, gm.forbid_unknown)

    def _resource(self, rg: ResourceGo) -> JavaResource:
        item = self.models[rg.res.item_model]
        out = JavaResource(rg, rg.name, item, [self._route(rg, r) for r in rg.routes])
        self._assembly(out)
        if rg.client_key:
            create = rg.route("create")
            sent = next(f for f in self._body(create) if f.json == rg.res.id_field)
            key = f"String.valueOf(body.{sent.name}())"
            out.client_key = f"{key}.toLowerCase(Locale.ROOT)" if rg.key_kind == "uuid" else key
        return out

    def _route(self, rg: ResourceGo, route: RouteGo) -> JavaRoute:
        out = JavaRoute(route, route.op.method.capitalize())
        if route.op.kind != "list":
            return out
        item = self.models[rg.res.item_model]
        by_json = {f.json: f for f in item.fields}
        py_route = next(r for r in rg.py.routes if r.op is route.op)
        params = {p.name: p for p in py_route.query_params}
        attr_to_json = {v: k for k, v in rg.py.attrs.items()}
        for q in route.queries:
            if not q.used_or_fails:
                continue
            if q.paging == "cursor" or q.sorting:
                raise ValueError(f"query parameter `{q.name}` ({q.paging or 'sort'}) is not implemented in Java")
            param = next(p for p in route.op.query if p.name == q.name)
            rule = self._rule(param.schema, param.required, False)
            reader = _QUERY.get(q.parser, "queryTexts" if q.parser == "queryStrings" else "queryText")
            var = "q" + q.var[1:]
            kind = {"queryInteger": "Long", "queryNumber": "Double", "queryBool": "Boolean"}.get(reader, "String")
            kind = "List<String>" if reader == "queryTexts" else kind
            pv = params[q.name]
            expression = None
            if q.filter and pv.filter_field and pv.compare != "search":
                target = by_json[attr_to_json[pv.filter_field]]
                value = f"item.{target.name}()"
                if pv.membership:
                    expression = f"{var}.contains({value})"
                elif pv.compare:
                    expression = f"{value} != null && {value}.compareTo({var}) {pv.compare} 0"
                else:
                    expression = f"{var}.equals({value})"
            elif q.filter and pv.compare == "search":
                terms = [
                    f"Checks.contains(item.{f.name}(), {var})"
                    for f in (by_json.get(attr_to_json.get(a)) for a in pv.search_fields)
                    if f is not None and f.type == "String"
                ]
                expression = " || ".join(terms) or None
                self.uses.add("search")
            out.queries.append(
                JavaQuery(q.name, var, f"Checks.{reader}(query, {java_string(q.name)}, {rule})", kind, expression)
            )
            self.uses.add(reader)
        out.window = self._window(py_route, out, route)
        if rg.py.res.list_shape == "page":
            out.page_body = self._page_body(rg, py_route)
        return out

    def _window(self, py_route, out: JavaRoute, route: RouteGo) -> list[str]:
        pg = {q.paging: q for q in route.queries if q.paging}
        var = {q.name: q.var for q in out.queries}

        def value(role: str, fallback: int) -> str:
            q = pg[role]
            default = py_route.paging[role].declaration.rsplit("] = ", 1)
            number = default[1] if len(default) == 2 and default[1].lstrip("-").isdigit() else None
            return f"Checks.valueOr({var[q.name]}, {number if number is not None else fallback}L)"

        lines = []
        sizer = "page_size" if "page_size" in pg else "limit" if "limit" in pg else None
        size = f"Math.max({value(sizer, DEFAULT_PAGE_SIZE)}, 0L)" if sizer else f"{DEFAULT_PAGE_SIZE}L"
        if "offset" in pg:
            lines.append(f"items = Checks.window(items, {value('offset', 0)}, -1L);")
        if "page" in pg:
            base = py_route.page_base
            lines.append(f"long size = {size};")
            lines.append(f"long number = {value('page', base)};")
            lines.append(f"items = Checks.window(items, Math.max(number - {base}L, 0L) * size, size);")
        else:
            if "limit" in pg:
                declared = py_route.paging["limit"].declaration
                if not declared.rsplit("] = ", 1)[-1].lstrip("-").isdigit():
                    limit = var[pg["limit"].name]
                    lines.append(f"if ({limit} != null) {{ items = Checks.window(items, 0L, Math.max({limit}, 0L)); }}")
                else:
                    lines.append(f"items = Checks.window(items, 0L, {size});")
            if py_route.has_size and "page_size" in pg and "limit" not in pg:
                lines.append(f"long size = {size};")
                lines.append("items = Checks.window(items, 0L, size);")
        if lines:
            self.uses.add("window")
        if any("valueOr" in line for line in lines):
            self.uses.add("valueOr")
        return lines

    def _page_body(self, rg: ResourceGo, py_route) -> list[tuple[str, str]]:
        roles = {"items": "items", "total": "total", "number": "number", "size": "size"}
        body = []
        for name, expr in py_route.page_values:
            if expr in roles:
                body.append((name, roles[expr]))
            elif expr == "next_cursor":
                raise ValueError("cursor pages are not implemented in Java")
            else:
                page_model = self.api.models[rg.py.res.page_model]
                f = next(f for f in page_model.fields if f.name == name)
                body.append((name, f"Checks.literal({java_json(self.go.samples.value(f.schema))})"))
                self.uses.add("literal")
        return body

    def _assembly(self, out: JavaResource) -> None:
        rg = out.go
        rv = rg.py
        id_json = rv.res.id_field
        kept = set(rv.kept_on_replace)
        fills = dict(rv.server_fills)
        parent_json = rg.parent_field.json if rg.parent_field is not None else None
        read_only = rg.read_only
        for kind, target in (("create", out.create_args), ("replace", out.replace_args)):
            route = rg.route(kind)
            if route is None:
                continue
            body_fields = {f.json: f for f in self._body(route)}
            for f in out.item.fields:
                if f.json == id_json and kind == "create" and rg.client_key:
                    target.append(f"body.{body_fields[f.json].name}()")
                elif f.json == id_json:
                    key = "id" if rg.key_kind == "int" and f.type == "Long" else "key"
                    target.append(key if kind == "create" else f"current.{f.name}()")
                elif f.json == parent_json:
                    parent = "Long.valueOf(parent)" if f.type == "Long" else "parent"
                    target.append(parent if kind == "create" else f"current.{f.name}()")
                elif kind == "replace" and f.json in kept:
                    target.append(f"current.{f.name}()")
                elif f.json in body_fields and body_fields[f.json].type == f.type and f.json not in read_only:
                    target.append(f"body.{body_fields[f.json].name}()")
                elif kind == "create" and (f.json in fills or f.json in read_only) and f.go.required:
                    target.append(self._fill(f, rv.res.item_model))
                elif f.go.required and not f.go.pointer:
                    raise ValueError(f"{out.item.name}.{f.json} is required but neither sent nor filled")
                else:
                    target.append("null")
        route = rg.route("update")
        if route is not None:
            body_fields = {f.json: f for f in self._body(route)}
            for f in out.item.fields:
                sent = body_fields.get(f.json)
                if sent is None or sent.type != f.type or f.json in kept or f.json in (id_json, parent_json):
                    out.update_args.append(f"current.{f.name}()")
                else:
                    out.update_args.append(f"raw.has({java_string(f.json)}) ? body.{sent.name}() : current.{f.name}()")

    def _body(self, route: RouteGo) -> list[JavaField]:
        if route.body is None:
            return []
        return next(m for m in self.models.values() if m.name == route.body.name).fields

    def _fill(self, f: JavaField, model_name: str) -> str:
        schema = next(x for x in self.api.models[model_name].fields if x.name == f.json)
        fmt = (self.deref(schema.schema) if _ref_name(schema.schema) else schema.schema).get("format")
        if fmt == "date-time":
            return "Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()"
        if fmt == "date":
            return "LocalDate.now(ZoneOffset.UTC).toString()"
        if fmt == "uuid":
            return "UUID.randomUUID().toString()"
        if f.type.startswith("List"):
            return "List.of()"
        return java_value(self.go.samples.value(schema.schema), f.go.base)


def java_springboot(pack: Pack, spec, api: ApiModel, variables: dict, extensions: bool, package: str):
    from specloom.backends.java_springboot import token_env

    validate_variables(pack, variables)
    try:
        view = JavaView(api, spec.deref, package)
    except ValueError as exc:  # a combination the capability check could not see from one operation
        raise PackError(f"java-springboot cannot render this selection: {exc}") from exc
    api.gaps.extend(view.gaps)
    api.gaps += convention_gaps(spec, api)
    scheme = api.security[0] if api.security else None
    body = error_body(api, spec.deref, view.go.samples, lambda value: f"Checks.literal({java_json(value)})")
    if any(expr.startswith("Checks.literal") for _, expr in body):
        view.uses.add("literal")
    context = {
        "api": api,
        "view": view,
        "package": package,
        "package_path": package.replace(".", "/"),
        "pack": pack,
        # The filter also guards the secured operations an AI extension writes.
        "secured": api.secured or bool(extensions and api.secured_left),
        "secured_paths": [(r.op.method, r.op.path) for r in view.secured_routes]
        + (api.secured_left if extensions else []),
        "scheme": scheme,
        "token_env": token_env(package),
        "error_body": body,
        "extensions": extensions,
        "uses": view.uses,
    }
    return context, view.resources
