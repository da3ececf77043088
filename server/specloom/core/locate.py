"""Map JSON pointers to exact source ranges in YAML and JSON documents.

Values come from a fast loader that knows no positions, so positions are found on
demand. Block-style YAML (nearly every hand-written spec) is located by a line scan
that only visits the containers on the pointer's path. Anything the scan cannot be
sure of (flow collections, aliases, complex keys) falls back to PyYAML's
composer, whose node marks are exact but cost ~1 s on a 3 MB spec, so it runs at
most once per document and only when needed. JSON is located through tree-sitter's
JSON grammar instead (one pass in C with exact byte ranges, ~20x faster than the composer).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from specloom.core.findings import Position, Range
from specloom.core.recent import Recent
from specloom.core.source import SourceText


@dataclass(frozen=True, slots=True)
class Located:
    key: Range  # the key (or the `- ` line of a sequence item): what to underline for the element
    value: Range  # the value alone: what to underline for a bad value
    full: Range  # key and value together


def split_pointer(pointer: str) -> list[str]:
    if pointer in ("", "#", "#/"):
        return []
    body = pointer[1:] if pointer.startswith("#") else pointer
    return [p.replace("~1", "/").replace("~0", "~") for p in body.lstrip("/").split("/")] if body else []


def join_pointer(parts: list[str] | tuple[str, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_PLAIN_KEY = re.compile(r"([^\s'\"#\[\]{},?&*!|>%@`-][^\n]*?|-[^\s\n][^\n]*?)[ \t]*:(?=[ \t]|$)")
_DQ_KEY = re.compile(r'"((?:[^"\\\n]|\\.)*)"[ \t]*:(?=[ \t]|$)')
_SQ_KEY = re.compile(r"'((?:[^'\n]|'')*)'[ \t]*:(?=[ \t]|$)")
_PROPS = re.compile(r"(?:[&!][^\s]*[ \t]+)*")  # anchors and tags before a value
_DQ_ESCAPES = {'\\"': '"', "\\\\": "\\", "\\/": "/", "\\n": "\n", "\\t": "\t"}


class _Unsure(Exception):
    """The line scan cannot locate this pointer with certainty."""


@dataclass(slots=True)
class _Block:
    """A YAML node in the line model: starts at (line, col), owns lines up to `end` (exclusive)."""

    line: int
    col: int
    end: int


# The last comparison, by the lists' identity: the incremental parse and the indents of one edit both ask it.
_last_change: tuple[list[str], list[str], tuple[int, int, int]] | None = None


def changed_lines(old: list[str], new: list[str]) -> tuple[int, int, int]:
    """(first differing line, end of the changed lines in old, in new), by common prefix and suffix.

    Binary search over slice comparisons: the comparing runs in C, a keystroke in a 70,000-line spec
    costs a few milliseconds instead of a Python loop over every line.
    """
    global _last_change
    last = _last_change
    if last is not None and last[0] is old and last[1] is new:
        return last[2]
    shortest = min(len(old), len(new))
    lo, hi = 0, shortest  # old[:lo] == new[:lo]; no common prefix is longer than hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[lo:mid] == new[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    first = lo
    lo, hi = 0, shortest - first  # the common suffix, not overlapping the prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid : len(old) - lo] == new[len(new) - mid : len(new) - lo]:
            lo = mid
        else:
            hi = mid - 1
    _last_change = (old, new, (first, len(old) - lo, len(new) - lo))
    return _last_change[2]


# The last indents of big files, by path: an editor's next version differs in a line or two, so its
# indents are the old ones around the changed lines. Off until a language server asks.
_RECENT_INDENTS: Recent[str, tuple[list[str], list[int]]] = Recent()
_RECENT_MIN_LINES = 5_000


def keep_recent_indents(files: int = 8) -> None:
    _RECENT_INDENTS.size = files


def _indents_of(path: str | None, lines: list[str]) -> list[int]:
    if path is None or not _RECENT_INDENTS.size or len(lines) < _RECENT_MIN_LINES:
        return _line_indents(lines)
    last = _RECENT_INDENTS.get(path)
    if last is None:
        indents = _line_indents(lines)
    else:
        old_lines, old_indents = last
        first, old_stop, new_stop = changed_lines(old_lines, lines)
        indents = old_indents[:first] + _line_indents(lines[first:new_stop]) + old_indents[old_stop:]
    _RECENT_INDENTS.put(path, (lines, indents))
    return indents


def _line_indents(lines: list[str]) -> list[int]:
    """Each line's indent; -1: blank or comment, -3: tab-indented. One loop: it runs over every line of big files."""
    out: list[int] = []
    append = out.append
    for text in lines:
        stripped = text.lstrip(" ")
        if not stripped or stripped[0] == "#":
            append(-1)
        elif stripped[0] == "\t":
            append(-1 if not stripped.strip() else -3)
        else:
            append(len(text) - len(stripped))
    return out


