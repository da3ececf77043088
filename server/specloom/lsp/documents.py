"""Per-document analysis for the server: parse, check, plan lazily, find the element under a position."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from specloom.core.findings import Finding, Position
from specloom.core.source import SourceText
from specloom.core.specs import detect_kind, parse_source
from specloom.core.specs.base import Element, SpecDocument


@dataclass(slots=True)
class Analysis:
    path: str
    version: int | None
    lines: list[str]
    spec: SpecDocument | None
    findings: list[Finding]
    gate_findings: list[Finding] = field(default_factory=list)  # from the last generation, cleared by a passing one
    _plan: object = None
    _elements: list[Element] | None = None

    def elements(self) -> list[Element]:
        if self._elements is None:
            self._elements = self.spec.elements() if self.spec is not None else []
        return self._elements

    def plan(self):
        if self._plan is None and self.spec is not None:
            from specloom.core.plan import plan

            self._plan = plan(self.spec)
        return self._plan

    def element_at(self, pos: Position) -> Element | None:
        """The innermost element whose key (or whose whole range, for ADR parts) holds the position."""
        hits = [e for e in self.elements() if e.selection_range.contains(pos)]
        if not hits:
            hits = [e for e in self.elements() if e.kind in ("operation", "file", "adr") and e.range.contains(pos)]
        return min(hits, key=lambda e: (e.range.end.line - e.range.start.line, e.range.end.character)) if hits else None


def analyze(path: str, text: str, version: int | None, workspace_root: Path | None = None) -> Analysis:
    source = SourceText(path, text.replace("\r\n", "\n"))
    kind = detect_kind(path, text)
    lines = source.text.split("\n")
    if kind is None:
        return Analysis(path, version, lines, None, [])
    spec = parse_source(source, kind, workspace_root)
    return Analysis(path, version, lines, spec, spec.findings)
