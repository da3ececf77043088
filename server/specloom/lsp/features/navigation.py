"""Navigation and editing: definition, references, rename, symbols, folding and unresolved-ref highlighting.

The logic is the core's (`core.navigation`); this module gathers the texts (open buffers first, then
what the last analyses read from disk) and converts the plain results to LSP types.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from specloom.core import navigation
from specloom.core.findings import Position
from specloom.lsp.convert import from_lsp_position, to_lsp_location, to_lsp_range, to_workspace_edit
from specloom.lsp.documents import Analysis

SEMANTIC_LEGEND = types.SemanticTokensLegend(token_types=["unresolvedReference"], token_modifiers=[])
_UNRESOLVED = ("OAS101", "OAS102", "OAS103")
MAX_WORKSPACE_SYMBOLS = 500
_SYMBOL_KINDS = {
    "operation": types.SymbolKind.Method,
    "parameter": types.SymbolKind.Variable,
    "requestBody": types.SymbolKind.Struct,
    "response": types.SymbolKind.Event,
    "schema": types.SymbolKind.Class,
    "property": types.SymbolKind.Property,
    "path": types.SymbolKind.Namespace,
    "components": types.SymbolKind.Module,
    "adr": types.SymbolKind.File,
    "section": types.SymbolKind.String,
    "constraint": types.SymbolKind.Key,
    "file": types.SymbolKind.File,
    "type": types.SymbolKind.Class,
    "field": types.SymbolKind.Field,
}


class Texts:
    """Absolute path -> text for every file the session knows: open buffers, analysed specs, `$ref`'d files."""

    def __init__(self, open_documents: dict, analyses: dict[str, Analysis]):
        self.texts: dict[str, str] = {}
        for analysis in analyses.values():
            resolver = getattr(analysis.spec, "resolver", None)
            for path, doc in resolver.documents.items() if resolver is not None else ():
                self.texts.setdefault(os.path.abspath(path), doc.source.text)
        for analysis in analyses.values():
            if analysis.text:
                self.texts[os.path.abspath(analysis.path)] = analysis.text
        for doc in list(open_documents.values()):
            if doc.path:
                self.texts[os.path.abspath(doc.path)] = doc.source
        for analysis in analyses.values():
            resolver = getattr(analysis.spec, "resolver", None)
            for path, doc in resolver.documents.items() if resolver is not None else ():
                if self.texts.get(os.path.abspath(path)) is doc.source.text:  # the analysis is of this very text
                    navigation.share_locator(path, doc.source.text, doc.locator)

    def lines(self, path: str) -> list[str]:
        return navigation.lines_of(self.texts.get(path, ""))

    def of(self, uri: str) -> tuple[str, str] | None:
        path = to_fs_path(uri)
        if not path:
            return None
        path = os.path.abspath(path)
        text = self.texts.get(path)
        return (path, text) if text is not None else None


def _position(text: str, pos: types.Position) -> Position:
    return from_lsp_position(pos, navigation.lines_of(text))


def definition(texts: Texts, uri: str, pos: types.Position, analysis: Analysis | None, uri_of) -> list[types.Location]:
    found = texts.of(uri)
    if found is None:
        return []
    path, text = found
    where = _position(text, pos)
    if analysis is not None and analysis.spec is not None and analysis.spec.kind == "adr":
        return _adr_link_definition(analysis, where, uri_of)
    if path.lower().endswith((".graphql", ".gql", ".graphqls")):
        word = navigation.graphql_word_at(text, where)
        target = navigation.graphql_definitions(texts.texts).get(word[0]) if word else None
        return [to_lsp_location(target, texts.lines(target.path), uri_of)] if target else []
    locations = navigation.definition(path, text, where, texts.texts)
    return [to_lsp_location(loc, navigation.lines_of(_text_of(texts, loc.path)), uri_of) for loc in locations]


def _text_of(texts: Texts, path: str) -> str:
    text = texts.texts.get(path)
    if text is None:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
    return text