class YamlLineLocator:
    def __init__(self, lines: list[str], path: str | None = None):
        self.lines, self.path = lines, path  # path: where earlier versions' indents may be reused
        self._indent: list[int] | None = None  # per line; -1: blank or comment, -3: tab-indented
        self._tabs = False  # whether any line is tab-indented
        self._mapping_index: dict[tuple[int, int], dict[str, tuple[int, int]]] = {}
        self._items: dict[tuple[int, int], list[int]] = {}
        self._entry_ends: dict[tuple[int, int], int] = {}

    # --- line facts -------------------------------------------------------
    def indent(self, i: int) -> int:
        value = self._indents()[i]
        if value == -3:
            raise _Unsure  # tabs in indentation: let the exact parser decide
        return value

    def _indents(self) -> list[int]:
        if self._indent is None:
            # All lines at once: scans of a top-level mapping visit nearly every line anyway.
            self._indent = _indents_of(self.path, self.lines)
            self._tabs = -3 in self._indent
        return self._indent

    def region_end(self, start: int, col: int, limit: int) -> int:
        """First line after `start` whose content begins at or left of `col`."""
        indents = self._indents()
        for i in range(start + 1, limit):
            ind = indents[i]
            if ind != -1 and ind <= col:
                if ind == -3:
                    raise _Unsure
                return i
        return limit

    def last_content_line(self, start: int, end: int) -> int:
        i = end - 1
        while i > start and self.indent(i) == -1:
            i -= 1
        return i

    # --- keys and items ---------------------------------------------------
    def key_at(self, line: int, col: int) -> tuple[str, int, int] | None:
        """(key, end column of the key token, column after the colon) for a key at (line, col)."""
        text = self.lines[line]
        ch = text[col : col + 1]
        if ch == '"':
            m = _DQ_KEY.match(text, col)
            if not m:
                return None
            raw = m.group(1)
            if "\\" in raw:
                if re.search(r"\\[^\"\\/nt]", raw):
                    raise _Unsure
                raw = re.sub(r'\\["\\/nt]', lambda e: _DQ_ESCAPES[e.group(0)], raw)
            return raw, col + len(m.group(1)) + 2, m.end()
        if ch == "'":
            m = _SQ_KEY.match(text, col)
            if not m:
                return None
            return m.group(1).replace("''", "'"), col + len(m.group(1)) + 2, m.end()
        if ch in ("?", "[", "{", "&", "*", "!", "|", ">"):
            raise _Unsure
        m = _PLAIN_KEY.match(text, col)
        if not m:
            return None
        key = m.group(1)
        if " #" in key:
            return None
        return key, col + len(key), m.end()

    def is_item(self, line: int, col: int) -> bool:
        text = self.lines[line]
        return text.startswith("-", col) and (len(text) == col + 1 or text[col + 1] in " \t")

    def inline_start(self, line: int, col: int) -> int | None:
        """Column where inline content starts at or after `col`, skipping anchors/tags; None if none."""
        text = self.lines[line]
        i = col
        while i < len(text) and text[i] in " \t":
            i += 1
        if i >= len(text) or text[i] == "#":
            return None
        if text[i] in "&!":
            m = _PROPS.match(text, i)
            i = m.end() if m else i
            if i >= len(text) or text[i] == "#":
                return None
        return i

    # --- navigation -------------------------------------------------------
    def mapping_children(self, block: _Block) -> dict[str, tuple[int, int]]:
        cached = self._mapping_index.get((block.line, block.col))
        if cached is not None:
            return cached
        children: dict[str, tuple[int, int]] = {}
        first = self.key_at(block.line, block.col)
        if first is None:
            raise _Unsure
        children[first[0]] = (block.line, block.col)
        for i in self._lines_at(block.col, block.line + 1, block.end):
            found = self.key_at(i, block.col)
            if found is None:
                if self.is_item(i, block.col):
                    continue  # a sequence at the key's own indent belongs to the previous key
                raise _Unsure
            if found[0] in children:
                raise _Unsure  # duplicate keys: the exact parser decides which one wins
            children[found[0]] = (i, block.col)
        self._mapping_index[(block.line, block.col)] = children
        return children

    def _lines_at(self, col: int, start: int, end: int):
        """The lines in [start, end) indented by `col`, found by C-level search: blocks span thousands of lines."""
        indents = self._indents()
        if self._tabs and -3 in indents[start:end]:
            raise _Unsure
        i = start
        while True:
            try:
                i = indents.index(col, i, end)
            except ValueError:
                return
            yield i
            i += 1

    def sequence_items(self, block: _Block) -> list[int]:
        items = self._items.get((block.line, block.col))
        if items is None:
            at_col = self._lines_at(block.col, block.line + 1, block.end)
            items = [i for i in (block.line, *at_col) if self.is_item(i, block.col)]
            self._items[(block.line, block.col)] = items
        return items

    def child_block(self, line: int, after_col: int, end: int, owner_col: int) -> _Block | None:
        """The block value that follows an indicator (`key:` or `- `) ending at `after_col`."""
        start = self.inline_start(line, after_col)
        if start is not None:
            text = self.lines[line]
            if text[start] in "[{*|>\"'":
                raise _Unsure
            if self.key_at(line, start) is not None or self.is_item(line, start):
                return _Block(line, start, end)
            return None  # an inline scalar has no children
        i = line + 1
        while i < end and self.indent(i) == -1:
            i += 1
        if i >= end:
            return None
        return _Block(i, self.indent(i), end)

    def entry_end(self, line: int, col: int, limit: int) -> int:
        """End (exclusive) of a mapping entry or sequence item starting at (line, col)."""
        cached = self._entry_ends.get((line, col))
        if cached is not None:
            return cached
        end = self.region_end(line, col, limit)
        # `key:` followed by a sequence written at the key's own indent
        text = self.lines[line]
        if not self.is_item(line, col) and self.inline_start(line, len(text.rstrip())) is None:
            while end < limit and self.indent(end) == col and self.is_item(end, col):
                end = self.region_end(end, col, limit)
        self._entry_ends[(line, col)] = end
        return end

    def locate(self, parts: list[str]) -> Located:
        first = 0
        while first < len(self.lines) and (self.indent(first) == -1 or self.lines[first].startswith(("---", "%"))):
            if self.lines[first].startswith("---") and self.lines[first].strip() != "---":
                raise _Unsure  # content on the document-start line
            first += 1
        total = len(self.lines)
        if first >= total:
            raise _Unsure
        block = _Block(first, self.indent(first), total)
        if not parts:
            last = self.last_content_line(first, total)
            whole = Range(Position(first, block.col), Position(last, len(self.lines[last].rstrip())))
            return Located(whole, whole, whole)
        located: Located | None = None
        for depth, part in enumerate(parts):
            if self.is_item(block.line, block.col):
                items = self.sequence_items(block)
                if not part.isdigit() or int(part) >= len(items):
                    raise _Unsure
                line = items[int(part)]
                end = items[int(part) + 1] if int(part) + 1 < len(items) else self.entry_end(line, block.col, block.end)
                key_end = len(self.lines[line].rstrip())
                located = self._located(line, block.col, key_end, line, block.col + 1, end)
                if depth + 1 < len(parts):
                    child = self.child_block(line, block.col + 1, end, block.col)
                    if child is None:
                        raise _Unsure
                    block = child
            else:
                children = self.mapping_children(block)
                if part not in children:
                    raise _Unsure
                line, col = children[part]
                _, key_end, after = self.key_at(line, col)
                end = self.entry_end(line, col, block.end)
                located = self._located(line, col, key_end, line, after, end)
                if depth + 1 < len(parts):
                    child = self.child_block(line, after, end, col)
                    if child is None:
                        raise _Unsure
                    block = child
        assert located is not None
        return located

    def _located(self, key_line: int, key_col: int, key_end: int, line: int, after: int, end: int) -> Located:
        last = self.last_content_line(line, end)
        last_end = len(_strip_comment(self.lines[last]))
        key = Range(Position(key_line, key_col), Position(key_line, key_end))
        start = self.inline_start(line, after)
        if start is None:
            nxt = line + 1
            while nxt < end and self.indent(nxt) == -1:
                nxt += 1
            value_start = Position(nxt, self.indent(nxt)) if nxt < end else Position(line, after)
        else:
            value_start = Position(line, start)
        value_end = Position(last, last_end) if last > line or start is not None else Position(line, after)
        value = Range(value_start, max(value_end, value_start))
        return Located(key, value, Range(key.start, max(value.end, key.end)))


