"""Jinja filters for Python packs."""

from __future__ import annotations

import re
import unicodedata

from specloom.backends.python_fastapi.lang import enum_members


def _pyrepr(value: object) -> str:
    return repr(value)


_QUOTES = '"' * 3


def _width(text: str) -> int:
    """Columns a line takes, as the style gate counts them: wide (East Asian) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cut(word: str, room: int) -> int:
    """How much of `word` fits in `room` columns, never ending between a backslash and what it escapes."""
    cut = 1
    while cut < len(word) and _width(word[: cut + 1]) <= room:
        cut += 1
    while cut > 1 and word[:cut].endswith("\\") and (len(word[:cut]) - len(word[:cut].rstrip("\\"))) % 2:
        cut -= 1
    return cut


def _docstring(text: object, indent: int = 0, width: int = 120) -> str:
    """A docstring literal for spec prose: nothing in it can close or escape it, wrapped to the line length."""
    words = " ".join(str(text).replace("\\", "\\\\").replace(_QUOTES, "'''").split()).rstrip('"')
    if indent + _width(words) + 6 <= width:
        return _QUOTES + words + _QUOTES
    pad = " " * indent
    # Room for both quotes on every line: the formatter puts the closing ones beside a lone line.
    room = width - indent - 6
    lines, line = [], ""
    for word in words.split(" "):
        while _width(line) + 1 + _width(word) > room and _width(word) > room:
            lines.append(line + (" " if line else "") + word[: (cut := _cut(word, room - _width(line) - 1))])
            line, word = "", word[cut:]  # a word longer than a line (CJK prose has no spaces) is cut
        if line and _width(line + " " + word) > room:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return _QUOTES + f"\n{pad}".join(lines) + f"\n{pad}" + _QUOTES


def _route_imports(body: str, models: dict) -> dict[str, list[str]]:
    """The names a rendered route module uses, so it imports exactly those."""

    def used(word: str) -> bool:
        return re.search(rf"(?<![\w.\"']){re.escape(word)}\b", body) is not None

    fastapi = [n for n in ("APIRouter", "Body", "Depends", "Path", "Query", "Request", "Response") if used(n)]
    return {
        "datetime": [n for n in ("UTC", "date", "datetime") if used(n)],
        "typing": [n for n in ("Annotated", "Any", "Literal") if used(n)],
        "uuid": [n for n in ("UUID", "uuid4") if used(n)],
        "fastapi": fastapi,
        "errors": [n for n in ("ApiError", "not_found") if used(n)],
        "models": sorted(n for n in models if used(n)),
        "auth": used("require_auth"),
    }


FILTERS = {
    "pyrepr": _pyrepr,
    "docstring": _docstring,
    "enum_members": enum_members,
    "route_imports": _route_imports,
}
