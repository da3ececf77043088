"""The rust-actixweb render context: the API description src/engine.rs serves (src/api.json) and the test cases.

The CRUD conventions (paging roles, filters, sample data, ids, server-filled fields) are read from the
python-fastapi pack's view, so every pack answers one spec the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from specloom.backends.python_fastapi.context import convention_gaps, unapplied_query_gaps
from specloom.backends.python_fastapi.lang import with_format_bounds
from specloom.backends.python_fastapi.view import FastAPIView, ResourceView, RouteView
from specloom.backends.rust_actixweb.lang import cargo_version
from specloom.backends.rust_actixweb.models import RustModels
from specloom.core.apimodel import ApiModel, _Builder, _ref_name, _types
from specloom.templates.packs import Pack, PackError, validate_variables

_MESSAGE_FIELDS = ("message", "detail", "title", "error", "description", "msg", "error_description")
_STATUS_FIELDS = ("status", "code", "statusCode", "status_code")
_PAGE_ROLES = ("offset", "limit", "page", "page_size")
_EXACT = 2**53  # the integers an f64 (a JSON number as serde_json reads it) holds exactly
_COMPARES = {None: "=", ">=": ">=", "<=": "<=", ">": ">", "<": "<"}


def rust_actixweb(pack: Pack, spec, api: ApiModel, variables: dict, extensions: bool, crate: str) -> tuple[dict, list]:
    from specloom.backends.rust_actixweb import token_env

    validate_variables(pack, variables)
    view = FastAPIView(api, spec.deref)
    api.gaps += unapplied_query_gaps(view) + convention_gaps(spec, api)
    describer = _Describer(api, spec, view)
    try:
        description = describer.description()
    except ValueError as exc:  # a combination the capability check could not see from one operation
        raise PackError(f"rust-actixweb cannot render this selection: {exc}") from exc
    models = RustModels(describer)
    resources = [_TestView(rv, describer, i, models.item(rv)) for i, rv in enumerate(view.resources)]
    context = {
        "api": api,
        "crate": crate,
        "package": crate,
        "pack": pack,
        "secured": api.secured,
        "scheme": api.security[0] if api.security else None,
        "token_env": token_env(crate),
        "description": json.dumps(description, indent=2, ensure_ascii=False) + "\n",
        "cargo_lock": cargo_lock(pack.root / "toolchain" / "Cargo.lock", crate, cargo_version(api.version)),
        "extensions": extensions,
        "resources": resources,
        "models": models.structs,
        "enums": models.enums,
        "reads_presence": models.present,
        "credential": _credential(api),
    }
    return context, resources


def cargo_lock(toolchain_lock: Path, crate: str, version: str) -> str:
    """The toolchain's Cargo.lock with its root package renamed to the crate: the same pinned versions, so
    `--locked` builds reuse the prepared dependency builds. Packages stay in the order cargo sorts them."""
    text = toolchain_lock.read_text(encoding="utf-8")
    head, *blocks = text.split("\n[[package]]\n")
    blocks = [b.rstrip("\n") for b in blocks]
    root = re.compile(r'^name = "specloom-rust-toolchain"\nversion = "[^"]*"')
    renamed = [root.sub(f'name = "{crate}"\nversion = "{version}"', b) for b in blocks]

    def order(block: str) -> tuple[str, str]:
        name = re.search(r'^name = "([^"]+)"', block, re.MULTILINE)
        version = re.search(r'^version = "([^"]+)"', block, re.MULTILINE)
        return (name.group(1) if name else "", version.group(1) if version else "")

    return head + "".join("\n[[package]]\n" + b + "\n" for b in sorted(renamed, key=order))


def _credential(api: ApiModel) -> str:
    """How tests send the accepted test credential `test-token`: a header name and value, or a query."""
    if not api.security:
        return ""
    scheme = api.security[0]
    if scheme.kind == "bearer":
        return "header:Authorization:Bearer test-token"
    if scheme.kind == "basic":
        return "header:Authorization:Basic test-token"
    if scheme.location == "query":
        return f"query:{scheme.param_name}:test-token"
    if scheme.location == "cookie":
        return f"cookie:{scheme.param_name}:test-token"
    return f"header:{scheme.param_name}:test-token"


class _Describer:
    """src/api.json: what src/engine.rs serves, computed from the API model and python-fastapi's view."""

    def __init__(self, api: ApiModel, spec, view: FastAPIView):
        self.api = api
        self.spec = spec
        self.deref = spec.deref
        self.view = view
        self.builder = _Builder(spec)

    def description(self) -> dict:
        scheme = self.api.security[0] if self.api.security else None
        return {
            "error": {"media_type": self.api.error_media_type, "fields": self.error_fields()},
            "security": (
                {"kind": scheme.kind, "location": scheme.location, "name": scheme.param_name} if scheme else None
            ),
            "resources": [self.resource(rv) for rv in self.view.resources],
        }

    def error_fields(self) -> list:
        """Every field the error schema requires gets a value, so no error answer breaks it."""
        api = self.api
        if not api.error_model:
            return [["detail", "$message"], ["status", "$status"], ["code", "$code"]]
        model = api.models[api.error_model]
        code_field = next((f for f in model.fields if f.name == api.error_code_field), None)
        code_is_int = code_field is not None and "integer" in _types(self.deref(code_field.schema))
        fields = []
        for f in model.fields:
            types = _types(self.deref(f.schema))
            if f.name == api.error_code_field:
                value = "$status" if code_is_int else "$code"
            elif f.name == api.error_message_field or (f.name in _MESSAGE_FIELDS and "string" in types):
                value = "$message"
            elif f.name in _STATUS_FIELDS and "integer" in types:
                value = "$status"
            elif f.required:
                value = self.view.samples.value(f.schema)
            else:
                continue
            fields.append([f.name, value])
        return fields

    def index(self, collection_path: str | None) -> int | None:
        return next(
            (i for i, rv in enumerate(self.view.resources) if rv.res.collection_path == collection_path),
            None,
        )

    def resource(self, rv: ResourceView) -> dict:
        res = rv.res
        item = self.api.models[res.item_model]
        fills = []
        for name in rv.create_fields:
            f = next(x for x in item.fields if x.name == name)
            schema = self.deref(f.schema) if _ref_name(f.schema) else f.schema
            kind = {"date-time": "now", "date": "today", "uuid": "uuid"}.get(schema.get("format"), "value")
            fills.append({"field": name, "kind": kind, "value": self.view.samples.value(f.schema)})
        parent = self.index(res.parent) if res.parent else None
        if res.parent and parent is None:
            raise ValueError(f"{res.collection_path} is nested in {res.parent}, which is not selected")
        return {
            "singular": res.singular,
            "key_kind": rv.key_kind,
            "id_field": res.id_field,
            "client_key": rv.client_sets_id,
            "first_id": rv.first_id or 1,
            "parent": parent,
            "parent_field": res.parent_field,
            "fills": fills,
            "kept": rv.kept_on_replace,
            "routes": [self.route(rv, route) for route in rv.routes],
        }

    def path(self, rv: ResourceView, path: str) -> str:
        if rv.res.id_param:
            path = path.replace("{" + rv.res.id_param + "}", "{key}")
        if rv.res.parent_param:
            path = path.replace("{" + rv.res.parent_param + "}", "{parent}")
        # Other placeholders (grandparents) are matched but not looked up; actix names them p1, p2…
        count = iter(range(1, 100))
        return re.sub(r"\{(?!key\}|parent\})[^{}]+\}", lambda _: "{p" + str(next(count)) + "}", path)

    def route(self, rv: ResourceView, route: RouteView) -> dict:
        op = route.op
        shows = None
        item = self.api.models[rv.res.item_model]
        if op.kind == "list":
            shows = [f.name for f in item.fields if not f.write_only]
        elif op.response_model and op.kind != "delete":
            shows = [f.name for f in self.api.models[op.response_model].fields if not f.write_only]
        page = None
        if op.kind == "list" and rv.res.list_shape == "page":
            # python-fastapi's page values: what the page says of itself, and a valid value for whatever
            # else its schema requires, so every answer keeps to it.
            roles = {"total": "total", "number": "page", "size": "page_size"}
            fields, fixed = [], []
            page_model = self.api.models[rv.res.page_model]
            for name, expr in route.page_values:
                if expr in roles:
                    fields.append([name, roles[expr]])
                elif name != rv.res.page_items:
                    schema = next(f.schema for f in page_model.fields if f.name == name)
                    fixed.append([name, self.view.samples.value(schema)])
            page = {"items": rv.res.page_items, "fields": fields, "fixed": fixed, "base": route.page_base}
        return {
            "operation": op.operation_id,  # for the reader (and the tests); the engine does not read it
            "kind": op.kind,
            "method": op.method,
            "path": self.path(rv, op.path),
            "status": op.success_status,
            "secured": op.secured,
            "body": self.model(op.request_model) if op.request_model else None,
            "body_optional": op.body_optional,
            "shows": shows,
            "query": [self.query(rv, route, q, p) for q, p in _by_name(route, op)],
            "page": page,
        }

    def model(self, name: str) -> dict:
        model = self.api.models[name]
        return {
            "fields": [
                {
                    "name": f.name,
                    "required": f.required,
                    "read_only": f.read_only,
                    "rule": self.rule(f.schema, f.nullable),
                    "default": self.view.samples.request_default(f),
                }
                for f in model.fields
            ],
            "forbid_unknown": (self.deref(model.schema) or {}).get("additionalProperties") is False,
        }

    def rule(self, schema: object, nullable: bool = False, depth: int = 0) -> dict:
        if not isinstance(schema, dict):
            return {}
        resolved = with_format_bounds(self.deref(schema) if _ref_name(schema) else schema)
        types = [t for t in _types(resolved) if t != "null"]
        enum = resolved.get("enum")
        out: dict = {
            "types": types,
            # A schema naming no type holds null too (as JSON Schema says); an enum says for itself.
            "nullable": nullable
            or "null" in _types(resolved)
            or bool(resolved.get("nullable"))
            or not (types or isinstance(enum, list)),
        }
        if isinstance(enum, list) and enum:
            out["enumeration"] = [v for v in enum if v is not None]
            out["nullable"] = out["nullable"] or None in enum
        for key, name in (("minLength", "min_length"), ("maxLength", "max_length")):
            if isinstance(resolved.get(key), int) and not isinstance(resolved.get(key), bool):
                out[name] = resolved[key]
        for key, name in (("minItems", "min_items"), ("maxItems", "max_items")):
            if isinstance(resolved.get(key), int) and not isinstance(resolved.get(key), bool):
                out[name] = resolved[key]
        if isinstance(resolved.get("pattern"), str):
            out["pattern"] = resolved["pattern"]
        if isinstance(resolved.get("format"), str) and ("string" in types or not types):
            out["format"] = resolved["format"]
        for key, name in (("minimum", "minimum"), ("maximum", "maximum"), ("multipleOf", "multiple_of")):
            value = resolved.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[name] = value
        for key, name, bound in (
            ("exclusiveMinimum", "exclusive_minimum", "minimum"),
            ("exclusiveMaximum", "exclusive_maximum", "maximum"),
        ):
            value = resolved.get(key)
            if value is True and bound in out:  # OpenAPI 3.0: the bound itself is excluded
                out[name] = out.pop(bound)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                out[name] = value
        if resolved.get("uniqueItems") is True:
            out["unique_items"] = True
        if "array" in types and isinstance(resolved.get("items"), dict) and depth < 8:
            out["items"] = self.rule(resolved["items"], depth=depth + 1)
        if "object" in types and isinstance(resolved.get("additionalProperties"), dict) and depth < 8:
            out["values"] = self.rule(resolved["additionalProperties"], depth=depth + 1)
        if "object" in types and (resolved.get("properties") or resolved.get("allOf")) and depth < 8:
            props, required, merged = self.builder.flatten(schema)
            out["object"] = {
                "fields": [
                    {
                        "name": name,
                        "required": name in required,
                        "read_only": bool(self.deref(prop).get("readOnly")),
                        "rule": self.rule(prop, depth=depth + 1),
                    }
                    for name, prop in props.items()
                ],
                "forbid_unknown": merged.get("additionalProperties") is False,
            }
        return out

    def query(self, rv: ResourceView, route: RouteView, q, param) -> dict:
        json_names = {attr: name for name, attr in rv.attrs.items()}
        role, field, compare, fields = None, None, "=", []
        if q.paging in _PAGE_ROLES:
            role = q.paging
        elif q.compare in ("search", "sort", "order"):
            role = q.compare
            if q.compare == "search":
                fields = [json_names.get(a, a) for a in q.search_fields]
            elif q.compare == "sort":
                fields = list(q.sort_fields)
        elif q.filter_field:
            role, field = "filter", json_names.get(q.filter_field, q.filter_field)
            compare = "in" if q.membership else _COMPARES.get(q.compare, "=")
        schema = self.deref(param.schema) if _ref_name(param.schema) else param.schema
        default = schema.get("default") if isinstance(schema, dict) else None
        return {
            "name": param.name,
            "required": param.required,
            "default": default,
            "rule": self.rule(param.schema),
            "role": role,
            "field": field,
            "compare": compare,
            "fields": fields,
        }


