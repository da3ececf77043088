"""What every parsed spec has in common."""

from __future__ import annotations

from dataclasses import dataclass, field

from specloom.core.findings import Finding, Range
from specloom.core.source import SourceText


@dataclass(frozen=True, slots=True)
class Element:
    """A named part of a spec with its place in the source.

    `range` covers the whole element; `selection_range` is the part to underline or
    jump to (a key, a heading, a `File:` line), as in LSP's DocumentSymbol.
    """

    kind: str
    name: str
    pointer: str
    path: str
    range: Range
    selection_range: Range


@dataclass(slots=True)
class SpecDocument:
    """Base of every parsed spec: the source it came from and what was found wrong."""

    kind: str  # "openapi" | "adr" | "graphql" | "story"
    source: SourceText
    findings: list[Finding] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.source.path

    def elements(self) -> list[Element]:
        return []
