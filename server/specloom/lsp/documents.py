"""Per-document analysis for the server: parse, check, plan lazily, find the element under a position."""

from __future__ import annotations

import os
from collections.abc import Mapping
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
    text: str = ""  # the text analysed, as one string (navigation scans it)
    gate_findings: list[Finding] = field(default_factory=list)  # from the last generation, cleared by a passing one
    dependencies: frozenset[str] = frozenset()  # absolute paths of the files this analysis read or links to
    _plan: tuple[object, object] | None = None  # (options, plan): settings can change under a kept analysis
    _previews: dict[str, str | None] = field(default_factory=dict)  # path -> render, under the plan's options
    _elements: list[Element] | None = None

    def elements(self) -> list[Element]:
        if self._elements is None:
            self._elements = self.spec.elements() if self.spec is not None else []
        return self._elements

    def plan(self, options=None):
        """The plan under `options` (a templates.layout.PlanOptions; None: the defaults)."""
        if self.spec is None:
            return None
        if self._plan is None or self._plan[0] != options:
            from specloom.templates.layout import plan_generation

            self._plan = (options, plan_generation(self.spec, options))
            self._previews.clear()
        return self._plan[1]

    def rendered(self, options, path: str) -> str | None:
        """A template file of the plan as the pack renders it, kept for repeated hovers."""
        if self.plan(options) is None:
            return None
        if path not in self._previews:
            from specloom.templates.layout import PlanOptions, render_planned_file

            self._previews[path] = render_planned_file(self.spec, options or PlanOptions(), path)
        return self._previews[path]

    def element_at(self, pos: Position) -> Element | None:
        """The innermost element whose key (or whose whole range, for ADR parts) holds the position."""
        hits = [e for e in self.elements() if e.selection_range.contains(pos)]
        if not hits:
            hits = [e for e in self.elements() if e.kind in ("operation", "file", "adr") and e.range.contains(pos)]
        return min(hits, key=lambda e: (e.range.end.line - e.range.start.line, e.range.end.character)) if hits else None


def analyze(
    path: str,
    text: str,
    version: int | None,
    workspace_root: Path | None = None,
    open_texts: Mapping[str, str] | None = None,
) -> Analysis:
    """`open_texts` (absolute path -> editor text) stands in for the disk for referenced files."""
    from specloom.core.locate import keep_recent_indents
    from specloom.core.specs import yaml_incremental

    yaml_incremental.keep_last_parses()  # an editor re-checks the same big files edit after edit
    keep_recent_indents()
    source = SourceText(path, text.replace("\r\n", "\n"))
    kind = detect_kind(path, text)
    lines = source.lines
    if kind is None:
        return Analysis(path, version, lines, None, [], source.text)
    spec = parse_source(source, kind, workspace_root, open_texts=open_texts)
    dependencies = _dependencies(spec, workspace_root)
    return Analysis(path, version, lines, spec, spec.findings, source.text, dependencies=dependencies)


def _dependencies(spec: SpecDocument, workspace_root: Path | None) -> frozenset[str]:
    own = os.path.abspath(spec.source.path)
    resolver = getattr(spec, "resolver", None)
    if resolver is not None:  # OpenAPI: files reached through `$ref`, and those that could not be read
        return frozenset(set(resolver.documents) | set(resolver.file_problems)) - {own}
    from specloom.core.specs.adr import link_paths  # not at import: the server starts without the ADR parser

    out = set()
    for link in getattr(spec, "links", ()):  # ADRs: linked specs and ADRs, resolved as the broken-link check does
        found = link_paths(link.target, Path(own).parent, workspace_root, also_from_root=True)
        if link.kind != "other" and found is not None:
            out.update(os.path.abspath(candidate) for candidate in found[1])
    return frozenset(out) - {own}