def _adr_link_definition(analysis: Analysis, where: Position, uri_of) -> list[types.Location]:
    from specloom.core.specs.adr import link_paths

    for link in analysis.spec.links:
        if link.range.contains(where) or link.range.end == where:
            found = link_paths(link.target, Path(analysis.path).parent, None, also_from_root=True)
            if found is not None:
                for candidate in found[1]:
                    if os.path.isfile(candidate):
                        zero = types.Range(types.Position(0, 0), types.Position(0, 0))
                        return [types.Location(uri=uri_of(str(candidate)), range=zero)]
    return []


def references(texts: Texts, uri: str, pos: types.Position, include_declaration: bool, uri_of) -> list[types.Location]:
    found = texts.of(uri)
    if found is None:
        return []
    path, text = found
    where = _position(text, pos)
    if path.lower().endswith((".graphql", ".gql", ".graphqls")):
        word = navigation.graphql_word_at(text, where)
        locations = navigation.graphql_references(word[0], texts.texts) if word else []
    else:
        symbol = navigation.symbol_at(path, text, where)
        locations = navigation.references(symbol, texts.texts, include_declaration) if symbol else []
    return [to_lsp_location(loc, texts.lines(loc.path), uri_of) for loc in locations]


def prepare_rename(texts: Texts, uri: str, pos: types.Position):
    found = texts.of(uri)
    if found is None:
        return None
    path, text = found
    answer = navigation.prepare_rename(path, text, _position(text, pos))
    if isinstance(answer, str):
        return answer
    where, name = answer
    return types.PrepareRenamePlaceholder(range=to_lsp_range(where, navigation.lines_of(text)), placeholder=name)


def rename(texts: Texts, uri: str, pos: types.Position, new_name: str, uri_of) -> types.WorkspaceEdit | str:
    found = texts.of(uri)
    if found is None:
        return "This document is not known to Specloom."
    path, text = found
    result = navigation.rename(path, text, _position(text, pos), new_name, texts.texts)
    if result.refused:
        return result.refused
    return to_workspace_edit(result.edits, lambda p: navigation.lines_of(text if p == path else texts.texts[p]), uri_of)


_KEPT: dict[tuple[str, int], tuple[Analysis, object]] = {}  # (what, id(analysis)) -> result, the last few
_KEPT_LOCK = threading.Lock()


def _per_analysis(what: str, analysis: Analysis, compute):
    """An analysis never changes, so what is computed from it is kept while the editor asks again."""
    key = (what, id(analysis))
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
    if kept is not None and kept[0] is analysis:
        return kept[1]
    result = compute(analysis)
    with _KEPT_LOCK:
        _KEPT[key] = (analysis, result)
        while len(_KEPT) > 16:
            del _KEPT[next(iter(_KEPT))]
    return result


def document_symbols(analysis: Analysis | None) -> list[types.DocumentSymbol]:
    """The outline: paths with their operations, components by kind; ADR parts; GraphQL types and fields."""
    if analysis is None or analysis.spec is None:
        return []
    return _per_analysis("outline", analysis, _outline)


def flat_symbols(outline: list[types.DocumentSymbol], uri: str) -> list[types.SymbolInformation]:
    """The outline for clients without hierarchical symbols: each symbol with its parent's name."""
    out = []
    stack = [(symbol, None) for symbol in reversed(outline)]
    while stack:
        symbol, parent = stack.pop()
        location = types.Location(uri=uri, range=symbol.range)
        out.append(
            types.SymbolInformation(name=symbol.name, kind=symbol.kind, location=location, container_name=parent)
        )
        stack.extend((child, symbol.name) for child in reversed(symbol.children or []))
    return out


def _outline(analysis: Analysis) -> list[types.DocumentSymbol]:
    lines = analysis.lines
    symbols: list[tuple[str, types.DocumentSymbol]] = []
    spec = analysis.spec
    if spec.kind == "openapi":
        for parts in _openapi_groups(spec):
            located = spec.document.locator.locate(navigation.join_pointer(parts)) if spec.document else None
            if located is not None:
                kind = "path" if parts[0] == "paths" else "components"
                symbols.append(
                    (
                        navigation.join_pointer(parts),
                        _symbol(parts[-1], kind, located.full, located.key, lines),
                    )
                )
    for element in analysis.elements():
        if element.kind == "property":
            continue  # thousands in a big spec: the outline stops at schemas
        symbols.append(
            (
                element.pointer.lstrip("#"),
                _symbol(element.name, element.kind, element.range, element.selection_range, lines),
            )
        )
    return _nest(symbols)