def _by_name(route: RouteView, op) -> list:
    views = {q.name: q for q in route.query_params}
    return [(views[p.name], p) for p in op.query if p.name in views]


class _TestView:
    """One resource as the generated tests see it: its index in src/api.json and test data as JSON text."""

    def __init__(self, rv: ResourceView, describer: _Describer, index: int, item_type: str):
        self.py = rv
        self.item_type = item_type
        self.res = rv.res
        self.module = rv.module
        self.index = index
        self.describer = describer
        self.routes = rv.routes
        key = (
            str(rv.key_pool[0])
            if rv.key_pool
            else {"int": "100", "uuid": "00000000-0000-4000-8000-0000000000a1"}.get(rv.key_kind, "key-1")
        )
        self.key = key
        self.missing = str(rv.missing_id)
        item = dict(rv.sample_item)
        if rv.res.id_field:
            item[rv.res.id_field] = int(key) if rv.key_kind == "int" else key
        self.parent_index = describer.index(rv.res.parent) if rv.res.parent else None
        self.parent_key = ""
        if rv.parent_view is not None:
            self.parent_key = str(rv.parent_key)
            if rv.res.parent_field:
                item[rv.res.parent_field] = rv.parent_key
            parent_item = dict(rv.parent_view.sample_item)
            if rv.parent_view.res.id_field:
                parent_item[rv.parent_view.res.id_field] = rv.parent_key
            self.parent_item = json.dumps(parent_item)
        self.item = json.dumps(item)
        self.item_value = item
        create = dict(rv.sample_create) if rv.sample_create is not None else None
        if create is not None and rv.client_sets_id and rv.res.id_field in create:
            # The client names the new item's key: another than the seeded item's, or the create is a 409.
            other = (
                rv.key_pool[1]
                if rv.key_pool and len(rv.key_pool) > 1
                else {"int": 101, "uuid": "00000000-0000-4000-8000-0000000000a2"}.get(rv.key_kind, "key-2")
            )
            create[rv.res.id_field] = other
        self.create_body = json.dumps(create) if create is not None else None
        self.update_body = json.dumps(rv.update_body) if rv.update_body is not None else None
        self.collection = self._url(rv.res.collection_path)
        self.item_url = self._url(rv.res.collection_path + "/" + key) if rv.res.id_param else None
        self.missing_url = self._url(rv.res.collection_path + "/" + self.missing) if rv.res.id_param else None
        self.no_parent = (
            self._url(rv.res.collection_path, parent_key=_absent_parent(rv)) if rv.parent_view is not None else None
        )

    @property
    def nested(self) -> bool:
        return self.parent_index is not None

    @property
    def lists(self) -> bool:
        return self.route("list") is not None

    @property
    def creates(self) -> bool:
        return self.route("create") is not None

    @property
    def served_url(self) -> str:
        """A path some route of the resource serves (what a wrong method is sent to)."""
        return self.collection if self.lists or self.creates or not self.item_url else self.item_url

    def _url(self, path: str, parent_key: str | None = None) -> str:
        if self.res.parent_param:
            path = path.replace("{" + self.res.parent_param + "}", parent_key or self.parent_key)
        for name, value in self.py.ancestor_keys().items():
            path = path.replace("{" + name + "}", str(value))
        return path

    def route(self, kind: str) -> RouteView | None:
        return next((r for r in self.routes if r.op.kind == kind), None)

    def query(self, route: RouteView, extra: str = "") -> str:
        """The query string every request to the route carries (the parameters it requires), plus `extra`."""
        parts = [f"{quote(k)}={_query_text(v)}" for k, v in route.required_query.items()] + ([extra] if extra else [])
        return "?" + "&".join(parts) if parts else ""

    def violations(self, route: RouteView) -> list[tuple[str, str]]:
        """(what, body) pairs of request bodies the route must refuse with 422: one per rule broken."""
        if not route.op.request_model or self.create_body is None:
            return []
        base = json.loads(self.create_body)
        model = self.describer.api.models[route.op.request_model]
        out = [("not an object", "[]")]
        for f in model.fields:
            if f.read_only:
                continue
            rule = self.describer.rule(f.schema, f.nullable)
            if f.required and route.op.kind != "update":
                body = {k: v for k, v in base.items() if k != f.name}
                out.append((f"{f.name} missing", json.dumps(body)))
            if rule.get("types") and not rule.get("nullable"):
                out.append((f"{f.name} null", json.dumps({**base, f.name: None})))
            wrong = "wrong" if "array" in rule.get("types", []) else [["wrong"]]
            if rule.get("types") and "string" not in rule["types"] or "array" in rule.get("types", []):
                out.append((f"{f.name} of the wrong type", json.dumps({**base, f.name: wrong})))
            elif rule.get("types"):
                out.append((f"{f.name} of the wrong type", json.dumps({**base, f.name: 12345})))
            if "min_length" in rule and rule["min_length"] > 0:
                out.append((f"{f.name} too short", json.dumps({**base, f.name: "x" * (rule["min_length"] - 1)})))
            if "max_length" in rule:
                out.append((f"{f.name} too long", json.dumps({**base, f.name: "x" * (rule["max_length"] + 1)})))
            # A bound beyond 2^53 has no neighbour a JSON number (an f64) can tell from it: no test of it.
            if abs(rule.get("minimum", _EXACT)) < _EXACT:
                out.append((f"{f.name} below its minimum", json.dumps({**base, f.name: rule["minimum"] - 1})))
            if abs(rule.get("maximum", _EXACT)) < _EXACT:
                out.append((f"{f.name} above its maximum", json.dumps({**base, f.name: rule["maximum"] + 1})))
            if "enumeration" in rule and "string" in rule["types"]:
                out.append((f"{f.name} not of its enum", json.dumps({**base, f.name: "not-one-of-them"})))
            if "pattern" in rule or rule.get("format") in ("uuid", "email", "date", "date-time"):
                out.append((f"{f.name} of the wrong form", json.dumps({**base, f.name: "not valid"})))
        return out

    def query_violations(self, route: RouteView) -> list[str]:
        """Query strings the list must refuse with 422: a number that is none, a value beyond a bound."""
        out = []
        for q in self.describer.route(self.py, route)["query"]:
            rule = q["rule"]
            if set(rule.get("types", [])) & {"integer", "number"}:
                out.append(self.query(route, f"{quote(q['name'])}=not-a-number"))
            if abs(rule.get("minimum", _EXACT)) < _EXACT:
                out.append(self.query(route, f"{quote(q['name'])}={int(rule['minimum']) - 1}"))
            if abs(rule.get("maximum", _EXACT)) < _EXACT:
                out.append(self.query(route, f"{quote(q['name'])}={int(rule['maximum']) + 1}"))
        return out

    @property
    def filters(self) -> list[dict]:
        """Filter tests: the query, an item it keeps and one it leaves out (as JSON text)."""
        out = []
        for fv in self.py.filters:
            if fv.kind != "match" or fv.other is None or fv.query == "needle":
                continue
            query = fv.query[0] if isinstance(fv.query, list) else fv.query
            kept = {**self.item_value, fv.field: fv.match}
            left = {**self.item_value, fv.field: fv.other}
            out.append(
                {
                    "name": re.sub(r"[^a-z0-9]+", "_", fv.name.lower()).strip("_") or "value",
                    "query": f"{quote(fv.name)}={_query_text(query)}",
                    "kept": json.dumps(kept),
                    "left": json.dumps(left),
                }
            )
        return out


def _query_text(value: object) -> str:
    """A value as a query string carries it (JSON spelling for numbers and booleans), percent-encoded."""
    return quote(value if isinstance(value, str) else json.dumps(value), safe="")


def _absent_parent(rv: ResourceView) -> str:
    kind = rv.parent_view.key_kind if rv.parent_view else "str"
    return {"int": "987654321", "uuid": "00000000-0000-4000-8000-000000000000"}.get(kind, "no-such-parent")
