"""src/models.rs: a serde struct per resource item, typed from the schemas the engine checks requests against.

The types follow what src/engine.rs lets through, so every item it would store reads into its struct: an integer
is an i64 where the schema bounds it within 64 bits and a `serde_json::Number` (any number of digits) where it
does not; a field is a plain `T` only where every stored item has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specloom.backends.go_nethttp.lang import unique
from specloom.backends.python_fastapi.lang import with_format_bounds
from specloom.backends.rust_actixweb.lang import rust_string
from specloom.core.apimodel import _ref_name, _types

_RUST_KEYWORDS = (
    "as async await break const continue dyn else enum extern false fn for if impl in let loop match mod move mut "
    "pub ref return static struct trait true type unsafe use where while abstract become box do final macro "
    "override priv typeof unsized virtual yield try gen"
)
_KEYWORDS = frozenset(_RUST_KEYWORDS.split())
_NOT_RAW = frozenset(("self", "super", "crate", "Self", "_"))
# Names models.rs and the prelude use: a struct of one of these would shadow it.
_PRELUDE_TYPES = (
    "Option Some None String Vec Box Result Ok Err Self Serialize Deserialize Deserializer Default Clone Debug "
    "Send Sync Copy Sized Drop Fn FnMut FnOnce Iterator Into From ToString ToOwned PartialEq Eq Ord PartialOrd "
    "Hash AsRef AsMut Extend IntoIterator DoubleEndedIterator ExactSizeIterator TryFrom TryInto FromIterator Unpin"
)
_TAKEN_TYPES = frozenset(_PRELUDE_TYPES.split())
_I64 = (-(2**63), 2**63 - 1)


@dataclass(slots=True)
class RustField:
    json: str
    name: str  # the Rust identifier (raw where it is a keyword)
    type: str
    serde: str  # the `#[serde(...)]` arguments, "" for none
    doc: str


@dataclass(slots=True)
class RustEnum:
    name: str
    doc: str
    variants: list[tuple[str, str]]  # (Rust variant, JSON string)


@dataclass(slots=True)
class RustStruct:
    name: str
    doc: str
    fields: list[RustField] = field(default_factory=list)


def _camel(name: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)) if w]
    # clippy's upper_case_acronyms refuses a name that is one acronym (DTO): spell it Dto.
    return "".join(w[0].upper() + (w[1:].lower() if w.isupper() else w[1:]) for w in words)


def type_name(name: str) -> str:
    """An UpperCamelCase Rust type name of a schema name (ASCII letters and digits only)."""
    out = _camel(name)
    return out if out[:1].isalpha() else "Model" + out


def variant_name(value: str) -> str:
    """An UpperCamelCase enum variant of a JSON string value ("" is Empty, a leading digit gets Value)."""
    out = _camel(value) or "Empty"
    out = out if out[:1].isalpha() else "Value" + out
    return "SelfValue" if out == "Self" else out


def field_name(name: str) -> str:
    """A snake_case Rust field name of a JSON name; a keyword is spelt raw (r#type)."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "field"
    if text[0].isdigit():
        text = "field_" + text
    if text in _NOT_RAW:
        return text + "_"
    return "r#" + text if text in _KEYWORDS else text


class RustModels:
    """The structs of models.rs, one per resource item plus one per nested object they hold."""

    def __init__(self, describer):
        self.describer = describer
        self.deref = describer.deref
        self.builder = describer.builder
        self.structs: list[RustStruct] = []
        self.enums: list[RustEnum] = []
        self._types: set[str] = set(_TAKEN_TYPES)
        self._by_schema: dict[str, str] = {}  # model or component name -> its struct
        self.present = False  # some field tells absent from null: models.rs needs its `present` reader

    def item(self, rv) -> str:
        """The struct of the items of resource `rv`: fields the server sets on create are always present."""
        model = self.describer.api.models[rv.res.item_model]
        if model.name in self._by_schema:
            return self._by_schema[model.name]
        name = unique(type_name(model.name), self._types)
        self._by_schema[model.name] = name
        struct = RustStruct(name, _doc(model.description) or f"One {rv.res.singular}, as stored and answered.")
        self.structs.append(struct)
        server = {rv.res.id_field, rv.res.parent_field, *rv.create_fields} - {None}
        # Integer keys the server numbers are i64 whatever the schema bounds (engine::Store::next_id).
        numbered = {rv.res.id_field: rv.key_kind == "int" and not rv.client_sets_id}
        if rv.parent_view is not None:
            parent = rv.parent_view
            numbered[rv.res.parent_field] = parent.key_kind == "int" and not parent.client_sets_id
        taken: set[str] = set()
        for f in model.fields:
            always = f.required and (not f.read_only or f.name in server)
            base = "i64" if numbered.get(f.name) else None
            struct.fields.append(self._field(name, f.name, f.schema, always, f.nullable, taken, base))
        return name

    def _field(
        self, owner: str, json: str, schema: dict, always: bool, nullable: bool, taken: set, base: str | None = None
    ) -> RustField:
        rule = self.describer.rule(schema, nullable)
        base = base or self._type(owner, json, schema)
        rust = unique(field_name(json), taken)
        serde = [] if rust.removeprefix("r#") == json else [f"rename = {rust_string(json)}"]
        if always:
            kind = f"Option<{base}>" if rule.get("nullable") else base
        elif rule.get("nullable"):
            kind = f"Option<Option<{base}>>"
            serde += ["default", 'deserialize_with = "present"', 'skip_serializing_if = "Option::is_none"']
            self.present = True
        else:
            kind = f"Option<{base}>"
            serde += ["default", 'skip_serializing_if = "Option::is_none"']
        resolved = self.deref(schema) if isinstance(schema, dict) else {}
        doc = _doc(resolved.get("description")) if isinstance(resolved, dict) else ""
        return RustField(json, rust, kind, ", ".join(serde), doc)

    def _type(self, owner: str, json: str, schema: object) -> str:
        if not isinstance(schema, dict):
            return "serde_json::Value"
        resolved = with_format_bounds(self.deref(schema) if _ref_name(schema) else schema)
        types = [t for t in _types(resolved) if t != "null"]
        if len(types) != 1:
            return "serde_json::Value"
        kind = types[0]
        if kind == "string":
            values = resolved.get("enum")
            if isinstance(values, list) and values and all(isinstance(v, str) or v is None for v in values):
                strings = [v for v in values if v is not None]
                return self._enum(owner, json, schema, strings) if strings else "String"
            return "String"
        if kind == "boolean":
            return "bool"
        if kind == "number":
            return "f64"
        if kind == "integer":
            low = _bound(resolved, "minimum", "exclusiveMinimum")
            high = _bound(resolved, "maximum", "exclusiveMaximum")
            held = low is not None and high is not None and _I64[0] <= low and high <= _I64[1]
            return "i64" if held else "serde_json::Number"
        if kind == "array":
            items = resolved.get("items")
            if not isinstance(items, dict):
                return "Vec<serde_json::Value>"
            inner = self._type(owner, json + " item", items)
            return f"Vec<Option<{inner}>>" if self.describer.rule(items).get("nullable") else f"Vec<{inner}>"
        if kind == "object":
            props, required, _ = self.builder.flatten(schema)
            if not props:
                return "serde_json::Map<String, serde_json::Value>"
            return self._nested(owner, json, schema, props, required)
        return "serde_json::Value"

    def _named(self, owner: str, json: str, schema: dict) -> tuple[str, bool]:
        """The type of a field's schema: its component's, named once, else the owner's and the field's name; and
        whether it is new (to be declared)."""
        ref = _ref_name(schema)
        if ref and ref in self._by_schema:
            return self._by_schema[ref], False
        name = unique(type_name(ref) if ref else owner + type_name(json), self._types)
        if ref:
            self._by_schema[ref] = name
        return name, True

    def _enum(self, owner: str, json: str, schema: dict, values: list[str]) -> str:
        name, new = self._named(owner, json, schema)
        if not new:
            return name
        ref = _ref_name(schema)
        taken: set[str] = set()
        variants = [(unique(variant_name(v), taken), v) for v in dict.fromkeys(values)]
        fallback = f"The spec's schema {ref}." if ref else f"The values of the `{json}` of a {owner}."
        self.enums.append(RustEnum(name, _doc(self.deref(schema).get("description")) or fallback, variants))
        return name

    def _nested(self, owner: str, json: str, schema: dict, props: dict, required: set) -> str:
        name, new = self._named(owner, json, schema)
        if not new:
            return name
        ref = _ref_name(schema)
        resolved = self.deref(schema)
        fallback = f"The spec's schema {ref}." if ref else f"The `{json}` of a {owner}."
        struct = RustStruct(name, _doc(resolved.get("description")) or fallback)
        self.structs.append(struct)
        taken: set[str] = set()
        for prop_name, prop in props.items():
            read_only = isinstance(prop, dict) and bool(self.deref(prop).get("readOnly"))
            # The engine lets a request leave out a read-only field wherever it is: only others are always there.
            always = prop_name in required and not read_only
            struct.fields.append(self._field(name, prop_name, prop, always, False, taken))
        return name


def _doc(text: object) -> str:
    """A description as one doc-comment line; "" where it says nothing (clippy refuses an empty doc comment)."""
    return " ".join(str(text or "").split())


def _bound(schema: dict, inclusive: str, exclusive: str) -> int | float | None:
    for key in (inclusive, exclusive):
        value = schema.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    return None
