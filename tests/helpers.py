"""Small helpers shared by tests."""

from __future__ import annotations

from pathlib import Path

from specloom.core.source import SourceText
from specloom.core.specs.openapi import OpenAPISpec, parse_openapi

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def openapi_from_text(text: str, path: str = "spec.yaml") -> OpenAPISpec:
    return parse_openapi(SourceText(path, text))


def codes_at(spec, code: str) -> list[tuple[int, int]]:
    """(1-based line, 1-based column) of each finding with `code`."""
    return sorted((f.range.start.line + 1, f.range.start.character + 1) for f in spec.findings if f.code == code)