def _strip_comment(text: str) -> str:
    """The line without a trailing comment, conservatively (quotes may hide a #)."""
    if "#" in text and "'" not in text and '"' not in text:
        cut = text.find(" #")
        if cut != -1:
            text = text[:cut]
    return text.rstrip()


class _ComposedLocator:
    """Exact positions from PyYAML's composer: slow, used when the line scan is unsure."""

    def __init__(self, source: SourceText):
        import yaml  # here: PyYAML costs ~50 ms to import, and the server starts without needing it

        self.source = source
        text = source.text
        loader = yaml.CSafeLoader(text) if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader(text)
        try:
            self.root = loader.get_single_node()
        finally:
            loader.dispose()

    def locate(self, parts: list[str]) -> Located | None:
        import yaml

        node = self.root
        key_node = None
        for part in parts:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and str(k.value) == part:
                        key_node, node = k, v
                        break
                else:
                    return None
            elif isinstance(node, yaml.SequenceNode):
                if not part.isdigit() or int(part) >= len(node.value):
                    return None
                node = node.value[int(part)]
                key_node = node
            else:
                return None
        if node is None:
            return None
        value = self._range(node)
        key = self._range(key_node) if key_node is not None else value
        return Located(key, value, Range(min(key.start, value.start), max(key.end, value.end)))

    def _range(self, node) -> Range:
        # Offsets, not PyYAML's line numbers: YAML 1.1 also breaks lines at U+0085/U+2028, LSP does not.
        return self.source.span(node.start_mark.index, node.end_mark.index)


