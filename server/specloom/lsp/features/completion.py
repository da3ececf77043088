"""Completion: `$ref` targets (this file and its siblings), status codes, media types, keys, schemes, statuses.

The logic is the core's (`core.completion`); this module collects the component names of the
document and of the YAML/JSON files next to it (open buffers first, else the disk, kept per file
until it changes) and converts the items.
"""

from __future__ import annotations

import os
from pathlib import Path

from lsprotocol import types

from specloom.core.completion import Completion, complete, component_names
from specloom.core.source import SourceText
from specloom.lsp.documents import Analysis
from specloom.lsp.features.navigation import Texts, _position

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
MAX_SIBLING_BYTES = 8 * 1024 * 1024
MAX_ITEMS = 200
_KINDS = {
    "reference": types.CompletionItemKind.Reference,
    "key": types.CompletionItemKind.Property,
    "value": types.CompletionItemKind.Value,
    "status": types.CompletionItemKind.EnumMember,
}
_LAST_GOOD: dict[str, dict[str, list[str]]] = {}  # path -> names of its last text that parsed
_SIBLINGS: dict[str, tuple[tuple[int, int], dict[str, list[str]]]] = {}  # path -> ((mtime, size), names)


def _names_of_text(path: str, text: str) -> dict[str, list[str]]:
    from specloom.core.specs.yamldoc import load_data

    data, _ = load_data(SourceText(path, text))
    return component_names(data)


def _names_on_disk(path: str) -> dict[str, list[str]]:
    try:
        stat = os.stat(path)
    except OSError:
        return {}
    key = (stat.st_mtime_ns, stat.st_size)
    kept = _SIBLINGS.get(path)
    if kept is not None and kept[0] == key:
        return kept[1]
    names: dict[str, list[str]] = {}
    if stat.st_size <= MAX_SIBLING_BYTES:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        if "components" in text:
            names = _names_of_text(path, text)
    _SIBLINGS[path] = (key, names)
    return names


def components_around(path: str, text: str, analysis: Analysis | None, texts: Texts) -> dict[str, dict[str, list[str]]]:
    """Component names of this document and of its sibling YAML/JSON files; reads files, so run it in a thread.

    A document being typed often does not parse: its names are then those of its last version that did.
    """
    own = component_names(getattr(analysis.spec, "data", None)) if analysis is not None else {}
    own = own or _names_of_text(path, text) or _LAST_GOOD.get(path) or _names_on_disk(path)
    if own:
        _LAST_GOOD[path] = own
    out = {path: own}
    folder = os.path.dirname(path)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []
    for name in names:
        sibling = os.path.join(folder, name)
        if sibling == path or not name.lower().endswith(SPEC_SUFFIXES):
            continue
        open_text = texts.texts.get(sibling)
        found = _names_of_text(sibling, open_text) if open_text is not None else _names_on_disk(sibling)
        if found:
            out[sibling] = found
    return out


def completions(texts: Texts, uri: str, pos: types.Position, analysis: Analysis | None) -> types.CompletionList:
    found = texts.of(uri)
    if found is None:
        return types.CompletionList(is_incomplete=False, items=[])
    path, text = found
    kind = analysis.spec.kind if analysis is not None and analysis.spec is not None else None
    items = complete(path, text, _position(text, pos), lambda: components_around(path, text, analysis, texts), kind)
    # A big spec has thousands of components: the client asks again as the user types more.
    shown = [_item(c, i, pos) for i, c in enumerate(items[:MAX_ITEMS])]
    return types.CompletionList(is_incomplete=len(items) > MAX_ITEMS, items=shown)


def _item(completion: Completion, order: int, pos: types.Position) -> types.CompletionItem:
    # Replace what was typed (a `$ref` prefix holds '/' and '#', which editors do not count as a word).
    typed = len(completion.typed.encode("utf-16-le")) // 2
    start = types.Position(pos.line, max(0, pos.character - typed))
    return types.CompletionItem(
        label=completion.label,
        kind=_KINDS.get(completion.kind, types.CompletionItemKind.Text),
        detail=completion.detail or None,
        filter_text=completion.label,
        text_edit=types.TextEdit(range=types.Range(start, pos), new_text=completion.insert or completion.label),
        sort_text=f"{order:05d}",
    )
