"""The python-fastapi backend: everything Specloom knows about rendering a FastAPI service from OpenAPI."""

from __future__ import annotations

import re
import sys

from specloom.backends.base import Rendering
from specloom.backends.python_fastapi.lang import python_package
from specloom.core.apimodel import _crud_shape, _json_schema, _ref_name, _types, crud_gap, is_json_media
from specloom.core.naming import snake

_CRUD_METHODS = {"get", "post", "put", "patch", "delete"}


class PythonFastAPI:
    name = "python-fastapi"
    language = "python"
    framework = "fastapi"

    def template_gap(self, spec, op) -> str | None:
        if op.method not in _CRUD_METHODS:
            return f"{op.method.upper()} has no CRUD meaning"
        gap = crud_gap(op)
        if gap:
            return gap
        for content in _contents(op):
            if not any(is_json_media(m) for m in content):
                return f"media type {', '.join(sorted(content))} is not JSON"
        kind = _crud_shape(op)[0]
        body = _json_schema((op.request_body or {}).get("content"))
        if body is not None and kind in ("list", "read", "delete"):
            return f"a {op.method.upper()} with a request body has no CRUD meaning"
        if body is not None and not _ref_name(body):
            return "its request body schema is inline; name it under components/schemas"
        if body is not None and not _is_object(spec.deref(body)):
            return "its request body is not a JSON object"
        if body is None and kind == "create":
            return "a create without a request body has nothing to store"
        success = next((r for code, r in sorted(op.responses.items()) if code.startswith("2")), None)
        answer = _json_schema((success or {}).get("content")) if isinstance(success, dict) else None
        if answer is not None and kind in ("read", "replace", "update") and not _is_object(spec.deref(answer)):
            return "its answer is not one item"
        for schema in (body, answer):
            loop = _required_loop(spec, schema)
            if loop:
                return f"schema {loop[0]} requires itself ({' -> '.join(loop)}), so no finite instance exists"
            conflict = _allof_conflict(spec, schema)
            if conflict:
                return conflict
        if body is not None and answer is not None and kind in ("create", "replace", "update"):
            conflict = _body_conflict(spec, body, answer)
            if conflict:
                return conflict
        if kind == "create":
            return _unassignable_id(spec, op, body, answer)
        return None

    def package(self, spec, variables: dict) -> str:
        return str(variables.get("package") or python_package(snake(spec.title or "api")))

    def render_context(self, pack, spec, operations, variables, extensions) -> Rendering:
        from specloom.backends.python_fastapi.context import python_fastapi
        from specloom.templates.packs import PackError

        context, resources, api = python_fastapi(
            pack, spec, operations, variables, extensions, lambda op: self.template_gap(spec, op), self.package
        )
        if not resources:
            why = "; ".join(api.gaps) or "it has no operations"
            raise PackError(f"there is no CRUD resource to implement: {why}")
        return Rendering(context, resources, api)

    def format_commands(self) -> list[list[str]]:
        # Imports follow what a render used: ruff sorts them and drops the unused, then lays the code out, with
        # the style gate's isolated settings, so the gate checks what a person would write, not template output.
        ruff, isolated = [sys.executable, "-m", "ruff"], ["--isolated", "--quiet", "--line-length", "120", "--no-cache"]
        return [
            [*ruff, "check", *isolated, "--fix", "--select", "I001,F401", "--exit-zero", "."],
            [*ruff, "format", *isolated, "."],
        ]

    def filters(self) -> dict:
        from specloom.backends.python_fastapi.filters import FILTERS

        return FILTERS

    def extension_files(self, package: str) -> list[tuple[str, str]]:
        return [(f"{package}/routes/extensions.py", "source"), ("tests/test_extensions.py", "test")]

    def run_commands(self, spec, variables: dict) -> dict:
        from specloom.core.apimodel import build_api_model

        package = self.package(spec, variables)
        secured = build_api_model(spec, None, lambda op: self.template_gap(spec, op)).secured
        return {
            "test": "python -m pytest -q",
            "serve": f"python -m uvicorn --factory {package}.app:create_app --host 127.0.0.1 --port ${{PORT:-8000}}",
            # the same name the templates read (context.py's token_env), present only when security.py is
            "credentials_env": [f"{package.upper()}_API_TOKENS"] if secured else [],
        }

    def extension_prompt(self, module: str, coverage_threshold: float) -> str:
        return (
            f"`{module}` defines `router = APIRouter()` with one route per operation (path, method and "
            "operation_id as in the specification); the app already includes that router first. Reuse the "
            "generated modules: models, storage through `request.app.state.repositories`, the error helpers and "
            "the same authentication dependency the generated routes use. The tests use the `client` and "
            f"`anonymous` fixtures of tests/conftest.py and must bring the whole project to {coverage_threshold:g}% "
            "line coverage. Do not rewrite any file of the pack."
        )


def _contents(op) -> list[dict]:
    """The `content` maps of an operation's request body and responses."""
    found = [op.request_body.get("content")] if op.request_body else []
    found += [r.get("content") for r in op.responses.values() if isinstance(r, dict)]
    return [c for c in found if isinstance(c, dict) and c]