class JsonTreeLocator:
    """Exact positions in JSON from tree-sitter's JSON grammar: one pass in C, byte ranges for every node.

    Keys are matched by their decoded text; of duplicate keys the first is found, as the composer does.
    """

    def __init__(self, source: SourceText):
        import tree_sitter
        import tree_sitter_json

        self.source = source
        self._data = source.text.encode("utf-8")
        self._ascii = len(self._data) == len(source.text)
        parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_json.language()))
        self.root = parser.parse(self._data).root_node
        self._pairs: dict[int, dict[str, object]] = {}  # object node id -> key -> its first pair

    def locate(self, parts: list[str]) -> Located | None:
        node = next((c for c in self.root.named_children if c.type != "comment"), None)
        key_node = None
        for part in parts:
            if node is None:
                return None
            if node.type == "object":
                pair = self._members(node).get(part)
                if pair is None:
                    return None
                key_node, node = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            elif node.type == "array":
                items = [c for c in node.named_children if c.type != "comment"]
                if not part.isdigit() or int(part) >= len(items):
                    return None
                node = key_node = items[int(part)]
            else:
                return None
        if node is None or node.type == "ERROR":
            return None
        value = self._range(node)
        key = self._range(key_node) if key_node is not None else value
        return Located(key, value, Range(min(key.start, value.start), max(key.end, value.end)))

    def _members(self, node) -> dict[str, object]:
        members = self._pairs.get(node.id)
        if members is None:
            members = {}
            for pair in node.named_children:
                key = pair.child_by_field_name("key") if pair.type == "pair" else None
                if key is not None:
                    members.setdefault(self._key_text(key), pair)
            self._pairs[node.id] = members
        return members

    def _key_text(self, key) -> str:
        raw = self._data[key.start_byte : key.end_byte].decode("utf-8", "replace")
        if "\\" not in raw:
            return raw[1:-1] if raw[:1] == '"' else raw
        try:
            return json.loads(raw)
        except ValueError:
            return raw.strip('"')

    def _range(self, node) -> Range:
        if self._ascii:
            return self.source.span(node.start_byte, node.end_byte)
        return Range(self._position(node.start_point), self._position(node.end_point))

    def _position(self, point) -> Position:
        row, column = point
        line = self.source.line_text(row).encode("utf-8")
        return Position(row, len(line[:column].decode("utf-8", "replace")))


