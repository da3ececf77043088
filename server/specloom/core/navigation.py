"""Navigation and editing over specs, language-neutral: definitions, references, renames, symbols, folds.

Everything works on texts (absolute path -> text: the editor's buffers first, then the disk) and
returns plain values (`Location`s, `TextEdit`s per path). `$ref`s are found by a line scan, which also
works on half-typed documents that do not parse; pointers are located with `locate.Locator`.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from specloom.core.cursor import Cursor, json_cursor, yaml_cursor
from specloom.core.findings import Location, Position, Range, TextEdit
from specloom.core.locate import Located, Locator, join_pointer, split_pointer
from specloom.core.source import SourceText

_REF = re.compile(r"""(["']?)\$ref\1[ \t]*:[ \t]*(["']?)([^"'\s,}\]]*)""")
_OPERATION_ID = re.compile(r"""(["']?)operationId\1[ \t]*:[ \t]*(["']?)([^"'\s,}\]#]+)""")
COMPONENT_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")  # OpenAPI's rule for component keys
_GRAPHQL_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
_GRAPHQL_DEFINITION = re.compile(r"\b(type|interface|union|enum|input|scalar)\s+([_A-Za-z][_0-9A-Za-z]*)")
_MEMO_FILES = 64


_LINES: OrderedDict[int, tuple[str, list[str]]] = OrderedDict()  # id(text) -> (text, its lines)
_LINES_LOCK = threading.Lock()  # requests run in worker threads


def lines_of(text: str) -> list[str]:
    """The text's lines, split once per text object (a big spec has ~100,000)."""
    with _LINES_LOCK:
        kept = _LINES.get(id(text))
        if kept is not None and kept[0] is text:
            return kept[1]
    lines = text.split("\n")
    with _LINES_LOCK:
        _LINES[id(text)] = (text, lines)
        while len(_LINES) > _MEMO_FILES:
            _LINES.popitem(last=False)
    return lines


def is_json(path: str, text: str) -> bool:
    return path.lower().endswith(".json") or text.lstrip()[:1] in ("{", "[")


def cursor_at(path: str, text: str, pos: Position) -> Cursor:
    if is_json(path, text):
        return json_cursor(text, SourceText(path, text).offset(pos))
    return yaml_cursor(lines_of(text), pos.line, pos.character)


# --- `$ref` sites ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefSite:
    """A `$ref` as written: where its value is, and the file and pointer parts it names."""

    path: str
    range: Range  # the value, without quotes
    ref: str
    target_path: str | None  # None: remote or malformed
    parts: tuple[str, ...]

    def segment_range(self, depth: int) -> Range | None:
        """The range of the pointer's `depth`-th segment (0-based) as written in the ref."""
        hash_at = self.ref.find("#")
        if hash_at == -1:
            return None
        raw = self.ref[hash_at + 1 :].split("/")[1:]
        if depth >= len(raw):
            return None
        start = self.range.start.character + hash_at + 2 + sum(len(s) + 1 for s in raw[:depth])
        line = self.range.start.line
        return Range.of(line, start, line, start + len(raw[depth]))


def resolve_ref(base_path: str, ref: str) -> tuple[str | None, tuple[str, ...]]:
    """(absolute target path, pointer parts) of a ref written in `base_path`; path None when not a file."""
    file_part, _, fragment = ref.partition("#")
    if "://" in file_part or (fragment and not fragment.startswith("/")):
        return None, ()
    target = (
        os.path.abspath(base_path)
        if not file_part
        else os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(base_path)), unquote(file_part)))
    )
    return target, tuple(split_pointer(unquote(fragment)))


_SITES: OrderedDict[str, tuple[str, list[RefSite]]] = OrderedDict()


