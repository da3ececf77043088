"""Spec kinds, content detection and one entry point to parse any spec file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from specloom.core.findings import Finding, Range
from specloom.core.rules import rule
from specloom.core.source import DEFAULT_MAX_BYTES, SourceText, read_source
from specloom.core.specs.base import SpecDocument

OPENAPI_EXTENSIONS = (".yaml", ".yml", ".json")
GRAPHQL_EXTENSIONS = (".graphql", ".gql", ".graphqls")
MARKDOWN_EXTENSIONS = (".md", ".markdown")
_OPENAPI_KEY = re.compile(r"""(?m)^(?:["']?(openapi|swagger)["']?\s*:|\s*\{?\s*"(openapi|swagger)"\s*:)""")


def detect_kind(path: str, text: str) -> str | None:
    """ "openapi" | "graphql" | "adr" | "story", or None for anything else."""
    lower = path.lower()
    if lower.endswith(GRAPHQL_EXTENSIONS):
        return "graphql"
    if lower.endswith(OPENAPI_EXTENSIONS):
        return "openapi" if _OPENAPI_KEY.search(text[:200_000]) else None
    if lower.endswith(MARKDOWN_EXTENSIONS):
        from specloom.core.specs.adr import looks_like_adr
        from specloom.core.specs.story import looks_like_story

        if looks_like_adr(text, path):
            return "adr"
        if looks_like_story(text):
            return "story"
    return None


def parse_source(
    source: SourceText,
    kind: str,
    workspace_root: Path | None = None,
    max_file_bytes: int = DEFAULT_MAX_BYTES,
    open_texts: Mapping[str, str] | None = None,
) -> SpecDocument:
    if kind == "openapi":
        from specloom.core.specs.openapi import parse_openapi

        return parse_openapi(source, max_file_bytes, open_texts)
    if kind == "adr":
        from specloom.core.specs.adr import parse_adr

        return parse_adr(source, workspace_root)
    if kind == "graphql":
        from specloom.core.specs.graphql import parse_graphql

        return parse_graphql(source)
    if kind == "story":
        from specloom.core.specs.story import parse_story

        return parse_story(source)
    raise ValueError(f"unknown spec kind {kind!r}")


def parse_path(
    path: str | Path,
    workspace_root: Path | None = None,
    kind: str | None = None,
    max_file_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[SpecDocument | None, list[Finding]]:
    """Parse one file of any kind: the spec (None if unreadable or unknown) and its findings."""
    source, problems = read_source(path, max_file_bytes)
    if source is None:
        return None, problems
    kind = kind or detect_kind(source.path, source.text)
    if kind is None:
        return None, [
            Finding(
                code="IO006",
                severity=rule("IO006").severity,
                message="Not a spec Specloom knows: no `openapi:` key, no GraphQL extension, "
                "no ADR or user-story shape.",
                range=Range.of(0, 0, 0, 0),
                path=source.path,
                suggestion="OpenAPI files need a top-level `openapi: 3.x` key; ADRs need a title and Status/Context/"
                "Decision sections; stories need 'As a …, I want …, so that …'.",
            )
        ]
    spec = parse_source(source, kind, workspace_root, max_file_bytes)
    return spec, spec.findings