def other_media(op) -> list[str]:
    """The media types beside JSON an operation declares, which the pack does not implement."""
    return sorted({m for content in _contents(op) for m in content if not is_json_media(m)})


def _is_object(schema: dict) -> bool:
    """Stored items are objects: a body that is an array, a scalar or a union of either is no CRUD item."""
    if isinstance(schema.get("allOf"), list):
        return True
    if "oneOf" in schema or "anyOf" in schema:
        return False
    return "object" in _types(schema) or ("properties" in schema and not _types(schema))


def _unassignable_id(spec, op, body: dict | None, answer: dict | None) -> str | None:
    """Why the server cannot assign the id of what a create stores: a string id with a pattern, an enum or a
    format other than uuid, which the client does not send."""
    props = _properties(spec, answer)
    item = re.compile(re.escape(op.path) + r"/\{[^/{}]+\}")
    item_path = next((other.path for other in spec.operations if item.fullmatch(other.path)), "")
    names = ["id", item_path.rsplit("{", 1)[-1].rstrip("}")] if item_path else ["id"]
    field = next((n for n in names if n in props), None)
    if field is None:
        return None
    schema = spec.deref(props[field])
    sent = _properties(spec, body)
    if field in sent and not spec.deref(sent[field]).get("readOnly"):
        return None  # the client sends it
    if "string" not in _types(schema) or schema.get("format") == "uuid":
        return None
    if {"pattern", "enum"} & set(schema) or schema.get("format"):
        return (
            f"the server would assign its `{field}`, whose schema (pattern, enum or format) it cannot generate; "
            "let the client send the id, or make it a uuid or an integer"
        )
    return None


def _properties(spec, schema: dict | None, depth: int = 0) -> dict:
    """A schema's properties, its allOf parts' included."""
    schema = spec.deref(schema) if isinstance(schema, dict) else {}
    props = dict(schema.get("properties")) if isinstance(schema.get("properties"), dict) else {}
    for part in schema.get("allOf") or [] if depth < 8 else []:
        props = _properties(spec, part, depth + 1) | props
    return props


def _json_types(spec, schema) -> set[str]:
    """The JSON types a property's schema allows, without null (an integer is a number); empty when untyped."""
    types = set(_types(spec.deref(schema) if isinstance(schema, dict) else {})) - {"null"}
    return types | {"number"} if "integer" in types else types


def _disjoint(left: set[str], right: set[str]) -> bool:
    return bool(left and right and not left & right)


def _allof_conflict(spec, schema: dict | None) -> str | None:
    """Why no value satisfies a schema whose allOf parts type one property differently, if they do."""
    target = spec.deref(schema) if isinstance(schema, dict) else {}
    if isinstance(target.get("items"), dict):  # a list answers items of the schema
        schema, target = target["items"], spec.deref(target["items"])
    parts = [spec.deref(p) for p in target.get("allOf") or [] if isinstance(p, dict)]
    seen: dict[str, set[str]] = {}
    for part in [target, *parts]:
        for name, prop in (part.get("properties") or {}).items():
            types = _json_types(spec, prop)
            if _disjoint(seen.get(name, set()), types):
                owner = _ref_name(schema) or "the schema"
                return (
                    f"schema {owner}'s allOf parts give property `{name}` disjoint types "
                    f"({', '.join(sorted(seen[name]))} and {', '.join(sorted(types))}), so no value satisfies both"
                )
            seen[name] = seen.get(name) or types
    return None


def _body_conflict(spec, body: dict, answer: dict) -> str | None:
    """Why the stored item cannot be built from what the client sends: a field typed differently in each."""
    item = _properties(spec, answer)
    for name, prop in _properties(spec, body).items():
        if name in item and _disjoint(_json_types(spec, prop), _json_types(spec, item[name])):
            return (
                f"request field `{name}` is {'/'.join(sorted(_json_types(spec, prop)))} but the item's is "
                f"{'/'.join(sorted(_json_types(spec, item[name])))}, so the stored item cannot be built from the "
                "request; give both the same type"
            )
    return None


def _required_loop(spec, schema: dict | None) -> list[str] | None:
    """A chain of schemas each requiring the next (not nullable) back to the first, if `schema` reaches one."""

    def walk(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return path[path.index(name) :] + [name]
        target = spec.schemas.get(name)
        if not isinstance(target, dict):
            return None
        props = target.get("properties") if isinstance(target.get("properties"), dict) else {}
        for field in target.get("required") or []:
            prop = props.get(field)
            ref = _ref_name(prop)
            if ref and not (spec.deref(prop).get("nullable") or "null" in _types(spec.deref(prop))):
                found = walk(ref, [*path, name])
                if found:
                    return found
        return None

    if not isinstance(schema, dict):
        return None
    ref = _ref_name(schema) or _ref_name(schema.get("items"))
    return walk(ref, []) if ref else None


BACKEND = PythonFastAPI()
