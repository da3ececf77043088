"""The one place that knows both core findings and LSP types.

Core positions count Unicode code points; LSP's default counts UTF-16 code units, so
every character offset is converted with the text of its line.
"""

from __future__ import annotations

from lsprotocol import types

from specloom.core.findings import Finding, Location, Position, Range, TextEdit
from specloom.core.rules import RULES


def _utf16(line: str, character: int) -> int:
    if line.isascii():
        return character
    return len(line[:character].encode("utf-16-le")) // 2


def _code_points(line: str, units: int) -> int:
    if line.isascii():
        return min(units, len(line))
    count = 0
    for index, ch in enumerate(line):
        if count >= units:
            return index
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def to_lsp_position(pos: Position, lines: list[str]) -> types.Position:
    line = lines[pos.line] if pos.line < len(lines) else ""
    return types.Position(line=pos.line, character=_utf16(line, pos.character))


def to_lsp_range(r: Range, lines: list[str]) -> types.Range:
    return types.Range(start=to_lsp_position(r.start, lines), end=to_lsp_position(r.end, lines))


def end_position(text: str) -> types.Position:
    """Where a text ends, as an LSP position (for an edit that replaces a whole file)."""
    lines = text.split("\n")
    return types.Position(line=len(lines) - 1, character=_utf16(lines[-1], len(lines[-1])))


def from_lsp_position(pos: types.Position, lines: list[str]) -> Position:
    line = lines[pos.line] if pos.line < len(lines) else ""
    return Position(pos.line, _code_points(line, pos.character))


def to_diagnostic(finding: Finding, lines: list[str], uri_of) -> types.Diagnostic:
    rule = RULES.get(finding.code)
    message = finding.message + (f"\n\nFix: {finding.suggestion}" if finding.suggestion else "")
    return types.Diagnostic(
        range=to_lsp_range(finding.range, lines),
        message=message,
        severity=types.DiagnosticSeverity(int(finding.severity)),
        code=finding.code,
        code_description=types.CodeDescription(href=rule.help_uri) if rule else None,
        source="specloom",
        related_information=[
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri_of(rel.location.path), range=to_lsp_range(rel.location.range, lines)),
                message=rel.message,
            )
            for rel in finding.related
        ]
        or None,
        data={"code": finding.code, "pointer": finding.pointer},
    )


def to_code_action(finding: Finding, diagnostic: types.Diagnostic, uri: str, lines: list[str]) -> types.CodeAction:
    edits = [types.TextEdit(range=to_lsp_range(e.range, lines), new_text=e.new_text) for e in finding.fix.edits]
    return types.CodeAction(
        title=finding.fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=True,
        edit=types.WorkspaceEdit(changes={uri: edits}),
    )


def to_lsp_location(location: Location, lines: list[str], uri_of) -> types.Location:
    return types.Location(uri=uri_of(location.path), range=to_lsp_range(location.range, lines))


def to_workspace_edit(edits: dict[str, list[TextEdit]], lines_of, uri_of) -> types.WorkspaceEdit:
    """One edit over several files; `lines_of(path)` gives the lines the edits were computed on."""
    changes = {}
    for path, file_edits in edits.items():
        lines = lines_of(path)
        changes[uri_of(path)] = [
            types.TextEdit(range=to_lsp_range(e.range, lines), new_text=e.new_text)
            for e in sorted(file_edits, key=lambda e: e.range.start)
        ]
    return types.WorkspaceEdit(changes=changes)