def ref_sites(path: str, text: str) -> list[RefSite]:
    """Every `$ref` in the text (YAML or JSON), kept per file until its text changes."""
    path = os.path.abspath(path)
    kept = _SITES.get(path)
    if kept is not None and kept[0] is text:
        return kept[1]
    sites = []
    if "$ref" in text:
        for number, line in enumerate(lines_of(text)):
            if "$ref" not in line:
                continue
            for m in _REF.finditer(line):
                hash_at = line.find("#", 0, m.start())
                if hash_at != -1 and line[:hash_at].count('"') % 2 == 0 and line[:hash_at].count("'") % 2 == 0:
                    break  # a YAML comment
                ref = m.group(3)
                target, parts = resolve_ref(path, ref)
                where = Range.of(number, m.start(3), number, m.end(3))
                sites.append(RefSite(path, where, ref, target, parts))
    _SITES[path] = (text, sites)
    _SITES.move_to_end(path)
    while len(_SITES) > _MEMO_FILES:
        _SITES.popitem(last=False)
    return sites


def ref_at(path: str, text: str, pos: Position) -> RefSite | None:
    for site in ref_sites(path, text):
        if (
            site.range.start.line == pos.line
            and site.range.start.character <= pos.character <= site.range.end.character
        ):
            return site
    return None


# --- locating pointers ----------------------------------------------------------

_LOCATORS: OrderedDict[str, tuple[str, Locator]] = OrderedDict()


def share_locator(path: str, text: str, locator: Locator) -> None:
    """Reuse a locator an analysis already built for exactly this text (its line facts are costly on big files)."""
    path = os.path.abspath(path)
    kept = _LOCATORS.get(path)
    if kept is None or kept[0] is not text:
        _LOCATORS[path] = (text, locator)
        while len(_LOCATORS) > _MEMO_FILES:
            _LOCATORS.popitem(last=False)


def locate(path: str, text: str, parts: tuple[str, ...] | list[str]) -> Located | None:
    path = os.path.abspath(path)
    kept = _LOCATORS.get(path)
    if kept is None or kept[0] is not text:
        kept = (text, Locator(SourceText(path, text), is_json=is_json(path, text)))
        _LOCATORS[path] = kept
        while len(_LOCATORS) > _MEMO_FILES:
            _LOCATORS.popitem(last=False)
    _LOCATORS.move_to_end(path)
    return kept[1].locate(join_pointer(list(parts)))


def _key_name_range(text: str, located: Located) -> Range:
    """The key's range without its quotes."""
    key = located.key
    source_line = lines_of(text)[key.start.line] if key.start.line == key.end.line else ""
    written = source_line[key.start.character : key.end.character]
    if len(written) >= 2 and written[0] in "\"'" and written[-1] == written[0]:
        return Range.of(key.start.line, key.start.character + 1, key.end.line, key.end.character - 1)
    return key


# --- what is under the cursor -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Symbol:
    """Something that can be defined, referenced and renamed.

    kind "component": `path` + `parts` (components, kind, name); kind "operationId": `name` only.
    """

    kind: str
    name: str
    path: str = ""
    parts: tuple[str, ...] = ()
    range: Range | None = None  # where the cursor found it: the name as written


def symbol_at(path: str, text: str, pos: Position) -> Symbol | None:
    """The component or operationId at the cursor: a `$ref` to it, its key, or an operationId value."""
    path = os.path.abspath(path)
    site = ref_at(path, text, pos)
    if site is not None:
        if site.target_path is None or len(site.parts) < 3 or site.parts[0] != "components":
            return None
        return Symbol("component", site.parts[2], site.target_path, site.parts[:3], site.segment_range(2))
    lines = lines_of(text)
    line = lines[pos.line] if pos.line < len(lines) else ""
    for m in _OPERATION_ID.finditer(line):
        if m.start(3) <= pos.character <= m.end(3):
            return Symbol("operationId", m.group(3), range=Range.of(pos.line, m.start(3), pos.line, m.end(3)))
    cursor = cursor_at(path, text, pos)
    if len(cursor.parts) == 2 and cursor.parts[0] == "components" and cursor.key and not cursor.in_value:
        parts = (*cursor.parts, cursor.key)
        located = locate(path, text, parts)
        where = _key_name_range(text, located) if located is not None else None
        return Symbol("component", cursor.key, path, parts, where)
    if len(cursor.parts) >= 2 and cursor.parts[-2] == "security" and cursor.key and not cursor.in_value:
        return Symbol("securityScheme", cursor.key, range=_word_range(line, pos))
    return None


