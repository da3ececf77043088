"""Where generated code came from: a hash of each spec element a file was generated from, and drift.

A generated file records, per source element (a JSON pointer into the spec), the hash of that element's
value when it was generated. The file has drifted when one of those elements now hashes differently, so
an edit elsewhere in the spec (another operation, a description of something else) is no drift.
"""

from __future__ import annotations

import hashlib
import json

from specloom.core.locate import split_pointer
from specloom.core.specs.openapi_refs import lookup

MISSING = "missing"


def element_hash(data: object, pointer: str) -> str:
    found, value, _ = lookup(data, split_pointer(pointer))
    if not found:
        return MISSING
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def element_hashes(data: object, pointers: list[str]) -> dict[str, str]:
    return {pointer: element_hash(data, pointer) for pointer in sorted(set(pointers))}


def drifted(recorded: dict[str, str], data: object) -> list[str]:
    """The pointers whose element changed (or went away) since `recorded` was taken, in order."""
    return [pointer for pointer, digest in sorted(recorded.items()) if element_hash(data, pointer) != digest]
