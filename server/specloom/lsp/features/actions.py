"""Code actions: the quick fixes findings carry, and "Generate implementation" at the cursor or for the spec."""

from __future__ import annotations

from lsprotocol import types

from specloom.lsp.convert import from_lsp_position, to_code_action, to_diagnostic
from specloom.lsp.documents import Analysis
from specloom.lsp.features.lenses import operation_id


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (b.start.line, b.start.character) <= (
        a.end.line,
        a.end.character,
    )


def code_actions(analysis: Analysis | None, uri: str, where: types.Range, uri_of) -> list[types.CodeAction]:
    if analysis is None:
        return []
    actions = []
    for finding in analysis.findings:
        if finding.fix is None:
            continue
        diagnostic = to_diagnostic(finding, analysis.lines, uri_of)
        if _overlaps(diagnostic.range, where):
            actions.append(to_code_action(finding, diagnostic, uri, analysis.lines))
    element = analysis.element_at(from_lsp_position(where.start, analysis.lines))
    if analysis.spec is not None and element is not None and element.kind in ("operation", "adr"):
        actions.append(
            types.CodeAction(
                title=f"Generate implementation for {element.name}",
                # refactor, not source: editors list it in the menu at the cursor (VS Code's Ctrl+.)
                kind=types.CodeActionKind.Refactor,
                command=types.Command(
                    title="Generate implementation",
                    command="specloom.generate",
                    arguments=[uri, operation_id(analysis, element)],
                ),
            )
        )
    if analysis.spec is not None:
        actions.append(
            types.CodeAction(
                title="Generate implementation for the whole spec",
                kind=types.CodeActionKind.Source,
                command=types.Command(
                    title="Generate implementation", command="specloom.generate", arguments=[uri, None]
                ),
            )
        )
    return actions