def _word_range(line: str, pos: Position) -> Range:
    start = pos.character
    while start > 0 and re.match(r"[\w.\-]", line[start - 1]):
        start -= 1
    end = pos.character
    while end < len(line) and re.match(r"[\w.\-]", line[end]):
        end += 1
    return Range.of(pos.line, start, pos.line, end)


# --- definition ---------------------------------------------------------------------


def definition(path: str, text: str, pos: Position, texts: Mapping[str, str]) -> list[Location]:
    """Where the `$ref`, operationId or security requirement at the cursor is defined."""
    path = os.path.abspath(path)
    site = ref_at(path, text, pos)
    if site is not None:
        if site.target_path is None:
            return []
        target_text = text if site.target_path == path else texts.get(site.target_path)
        found = locate(site.target_path, target_text, site.parts) if target_text is not None else None
        return [Location(site.target_path, found.key)] if found is not None else []
    symbol = symbol_at(path, text, pos)
    if symbol is None:
        return []
    if symbol.kind == "operationId":
        return [loc for loc, declared in operation_id_sites(symbol.name, _with(texts, path, text)) if declared]
    if symbol.kind == "securityScheme":
        parts = ("components", "securitySchemes", symbol.name)
        found = locate(path, text, parts)
        return [Location(path, found.key)] if found is not None else []
    return []


def _with(texts: Mapping[str, str], path: str, text: str) -> dict[str, str]:
    out = dict(texts)
    out[os.path.abspath(path)] = text
    return out


def operation_id_sites(name: str, texts: Mapping[str, str]) -> list[tuple[Location, bool]]:
    """Every `operationId: name` in the texts, each with whether it declares an operation (not a link's)."""
    out = []
    for path, text in texts.items():
        if name not in text or "operationId" not in text:
            continue
        for number, line in enumerate(lines_of(text)):
            if "operationId" not in line:
                continue
            for m in _OPERATION_ID.finditer(line):
                if m.group(3) != name:
                    continue
                cursor = cursor_at(path, text, Position(number, m.start(3)))
                declared = len(cursor.parts) == 3 and cursor.parts[0] == "paths"
                out.append((Location(path, Range.of(number, m.start(3), number, m.end(3))), declared))
    return out


# --- references -------------------------------------------------------------------


def references(symbol: Symbol, texts: Mapping[str, str], include_declaration: bool) -> list[Location]:
    if symbol.kind == "operationId":
        return [loc for loc, declared in operation_id_sites(symbol.name, texts) if include_declaration or not declared]
    if symbol.kind == "securityScheme":
        return security_uses(symbol.name, texts)
    out = []
    if include_declaration and symbol.path in texts:
        found = locate(symbol.path, texts[symbol.path], symbol.parts)
        if found is not None:
            out.append(Location(symbol.path, _key_name_range(texts[symbol.path], found)))
    for path, text in texts.items():
        for site in ref_sites(path, text):
            if site.target_path == symbol.path and site.parts[: len(symbol.parts)] == symbol.parts:
                out.append(Location(path, site.range))
    if symbol.parts[:2] == ("components", "securitySchemes"):
        out += security_uses(symbol.parts[2], texts)
    return out


