"""Jinja filters for Python packs."""

from __future__ import annotations

import re
import textwrap

from specloom.backends.python_fastapi.lang import enum_members, identifier


def _pyrepr(value: object) -> str:
    return repr(value)


_QUOTES = '"' * 3


def _docstring(text: object, indent: int = 0, width: int = 120) -> str:
    """A docstring literal for spec prose: nothing in it can close or escape it, wrapped to the line length."""
    words = " ".join(str(text).replace("\\", "\\\\").replace(_QUOTES, "'''").split()).rstrip('"')
    if indent + len(words) + 6 <= width:
        return _QUOTES + words + _QUOTES
    pad = " " * indent
    lines = textwrap.wrap(words, width - indent - 3, break_long_words=False, break_on_hyphens=False)
    return _QUOTES + f"\n{pad}".join(lines) + f"\n{pad}" + _QUOTES


def _route_imports(body: str, models: dict) -> dict[str, list[str]]:
    """The names a rendered route module uses, so it imports exactly those."""

    def used(word: str) -> bool:
        return re.search(rf"(?<![\w.\"']){re.escape(word)}\b", body) is not None

    fastapi = [n for n in ("APIRouter", "Depends", "Path", "Query", "Request", "Response") if used(n)]
    return {
        "datetime": [n for n in ("UTC", "datetime") if used(n)],
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
    "ident": identifier,
    "route_imports": _route_imports,
}
