"""Java-specific helpers: identifiers and literals of the java-springboot pack."""

from __future__ import annotations

import json
import math
import re

# Java's keywords and literals, and the accessors every record has: a field named like one gets another name.
RESERVED = frozenset(
    " ".join(
        (
            "abstract assert boolean break byte case catch char class const continue default do double else enum",
            "extends final finally float for goto if implements import instanceof int interface long native new",
            "package private protected public return short static strictfp super switch synchronized this throw",
            "throws transient try void volatile while true false null var record yield sealed permits hashCode",
            "toString getClass equals notify notifyAll wait clone finalize clear",
        )
    ).split()
)
JAVA_TYPES = {
    "string": "String",
    "int64": "Long",
    "float64": "Double",
    "bool": "Boolean",
    "[]string": "List<String>",
    "[]int64": "List<Long>",
    "[]float64": "List<Double>",
    "[]bool": "List<Boolean>",
}


def member(go_name: str) -> str:
    """A Java member name from the Go exported name (`AuthorID` -> `authorID`), never a keyword or accessor."""
    lead = len(go_name) - len(go_name.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if lead > 1 and lead < len(go_name):
        lead -= 1  # `URLPath` -> `urlPath`
    name = go_name[:lead].lower() + go_name[lead:]
    return name + "Value" if name in RESERVED else name


def java_string(value: str) -> str:
    """A Java string literal of `value`: every character kept, anything outside printable ASCII escaped."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code > 0xFFFF:
            high, low = divmod(code - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
        else:
            out.append(f"\\u{code:04x}")
    out.append('"')
    return "".join(out)


def java_comment(value: object) -> str:
    """Text safe inside a Java comment: one line, no comment terminator, no unicode escape javac would read."""
    text = " ".join(str(value).split())
    return text.replace("*/", "* /").replace("\\u", "\\ u")


def java_json(value: object) -> str:
    """A Java string literal holding `value` as JSON."""
    return java_string(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def java_value(value: object, base: str) -> str:
    """A Java expression of `value` as the field type `base` holds it."""
    if value is None:
        return "null"
    if base == "string":
        return java_string(str(value))
    if base == "bool":
        return "Boolean.TRUE" if value else "Boolean.FALSE"
    if base == "int64":
        return f"Long.valueOf({int(value)}L)"
    if base == "float64":
        number = float(value)
        return "Double.valueOf(0.0)" if not math.isfinite(number) else f"Double.valueOf({number!r})"
    if base.startswith("[]") and isinstance(value, list):
        item = base[2:]
        return "List.of(" + ", ".join(java_value(v, item) for v in value) + ")"
    return "List.of()"


_GO_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)")
_GO_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def from_go(literal: str) -> str:
    """The text of a Go interpreted string literal (go-nethttp's view writes its test data so)."""
    return _GO_ESCAPE.sub(lambda m: _GO_SIMPLE.get(m[1]) or chr(int(m[1][1:], 16)), literal[1:-1])


def go_to_java(literal: str) -> str:
    """A Java string literal of the text a Go string literal holds."""
    return java_string(from_go(literal))


def java_regex(pattern: str) -> str:
    """A java.util.regex pattern matching what the spec's ECMA-262 `pattern` matches.

    Java's `$` also matches before a final line break, `[` opens a nested class and `&&` intersects
    inside a class, and `[]` / `[^]` do not parse; ECMA-262 has none of these (Go's `(?P<name>` is
    spelled `(?<name>` in Java).
    """
    out, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            char, i = pattern[i : i + 2], i + 1
        elif in_class:
            if char == "]":
                in_class = False
            elif char == "[" or (char == "&" and pattern[i + 1 : i + 2] == "&"):
                char = "\\" + char
        elif pattern.startswith("[]", i):
            char, i = "(?!)", i + 1  # ECMA's empty class matches nothing
        elif pattern.startswith("[^]", i):
            char, i = "[\\s\\S]", i + 2  # and its negation any character
        elif char == "[":
            in_class = True
        elif char == "$":
            char = "\\z"
        elif pattern.startswith("(?P<", i):
            char, i = "(?<", i + 3
        out.append(char)
        i += 1
    return "".join(out)


# The classes a generated controller may name, by simple name.
_IMPORTS = {
    "ObjectNode": "com.fasterxml.jackson.databind.node.ObjectNode",
    **{name: f"java.util.{name}" for name in ("ArrayList", "LinkedHashMap", "List", "Locale", "Map", "UUID")},
    **{name: f"java.time.{name}" for name in ("Instant", "LocalDate", "ZoneOffset")},
    "ChronoUnit": "java.time.temporal.ChronoUnit",
    "ResponseEntity": "org.springframework.http.ResponseEntity",
    "MultiValueMap": "org.springframework.util.MultiValueMap",
    **{
        name: f"org.springframework.web.bind.annotation.{name}"
        for name in (
            "DeleteMapping",
            "GetMapping",
            "PatchMapping",
            "PathVariable",
            "PostMapping",
            "PutMapping",
            "RequestBody",
            "RequestHeader",
            "RequestParam",
            "RestController",
        )
    },
}


def java_imports(body: str) -> str:
    """The import lines of the classes `body` names (the formatter then drops any a comment alone named)."""
    used = sorted(full for name, full in _IMPORTS.items() if re.search(rf"(?<![.\w]){name}\b", body))
    return "".join(f"import {full};\n" for full in used)