def security_uses(scheme: str, texts: Mapping[str, str]) -> list[Location]:
    """Each security requirement naming `scheme` (top level and per operation)."""
    out = []
    key = re.compile(r"""^([ \t]*(?:-[ \t]+)?)(["']?)""" + re.escape(scheme) + r"""\2[ \t]*:""")
    for path, text in texts.items():
        if scheme not in text:
            continue
        for number, line in enumerate(lines_of(text)):
            if scheme not in line:
                continue
            for m in (
                [key.match(line)] if not is_json(path, text) else re.finditer(r'"' + re.escape(scheme) + r'"\s*:', line)
            ):
                if m is None:
                    continue
                start = m.end(1) + len(m.group(2)) if m.re is key else m.start() + 1
                cursor = cursor_at(path, text, Position(number, start))
                if len(cursor.parts) >= 2 and cursor.parts[-2] == "security":
                    out.append(Location(path, Range.of(number, start, number, start + len(scheme))))
    return out


# --- rename -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenameResult:
    edits: dict[str, list[TextEdit]] = field(default_factory=dict)  # absolute path -> edits
    refused: str = ""  # why nothing can be renamed


def prepare_rename(path: str, text: str, pos: Position) -> tuple[Range, str] | str:
    """The range and name to rename at the cursor, or why nothing there can be renamed."""
    symbol = symbol_at(path, text, pos)
    if symbol is None or symbol.range is None:
        return "Only a component (its key or a `$ref` to it) or an operationId can be renamed here."
    if symbol.kind == "securityScheme":
        return "Rename the security scheme at its key under components/securitySchemes."
    return symbol.range, symbol.name


def rename(path: str, text: str, pos: Position, new_name: str, texts: Mapping[str, str]) -> RenameResult:
    texts = _with(texts, path, text)
    symbol = symbol_at(path, text, pos)
    if symbol is None or symbol.kind == "securityScheme":
        return RenameResult(refused="Nothing at the cursor can be renamed.")
    if not COMPONENT_NAME.match(new_name):
        return RenameResult(refused=f"`{new_name}` is not a valid name: use letters, digits, '.', '_' and '-'.")
    if new_name == symbol.name:
        return RenameResult()
    edits: dict[str, list[TextEdit]] = {}
    if symbol.kind == "operationId":
        if operation_id_sites(new_name, texts):
            return RenameResult(refused=f"An operation already has the operationId `{new_name}`.")
        for loc, _declared in operation_id_sites(symbol.name, texts):
            edits.setdefault(loc.path, []).append(TextEdit(loc.range, new_name))
        return RenameResult(edits)
    owner = texts.get(symbol.path)
    if owner is None:
        return RenameResult(refused=f"{symbol.path} cannot be read, so its component cannot be renamed.")
    if locate(symbol.path, owner, (*symbol.parts[:2], new_name)) is not None:
        return RenameResult(refused=f"`{new_name}` already exists in {join_pointer(symbol.parts[:2])}.")
    declared = locate(symbol.path, owner, symbol.parts)
    if declared is None:
        return RenameResult(refused=f"`{symbol.name}` is not defined in {symbol.path}, so it cannot be renamed.")
    edits.setdefault(symbol.path, []).append(TextEdit(_key_name_range(owner, declared), new_name))
    escaped = new_name.replace("~", "~0").replace("/", "~1")
    for file_path, file_text in texts.items():
        for site in ref_sites(file_path, file_text):
            if site.target_path == symbol.path and site.parts[:3] == symbol.parts:
                where = site.segment_range(2)
                if where is not None:
                    edits.setdefault(file_path, []).append(TextEdit(where, escaped))
    if symbol.parts[1] == "securitySchemes":
        for loc in security_uses(symbol.name, texts):
            edits.setdefault(loc.path, []).append(TextEdit(loc.range, new_name))
    return RenameResult(edits)


# --- GraphQL and ADRs -------------------------------------------------------------


def graphql_word_at(text: str, pos: Position) -> tuple[str, Range] | None:
    lines = lines_of(text)
    if pos.line >= len(lines):
        return None
    where = _word_range(lines[pos.line], pos)
    word = lines[pos.line][where.start.character : where.end.character]
    return (word, where) if _GRAPHQL_NAME.match(word) else None


