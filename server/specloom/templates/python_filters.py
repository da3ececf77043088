"""Jinja filters for Python packs."""

from __future__ import annotations

import re

from specloom.templates.python_lang import const_name, identifier


def _pyrepr(value: object) -> str:
    return repr(value)


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
    "const_name": const_name,
    "ident": identifier,
    "route_imports": _route_imports,
}
