"""Python-specific helpers exposed to templates as filters: types, fields, literals, samples.

Templates stay declarative; the parts that need real logic (mapping JSON Schema to
pydantic, making valid sample payloads) live here, where they are unit-tested.
"""

from __future__ import annotations

import builtins
import keyword
import random
import re
import sys
from datetime import UTC, date, datetime
from uuid import UUID

from specloom.core.apimodel import ApiModel, Field, Model, _ref_name, _types

_FORMAT_TYPES = {"uuid": "UUID", "date": "date", "date-time": "datetime", "binary": "bytes", "byte": "str"}
_JSON_SCALARS = {"int": "JsonInt", "float": "JsonNumber", "bool": "JsonBool"}
# As loose as JSON Schema's own `email` format check: one @ between non-empty parts, no spaces.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"
_SCALAR = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


def identifier(name: str) -> str:
    """A valid Python identifier for a JSON name (kept as is when it already is one)."""
    out = re.sub(r"\W", "_", name)
    if not out or out[0].isdigit():
        out = "_" + out
    if keyword.iskeyword(out) or out in ("model_config", "model_fields", "schema", "json", "dict", "copy"):
        out += "_"
    return out


# Names models.py and the routes define or import: a schema named like one of them gets another class name.
_TAKEN_CLASS_NAMES = frozenset(
    {
        "BaseModel",
        "Field",
        "ConfigDict",
        "BeforeValidator",
        "Annotated",
        "Any",
        "Literal",
        "UUID",
        "date",
        "datetime",
        "StrEnum",
        "IsoDate",
        "IsoDateTime",
        "JsonInt",
        "JsonNumber",
        "JsonBool",
        "Repos",
        "Repositories",
        "InMemoryRepository",
        "Repository",
        "ApiError",
        "APIRouter",
        "Body",
        "Depends",
        "Path",
        "Query",
        "Request",
        "Response",
        "TestClient",
        "FastAPI",
    }
)


