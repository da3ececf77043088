"""Findings: what parsers and checks return instead of raising."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    # Values match LSP's DiagnosticSeverity so conversion is trivial.
    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """0-based line and character (Unicode code points), as in LSP."""

    line: int
    character: int

    def to_json(self) -> dict:
        return {"line": self.line, "character": self.character}


@dataclass(frozen=True, slots=True, order=True)
class Range:
    start: Position
    end: Position

    @classmethod
    def of(cls, start_line: int, start_char: int, end_line: int, end_char: int) -> Range:
        return cls(Position(start_line, start_char), Position(end_line, end_char))

    def to_json(self) -> dict:
        return {"start": self.start.to_json(), "end": self.end.to_json()}

    def contains(self, pos: Position) -> bool:
        return self.start <= pos <= self.end


WHOLE_FIRST_LINE = Range.of(0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    range: Range


@dataclass(frozen=True, slots=True)
class RelatedInfo:
    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class TextEdit:
    range: Range
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A quick fix: edits to the file the finding is in."""

    title: str
    edits: tuple[TextEdit, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    range: Range
    path: str = ""
    suggestion: str | None = None
    pointer: str | None = None
    related: tuple[RelatedInfo, ...] = ()
    fix: Fix | None = None
    data: dict = field(default_factory=dict, compare=False)

    def to_json(self) -> dict:
        out: dict = {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "suggestion": self.suggestion,
            "range": self.range.to_json(),
        }
        if self.pointer is not None:
            out["pointer"] = self.pointer
        if self.related:
            out["related"] = [
                {"path": r.location.path, "range": r.location.range.to_json(), "message": r.message}
                for r in self.related
            ]
        if self.fix is not None:
            out["fix"] = {
                "title": self.fix.title,
                "edits": [{"range": e.range.to_json(), "newText": e.new_text} for e in self.fix.edits],
            }
        return out


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.range.start, f.code, f.message))