def _openapi_groups(spec) -> list[tuple[str, ...]]:
    paths = spec.data.get("paths")
    components = spec.data.get("components")
    out = [("paths", p) for p in paths] if isinstance(paths, dict) else []
    out += [("components", kind) for kind in components] if isinstance(components, dict) else []
    return out


def _symbol(name: str, kind: str, full, selection, lines) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=name or "(unnamed)",
        kind=_SYMBOL_KINDS.get(kind, types.SymbolKind.Object),
        range=to_lsp_range(full, lines),
        selection_range=to_lsp_range(selection, lines),
        children=[],
    )


def _nest(symbols: list[tuple[str, types.DocumentSymbol]]) -> list[types.DocumentSymbol]:
    """Each symbol under the nearest one whose pointer is an ancestor of its own, in document order."""
    by_pointer = {pointer: symbol for pointer, symbol in symbols}
    roots: list[types.DocumentSymbol] = []
    ordered = sorted(symbols, key=lambda s: (s[1].range.start.line, s[1].range.start.character, len(s[0])))
    for pointer, symbol in ordered:
        parent = None
        parts = pointer.split("/")
        while len(parts) > 1 and parent is None:
            parts = parts[:-1]
            parent = by_pointer.get("/".join(parts))
        (parent.children if parent is not None else roots).append(symbol)
    return roots


def workspace_symbols(analyses: dict[str, Analysis], query: str, uri_of) -> list[types.WorkspaceSymbol]:
    wanted = query.lower()
    out = []
    for analysis in list(analyses.values()):
        if analysis.spec is None:
            continue
        for name, symbol in _per_analysis("symbols", analysis, lambda a: _symbols_of(a, uri_of)):
            if wanted in name:
                out.append(symbol)
                if len(out) == MAX_WORKSPACE_SYMBOLS:
                    return out
    return out


def _symbols_of(analysis: Analysis, uri_of) -> list[tuple[str, types.WorkspaceSymbol]]:
    uri, container = uri_of(analysis.path), os.path.basename(analysis.path)
    return [
        (
            element.name.lower(),
            types.WorkspaceSymbol(
                name=element.name,
                kind=_SYMBOL_KINDS.get(element.kind, types.SymbolKind.Object),
                location=types.Location(uri=uri, range=to_lsp_range(element.selection_range, analysis.lines)),
                container_name=container,
            ),
        )
        for element in analysis.elements()
    ]


def folding_ranges(analysis: Analysis | None, limit: int | None = None) -> list[types.FoldingRange]:
    """The folds, the outermost first when the client has a limit (VS Code shows at most 5,000)."""
    if analysis is None:
        return []
    folds = _per_analysis("folds", analysis, _folds)
    if limit is not None and len(folds) > limit:
        folds = sorted(folds, key=lambda f: f.start_line - f.end_line)[:limit]
        folds.sort(key=lambda f: f.start_line)
    return folds


def _folds(analysis: Analysis) -> list[types.FoldingRange]:
    kind = analysis.spec.kind if analysis.spec is not None else ""
    return [
        types.FoldingRange(start_line=start, end_line=end)
        for start, end in navigation.folding_ranges(analysis.lines, kind, analysis.path)
    ]


def unresolved_ref_tokens(analysis: Analysis | None) -> types.SemanticTokens:
    """One token per unresolved, cyclic or unreadable `$ref` value in this document."""
    data: list[int] = []
    if analysis is not None:
        own = os.path.abspath(analysis.path)
        spans = sorted(
            to_lsp_range(f.range, analysis.lines)
            for f in analysis.findings
            if f.code in _UNRESOLVED
            and (not f.path or os.path.abspath(f.path) == own)
            and f.range.start.line == f.range.end.line
        )
        last_line = last_start = 0
        for span in sorted(spans, key=lambda r: (r.start.line, r.start.character)):
            delta_line = span.start.line - last_line
            delta_start = span.start.character - (last_start if delta_line == 0 else 0)
            data += [delta_line, delta_start, span.end.character - span.start.character, 0, 0]
            last_line, last_start = span.start.line, span.start.character
    return types.SemanticTokens(data=data)