_ANNOTATION_NAMES = _TAKEN_CLASS_NAMES | {"str", "int", "float", "bool", "list", "dict", "bytes", "object", "None"}


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_`, `name__`…: the first not taken in its scope; then taken."""
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def class_names(names: list[str]) -> dict[str, str]:
    """Python class names for schema names (`v1.Pod`, `pet-response`, `class`, `2fa`), unique; only those
    that change are returned."""
    taken: set[str] = set()
    renamed = {}
    for name in names:
        python = name
        if not name.isidentifier() or keyword.iskeyword(name) or name in _TAKEN_CLASS_NAMES or name in dir(builtins):
            words = re.findall(r"[0-9A-Za-z]+", name)
            python = "".join(w[:1].upper() + w[1:] for w in words) or "Model"
            if python[0].isdigit() or python in _TAKEN_CLASS_NAMES or python in dir(builtins):
                python = "Model" + python
        python = unique(python, taken)
        if python != name:
            renamed[name] = python
    return renamed


# Modules a generated project imports: its own package must not take one of their names.
_IMPORTED = frozenset({"fastapi", "pydantic", "starlette", "uvicorn", "httpx", "pytest", "coverage", "anyio", "tests"})


def python_package(name: str) -> str:
    """A package name from a spec's title that imports and shadows nothing (`class`, `json`, `fastapi`)."""
    if keyword.iskeyword(name) or name in sys.stdlib_module_names or name in _IMPORTED:
        return name + "_api"
    return name


def const_name(value: object) -> str:
    text = re.sub(r"[^0-9A-Za-z]+", "_", str(value)).strip("_").upper() or "EMPTY"
    return "V_" + text if text[0].isdigit() else text


def enum_members(values: list) -> list[tuple[str, object]]:
    """(member name, value) for an enum's values: names unique even where values differ only in punctuation
    or case, each value once."""
    taken: set[str] = set()
    members = []
    for value in dict.fromkeys(values):
        members.append((unique(const_name(value), taken), value))
    return members


class PythonTypes:
    def __init__(self, api: ApiModel, deref):
        self.api = api
        self.deref = deref
        self._request_models = {op.request_model for r in api.resources for op in r.ops if op.request_model}

    def type_of(self, schema: dict, nullable: bool = False) -> str:
        expr = self._type(schema)
        if nullable and expr != "Any" and "None" not in expr.split(" | "):
            expr += " | None"
        return expr

    def _type(self, schema: object, depth: int = 0) -> str:
        if depth > 20 or not isinstance(schema, dict):
            return "Any"
        if _ref_name(schema):
            model = self.api.model_of(schema)
            if model is None:
                return "Any"
            if model.kind == "alias":
                return self._type(model.schema, depth + 1)
            return model.name
        for combinator in ("oneOf", "anyOf"):
            if isinstance(schema.get(combinator), list) and schema[combinator]:
                parts = list(dict.fromkeys(self._type(s, depth + 1) for s in schema[combinator]))
                return "Any" if "Any" in parts else " | ".join(parts)
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            return self._type(schema["allOf"][0], depth + 1)
        if "enum" in schema and isinstance(schema["enum"], list) and schema["enum"]:
            values = [v for v in schema["enum"] if v is not None]
            literal = f"Literal[{', '.join(repr(v) for v in values)}]"
            return literal + (" | None" if None in schema["enum"] else "")
        types = _types(schema)
        if not types:
            return "Any"
        parts = [self._single(schema, t, depth) for t in types]
        return " | ".join(dict.fromkeys(parts))

    def _single(self, schema: dict, kind: str, depth: int) -> str:
        if kind == "array":
            return f"list[{self._type(schema.get('items', {}), depth + 1)}]"
        if kind == "object":
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                return f"dict[str, {self._type(extra, depth + 1)}]"
            return "dict[str, Any]"
        if kind == "string" and schema.get("format") in _FORMAT_TYPES:
            return _FORMAT_TYPES[schema["format"]]
        return _SCALAR.get(kind, "Any")

    def field_names(self, model: Model) -> dict[str, str]:
        """JSON name -> attribute name, unique in the model (`a-b` and `a_b` both exist in real specs)."""
        # Annotations are read in the class body: a field named `str`, `date` or like a model would hide the type.
        taken = set(_ANNOTATION_NAMES) | set(self.api.models)
        wire = {f.name for f in model.fields}
        names = {}
        for f in model.fields:
            name = identifier(f.name)
            # Never another field's JSON name either: pydantic reads a key by field name as well as by alias.
            while name in taken or (name in wire and name != f.name):
                name += "_"
            taken.add(name)
            names[f.name] = name
        return names

    def field_decl(self, f: Field, partial: bool = False, model: Model | None = None) -> str:
        schema = self.deref(f.schema) if _ref_name(f.schema) else f.schema
        py_name = self.field_names(model)[f.name] if model is not None else identifier(f.name)
        # A client never sends what is read-only: where the model is a request body too, such fields are optional.
        in_requests = model is not None and model.name in self._request_models
        optional = partial or not f.required or (f.read_only and in_requests)
        # Absent and null differ: an optional field that is not nullable defaults to None but rejects an explicit null.
        annotation = self.type_of(f.schema, nullable=f.nullable)
        # JSON numbers are not dates; pydantic alone would read them as Unix timestamps.
        annotation = re.sub(r"\bdatetime\b", "IsoDateTime", re.sub(r"\bdate\b", "IsoDate", annotation))
        # JSON true is not 1 and "5" is not 5, but 5.0 is an integer: neither pydantic's lax nor strict mode says so.
        annotation = re.sub(r"\b(int|float|bool)\b", lambda m: _JSON_SCALARS[m.group(1)], annotation)
        args = _constraints(schema)
        if py_name != f.name:
            args.insert(0, f"alias={f.name!r}")
        if not partial and "default" in schema and _literal_ok(schema["default"]):
            args.insert(0, f"default={schema['default']!r}")
        elif optional:
            args.insert(0, "default=None")
        if not args:
            return f"{py_name}: {annotation}"
        if args == ["default=None"] and f.nullable:
            return f"{py_name}: {annotation} = None"
        return f"{py_name}: {annotation} = Field({', '.join(args)})"


def _literal_ok(value: object) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


_FORMAT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def with_format_bounds(schema: dict) -> dict:
    """int32/int64 are ranges too: make them explicit bounds unless the spec gives its own."""
    bounds = _FORMAT_BOUNDS.get(schema.get("format")) if "integer" in _types(schema) else None
    if bounds is None:
        return schema
    out = dict(schema)
    if "minimum" not in out and not isinstance(out.get("exclusiveMinimum"), (int, float)):
        out["minimum"] = bounds[0]
    if "maximum" not in out and not isinstance(out.get("exclusiveMaximum"), (int, float)):
        out["maximum"] = bounds[1]
    return out


def _constraints(schema: dict) -> list[str]:
    schema = with_format_bounds(schema)
    mapping = (
        ("minLength", "min_length"),
        ("maxLength", "max_length"),
        ("minimum", "ge"),
        ("maximum", "le"),
        ("minItems", "min_length"),
        ("maxItems", "max_length"),
        ("multipleOf", "multiple_of"),
    )
    out = []
    for key, arg in mapping:
        value = schema.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if key == "minimum" and schema.get("exclusiveMinimum") is True:
                arg = "gt"
            if key == "maximum" and schema.get("exclusiveMaximum") is True:
                arg = "lt"
            out.append(f"{arg}={value!r}")
    for key, arg in (("exclusiveMinimum", "gt"), ("exclusiveMaximum", "lt")):
        value = schema.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(f"{arg}={value!r}")
    pattern = schema.get("pattern")
    if pattern is None and schema.get("format") == "email":
        pattern = EMAIL_PATTERN
    if isinstance(pattern, str) and _python_regex(pattern):
        out.append(f"pattern={pattern!r}")
    return out


def _python_regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


# --- sample values for generated tests -------------------------------------------

_FIXED_TIME = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
# Field names a secret scanner (detect-secrets' keyword detector) takes for credentials.
SECRET_NAME = re.compile(r"(?i)(api_?key|auth_?key|_?key$|secret|passw(or)?d|pwd|token|credential|private)")


class Samples:
    """Deterministic valid instances of schemas, as JSON-ready values."""

    def __init__(self, api: ApiModel, deref, seed: int = 7):
        self.api = api
        self.deref = deref
        self.random = random.Random(seed)
        self._open: list[str] = []  # the models being sampled, outermost first: a recursive schema ends

    def value(self, schema: object, depth: int = 0, minimal: bool = False):
        if not isinstance(schema, dict) or depth > 8:
            return None
        name = _ref_name(schema)
        if name:
            model = self.api.model_of(schema)
            if model is None:
                return None
            if model.kind == "object":
                # A model inside itself gets only its required fields, and a third level none at all.
                if self._open.count(name) >= 2:
                    return None
                self._open.append(name)
                try:
                    return self.model(model, depth + 1, minimal=minimal or name in self._open[:-1])
                finally:
                    self._open.pop()
            return self.value(model.schema, depth + 1, minimal)
        if "example" in schema and self.valid(schema, schema["example"]):
            return schema["example"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return next((v for v in schema["enum"] if v is not None), None)
        if "default" in schema and self.valid(schema, schema["default"]):
            return schema["default"]
        for combinator in ("oneOf", "anyOf", "allOf"):
            if isinstance(schema.get(combinator), list) and schema[combinator]:
                return self.value(schema[combinator][0], depth + 1, minimal)
        kinds = [t for t in _types(schema) if t != "null"] or ["string"]
        kind = kinds[0]
        if kind == "string":
            return self.string(schema)
        if kind == "integer":
            return int(self.number(schema, integer=True))
        if kind == "number":
            return self.number(schema, integer=False)
        if kind == "boolean":
            return True
        if kind == "array":
            count = max(1, int(schema.get("minItems", 1) or 1))
            return [self.value(schema.get("items", {}), depth + 1, minimal) for _ in range(count)]
        if kind == "object":
            props = schema.get("properties") or {}
            required = set(schema.get("required") or [])
            return {k: self.value(v, depth + 1, minimal) for k, v in props.items() if k in required or not minimal}
        return None

    def model(self, model: Model, depth: int = 0, minimal: bool = False, include_read_only: bool = True) -> dict:
        out = {}
        for f in model.fields:
            if f.read_only and not include_read_only:
                continue
            if minimal and not f.required:
                continue
            value = self.value(f.schema, depth + 1, minimal)
            if SECRET_NAME.search(f.name) and isinstance(value, str):
                value = self.placeholder_secret(f.schema, value)
            if value is None and not f.nullable:  # too deep, or no valid value: absent beats invalid
                continue
            out[f.name] = value
        return out

    def placeholder_secret(self, schema: dict, value: str) -> str:
        """A test value for a field named like a secret that secret scanners know is none (a sequence), if the
        schema takes one: generated tests must not look as if they carried a password."""
        schema = self.deref(schema)
        length = max(int(schema.get("minLength") or 0), 8)
        candidate = "abcdefghijklmnopqrstuvwxyz" * (length // 26 + 1)
        candidate = candidate[: min(length, int(schema.get("maxLength") or length))]
        return candidate if self.valid(schema, candidate) else value

    def request_default(self, f: Field) -> object:
        """The default a request's field takes when it is left out, where its schema gives a valid one; None for
        none, and for a read-only field (the server's, not the request's)."""
        schema = self.deref(f.schema) if _ref_name(f.schema) else f.schema
        value = schema.get("default") if isinstance(schema, dict) and not f.read_only else None
        return value if value is not None and self.valid(schema, value) else None

    def valid(self, schema: dict, example: object) -> bool:
        """Whether a spec's example or default is valid for its own schema: many are not, and a test built on
        one would fail on the app it tests."""
        kinds = _types(schema)
        if kinds and not any(_is_json_type(example, kind) for kind in kinds):
            return False
        if isinstance(schema.get("enum"), list) and example not in schema["enum"]:
            return False
        if isinstance(example, str):
            pattern = schema.get("pattern")
            if isinstance(pattern, str) and (not _python_regex(pattern) or not re.search(pattern, example)):
                return False
            if len(example) < (schema.get("minLength") or 0) or len(example) > schema.get("maxLength", len(example)):
                return False
            if schema.get("format") in ("uuid", "date", "date-time", "email"):
                return _format_ok(schema["format"], example)
        if isinstance(example, (int, float)) and not isinstance(example, bool):
            bounded = with_format_bounds(schema)
            low, high = bounded.get("minimum"), bounded.get("maximum")
            if (isinstance(low, (int, float)) and example < low) or (isinstance(high, (int, float)) and example > high):
                return False
        return not isinstance(example, (dict, list)) or not kinds  # containers are built field by field

    def string(self, schema: dict) -> str:
        fmt = schema.get("format")
        if fmt == "uuid":
            return str(UUID(int=self.random.getrandbits(128), version=4))
        if fmt == "date-time":
            return _FIXED_TIME.isoformat().replace("+00:00", "Z")
        if fmt == "date":
            return date(2026, 1, 15).isoformat()
        if fmt == "email":
            return "ada@example.com"
        if fmt in ("uri", "url"):
            return "https://example.com/a"
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            generated = _from_pattern(pattern)
            if generated is not None:
                return generated
        low = int(schema.get("minLength", 1) or 1)
        high = int(schema.get("maxLength", max(low, 12)) or max(low, 12))
        text = "sample-text"
        while len(text) < low:
            text += "x"
        return text[: max(low, min(high, len(text)))]

    def number(self, schema: dict, integer: bool) -> float:
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        value = 1
        if isinstance(low, (int, float)) and not isinstance(low, bool):
            value = low + 1 if schema.get("exclusiveMinimum") is not None else low
            value = max(value, 1) if (not isinstance(high, (int, float)) or high >= 1) else value
        if isinstance(high, (int, float)) and not isinstance(high, bool) and value > high:
            value = high
        return int(value) if integer else float(value)


_CLASS = {
    r"\d": "7",
    "[0-9]": "7",
    "[a-z]": "k",
    "[A-Z]": "K",
    "[a-zA-Z]": "k",
    "[A-Za-z]": "k",
    r"\w": "k",
    "[a-z0-9]": "k",
    "[A-Z0-9]": "K",
    "[a-zA-Z0-9]": "k",
    "[A-Za-z0-9]": "k",
    ".": "k",
}
_TOKEN = re.compile(r"(\\d|\\w|\[[^\]]+\]|\.|\\.|[^\\\[\]{}()*+?^$|])(\{(\d+)(?:,(\d*))?\}|[*+?])?")


def _from_pattern(pattern: str) -> str | None:
    """A string matching simple anchored patterns like ^[0-9]{13}$; None when unsure."""
    body = pattern.removeprefix("^").removesuffix("$")
    out = []
    pos = 0
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if not m:
            return None
        atom, quant, low = m.group(1), m.group(2), m.group(3)
        char = _CLASS.get(atom, atom[1:] if atom.startswith("\\") else atom)
        if atom.startswith("[") and atom not in _CLASS:
            inner = atom[1:-1]
            if inner.startswith("^"):
                return None
            char = inner[0]
        count = 1 if not quant else int(low) if low else {"*": 0, "+": 1, "?": 0}.get(quant, 1)
        out.append(char * count)
        pos = m.end()
    text = "".join(out)
    return text if re.search(pattern, text) else None


def _is_json_type(value: object, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, {"string": str, "boolean": bool, "array": list, "object": dict}.get(kind, object)) or (
        kind == "null" and value is None
    )


def _format_ok(fmt: str, value: str) -> bool:
    try:
        if fmt == "uuid":
            UUID(value)
        elif fmt == "date":
            date.fromisoformat(value)
        elif fmt == "date-time":
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            return re.search(EMAIL_PATTERN, value) is not None
    except ValueError:
        return False
    return True
