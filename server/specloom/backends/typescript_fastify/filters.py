"""The Jinja filters the typescript-fastify templates use: literals and names written for TypeScript."""

from __future__ import annotations

import json
import re

from specloom.backends.typescript_fastify.context import camel, key, prop, safe_numbers, ts_string

_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def _words(text: str) -> set[str]:
    """The identifiers code uses, outside string literals (a schema's `$ref: "Book#"` uses no type)."""
    return set(re.findall(r"[A-Za-z_$][A-Za-z0-9_$]*", _STRING.sub('""', text)))


def _json(value: object, indent: int | None = None) -> str:
    return json.dumps(safe_numbers(value), ensure_ascii=False, indent=indent)


def _query(values: dict) -> str:
    """Query parameters as light-my-request takes them: strings, or lists of strings."""

    def text(value: object) -> str:
        return json.dumps(value) if isinstance(value, bool) or value is None else str(value)

    shown = {k: [text(x) for x in v] if isinstance(v, list) else text(v) for k, v in values.items()}
    return "{ " + ", ".join(f"{key(k)}: {_json(v)}" for k, v in shown.items()) + " }" if shown else "{}"


def _members(values: dict) -> str:
    """An object's members as an object literal writes them, each followed by a comma."""
    return "".join(f"{key(k)}: {_json(v)}, " for k, v in values.items())


FILTERS = {
    "ts": ts_string,
    "tsjson": _json,
    "prop": prop,
    "tskey": key,
    "camel": camel,
    "words": _words,
    "tsquery": _query,
    "tsmembers": _members,
}
