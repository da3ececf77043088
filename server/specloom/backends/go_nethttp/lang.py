"""Go-specific helpers: identifiers, literals and the field types of the go-nethttp pack."""

from __future__ import annotations

import json
import re

from specloom.core.apimodel import _ref_name, _types

# Names the generated package defines: a schema or field named like one gets another Go name.
TAKEN = frozenset(
    {
        "Server",
        "NewServer",
        "Store",
        "NewStore",
        "Repository",
        "MemoryRepository",
        "NewMemoryRepository",
        "NewHTTPServer",
        "Handler",
        "Config",
        "Authorizer",
    }
)
_INITIALISMS = {"id": "ID", "url": "URL", "uri": "URI", "uuid": "UUID", "api": "API", "http": "HTTP", "json": "JSON"}
_SCALARS = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}
# Go's regexp (RE2) has no lookaround and no backreferences.
_NOT_RE2 = re.compile(r"\(\?[=!<]|\\[1-9]|\\[pP]\{|[*+?}]\+|\(\?P?<\w+>")


def exported(name: str) -> str:
    """A Go exported name for a JSON or schema name (`authorId` -> `AuthorID`, `pet-response` -> `PetResponse`)."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", name)
    out = "".join(_INITIALISMS.get(w.lower(), w[:1].upper() + w[1:]) for w in words)
    if not out or out[0].isdigit():
        out = "X" + out
    return out


def unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}{number}", number + 1
    taken.add(candidate)
    return candidate


def go_string(value: str) -> str:
    """A Go interpreted string literal of `value` (every character kept, control characters escaped)."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\x{code:02x}" if code < 0x80 else "\\uFFFD")
        elif code in (0x2028, 0x2029, 0xFEFF):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def go_json(value: object) -> str:
    """A Go string literal holding `value` as JSON."""
    return go_string(json.dumps(value, ensure_ascii=False))


def go_number(value: float | int, kind: str) -> str:
    if kind == "int64":
        return str(int(value))
    text = repr(float(value))
    return text if "e" in text or "." in text or "inf" in text else text + ".0"


def field_kind(schema: dict, deref) -> tuple[str | None, str | None]:
    """(Go base type, None) for a field schema the pack implements; (None, why not) for one it does not."""
    resolved = deref(schema) if _ref_name(schema) else schema
    if any(k in resolved for k in ("oneOf", "anyOf", "allOf", "not")):
        return None, "a union (oneOf/anyOf/allOf)"
    for key in ("exclusiveMinimum", "exclusiveMaximum", "multipleOf", "const", "uniqueItems"):
        if key in resolved and resolved[key] is not False:
            return None, f"`{key}`"
    kinds = [t for t in _types(resolved) if t != "null"]
    enum = resolved.get("enum")
    if not kinds and isinstance(enum, list) and enum and all(isinstance(v, str) or v is None for v in enum):
        kinds = ["string"]
    if len(kinds) != 1:
        return None, "untyped or of several types"
    kind = kinds[0]
    if enum is not None and (kind != "string" or not all(isinstance(v, str) or v is None for v in enum)):
        return None, "an enum of other than strings"
    if kind == "string":
        pattern = resolved.get("pattern")
        if pattern is not None and (not isinstance(pattern, str) or _NOT_RE2.search(pattern)):
            return None, "a pattern Go's regexp cannot compile (lookaround or backreference)"
        return "string", None
    if kind == "integer":
        for key in ("default", "example", "minimum", "maximum"):
            value = resolved.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
                return None, f"an integer whose {key} exceeds 64 bits"
    if kind in _SCALARS:
        return _SCALARS[kind], None
    if kind == "array":
        items = deref(resolved.get("items") or {})
        item_kinds = [t for t in _types(items) if t != "null"]
        if set(items) - {"type", "description", "title", "example"} or len(item_kinds) != 1:
            return None, "an array whose items are not plain scalars"
        if item_kinds[0] not in _SCALARS or "null" in _types(items):
            return None, "an array whose items are not plain scalars"
        return "[]" + _SCALARS[item_kinds[0]], None
    return None, "a nested object"


# Standard library packages a generated file may use, by the name it is referred to with.
_STDLIB = {
    "bytes": "bytes",
    "cmp": "cmp",
    "errors": "errors",
    "fmt": "fmt",
    "io": "io",
    "json": "encoding/json",
    "base64": "encoding/base64",
    "hex": "encoding/hex",
    "log": "log",
    "mime": "mime",
    "http": "net/http",
    "httptest": "net/http/httptest",
    "url": "net/url",
    "os": "os",
    "rand": "crypto/rand",
    "regexp": "regexp",
    "slices": "slices",
    "strconv": "strconv",
    "strings": "strings",
    "subtle": "crypto/subtle",
    "sync": "sync",
    "testing": "testing",
    "time": "time",
    "utf8": "unicode/utf8",
}
_LITERALS = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|//[^\n]*')


def go_imports(body: str, own: tuple[str, ...] = ()) -> str:
    """The import block of a Go file whose declarations are `body`: the standard packages it refers to
    (string literals and comments aside), then the module's own packages in `own`."""
    code = _LITERALS.sub('""', body)
    used = sorted(path for name, path in _STDLIB.items() if re.search(rf"(?<![\w.]){name}\.[A-Z]", code))
    groups = [used, list(own)]
    lines = "\n\n".join("\n".join(f'\t"{path}"' for path in group) for group in groups if group)
    return f"import (\n{lines}\n)\n" if lines else ""


def go_comment(text: object) -> str:
    return " ".join(str(text).split())