class Locator:
    """Pointer -> Located for one document, caching what it learns."""

    def __init__(self, source: SourceText, is_json: bool = False):
        self.source = source
        self._lines = YamlLineLocator(source.lines, source.path) if not is_json else None
        self._is_json = is_json
        self._json_tree: JsonTreeLocator | None = None
        self._composed: _ComposedLocator | None = None
        self._compose_failed = False
        self._cache: dict[str, Located | None] = {}

    def locate(self, pointer: str) -> Located | None:
        if pointer in self._cache:
            return self._cache[pointer]
        parts = split_pointer(pointer)
        found: Located | None = None
        if self._lines is not None:
            try:
                found = self._lines.locate(parts)
            except (_Unsure, IndexError):
                found = None
        elif self._is_json:
            if self._json_tree is None:
                self._json_tree = JsonTreeLocator(self.source)
            found = self._json_tree.locate(parts)
        if found is None and not self._is_json:
            found = self._locate_composed(parts)
        self._cache[pointer] = found
        return found

    def _locate_composed(self, parts: list[str]) -> Located | None:
        if self._compose_failed:
            return None
        if self._composed is None:
            import yaml

            try:
                self._composed = _ComposedLocator(self.source)
            except (yaml.YAMLError, RecursionError, ValueError):
                self._compose_failed = True
                return None
        return self._composed.locate(parts)

    def nearest(self, pointer: str) -> tuple[str, Located]:
        """The deepest existing ancestor of `pointer` (the pointer itself if it exists)."""
        parts = split_pointer(pointer)
        while parts:
            found = self.locate(join_pointer(parts))
            if found is not None:
                return join_pointer(parts), found
            parts = parts[:-1]
        return "", self.root()

    def root(self) -> Located:
        found = self.locate("")
        if found is None:
            whole = self.source.span(0, len(self.source.text.rstrip()))
            found = Located(whole, whole, whole)
        return found