def graphql_definitions(texts: Mapping[str, str]) -> dict[str, Location]:
    """Type name -> where it is defined, over every GraphQL text (works on half-typed SDL)."""
    out: dict[str, Location] = {}
    for path, text in texts.items():
        if not path.lower().endswith((".graphql", ".gql", ".graphqls")):
            continue
        for number, line in enumerate(lines_of(text)):
            for m in _GRAPHQL_DEFINITION.finditer(line.split("#", 1)[0]):
                out.setdefault(m.group(2), Location(path, Range.of(number, m.start(2), number, m.end(2))))
    return out


def graphql_references(name: str, texts: Mapping[str, str]) -> list[Location]:
    word = re.compile(r"\b" + re.escape(name) + r"\b")
    out = []
    for path, text in texts.items():
        if not path.lower().endswith((".graphql", ".gql", ".graphqls")) or name not in text:
            continue
        in_string = False
        for number, line in enumerate(lines_of(text)):
            if line.count('"""') % 2:
                in_string = not in_string
                continue
            if in_string:
                continue
            code = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: " " * len(m.group()), line.split("#", 1)[0])
            out += [Location(path, Range.of(number, m.start(), number, m.end())) for m in word.finditer(code)]
    return out


# --- folding ------------------------------------------------------------------------


def folding_ranges(lines: list[str], kind: str, path: str = "") -> list[tuple[int, int]]:
    """(first line, last line) of each foldable block: YAML by indentation, JSON and GraphQL by brackets,
    Markdown by headings and fences."""
    if kind == "adr" or path.lower().endswith((".md", ".markdown")):
        return _markdown_folds(lines)
    if kind == "graphql" or (lines and is_json(path, "\n".join(lines[:1]))):
        return _bracket_folds(lines)
    return _indent_folds(lines)


def _indent_folds(lines: list[str]) -> list[tuple[int, int]]:
    out = []
    open_blocks: list[tuple[int, int]] = []  # (indent, start line)
    last_content = 0
    for number, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if stripped.startswith("- "):
            indent += 1  # an item folds inside its sequence's key at the same indent
        while open_blocks and open_blocks[-1][0] >= indent:
            _, start = open_blocks.pop()
            if last_content > start:
                out.append((start, last_content))
        open_blocks.append((indent, number))
        last_content = number
    for _, start in open_blocks:
        if last_content > start:
            out.append((start, last_content))
    return sorted(out)


def _bracket_folds(lines: list[str]) -> list[tuple[int, int]]:
    out = []
    stack: list[int] = []
    string = re.compile(r'"(?:[^"\\]|\\.)*"')
    for number, line in enumerate(lines):
        for ch in string.sub("", line.split("#", 1)[0] if "#" in line and '"' not in line else line):
            if ch in "{[(":
                stack.append(number)
            elif ch in "}])" and stack:
                start = stack.pop()
                if number > start:
                    out.append((start, number - 1 if number - 1 > start else number))
    return sorted(set(out))


def _markdown_folds(lines: list[str]) -> list[tuple[int, int]]:
    out = []
    headings: list[tuple[int, int]] = []  # (level, line)
    fence_start: int | None = None
    last_content = 0
    for number, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            if fence_start is None:
                fence_start = number
            else:
                out.append((fence_start, number))
                fence_start = None
            last_content = number
            continue
        if fence_start is None and (m := re.match(r"(#{1,6})\s", line)):
            level = len(m.group(1))
            while headings and headings[-1][0] >= level:
                _, start = headings.pop()
                if last_content > start:
                    out.append((start, last_content))
            headings.append((level, number))
        if line.strip():
            last_content = number
    for _, start in headings:
        if last_content > start:
            out.append((start, last_content))
    return sorted(out)
