"""Where a cursor is in a YAML or JSON document: the key path around it, from the text alone.

Editors ask while the document is half typed, so nothing here parses the document: YAML is read
line by line upwards (indentation gives the parents), JSON by a tolerant token scan up to the cursor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_YAML_KEY = re.compile(
    r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s'"#\[\]{},&*!|>%@`-][^:#]*?|-[^\s][^:#]*?))[ \t]*:(?=[ \t]|$)"""
)
_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|[{}\[\]:,]')


@dataclass(frozen=True, slots=True)
class Cursor:
    """`parts`: the keys (and item indexes) of the container the cursor is in.

    `key`: the key of the entry the cursor is on (or whose value it is in), "" on a fresh line;
    `in_value`: the cursor is after that key's colon; `prefix`: what is typed before the cursor there.
    """

    parts: tuple[str, ...]
    key: str
    in_value: bool
    prefix: str

    @property
    def path(self) -> tuple[str, ...]:
        """The parts down to the entry under the cursor."""
        return (*self.parts, self.key) if self.key else self.parts


def _unquote(m: re.Match) -> str:
    if m.group(1) is not None:
        return m.group(1).replace('\\"', '"').replace("\\\\", "\\")
    if m.group(2) is not None:
        return m.group(2).replace("''", "'")
    return m.group(3).strip()


def _content(line: str) -> tuple[int, str, bool]:
    """(indent of the content, the content, whether the line is a sequence item `- `)."""
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    if stripped.startswith("- ") or stripped == "-":
        rest = stripped[1:].lstrip(" ")
        return indent + len(stripped) - len(rest), rest, True
    return indent, stripped, False


def yaml_cursor(lines: list[str], line: int, character: int) -> Cursor:
    text = lines[line] if line < len(lines) else ""
    before = text[:character]
    col, content, item = _content(before)
    m = _YAML_KEY.match(text, col) if content else None
    if m and m.end() <= character:  # after `key:`: in its value
        key, in_value, prefix = _unquote(m), True, text[m.end() : character].strip().strip("'\"")
    elif m and character <= m.end():  # on the key itself
        key, in_value, prefix = _unquote(m), False, before[col:].strip("'\"")
    else:
        key, in_value, prefix = "", False, content.strip().strip("'\"")
    dash = len(text) - len(text.lstrip(" ")) if item else None
    return Cursor(tuple(_yaml_parents(lines, line, col, dash)), key, in_value, prefix)


def _yaml_parents(lines: list[str], line: int, col: int, sequence: int | None = None) -> list[str]:
    """The keys (and item indexes) of the containers holding content at (line, col), outermost first.

    `sequence`: the indent of the `- ` on the line itself, when the content is a sequence item's.
    """
    parts: list[str] = []
    limit = col  # a parent's content starts left of this column
    index = 0  # items of `sequence` seen above
    for i in range(line - 1, -1, -1):
        text = lines[i]
        stripped = text.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(stripped)
        content_col, content, is_item = _content(text)
        if sequence is not None:
            if indent > sequence:
                continue  # inside an earlier item
            if is_item and indent == sequence:
                index += 1
                continue
            parts.append(str(index))  # the sequence starts below this line, which may be its key
            limit, sequence = sequence + 1, None
        if indent >= limit:
            continue
        if is_item:
            m = _YAML_KEY.match(content) if content else None
            if m and content_col < limit:  # `- key:` whose value holds the content
                parts.append(_unquote(m))
            sequence, index = indent, 0
            continue
        m = _YAML_KEY.match(text, indent)
        if m:
            parts.append(_unquote(m))
            limit = indent
    if sequence is not None:
        parts.append(str(index))
    parts.reverse()
    return parts


def json_cursor(text: str, offset: int) -> Cursor:
    """A tolerant scan of the tokens before `offset`: unbalanced and unterminated text still gives a place."""
    stack: list[list] = []  # [kind "{" or "[", current key or index, expecting a key]
    pending = ""
    last_string = ""
    for m in _JSON_TOKEN.finditer(text, 0, offset):
        token = m.group()
        if token[0] == '"':
            last_string = token[1:-1] if token.endswith('"') and len(token) > 1 else token[1:]
            if stack and stack[-1][0] == "{" and stack[-1][2]:
                pending = last_string
            continue
        last_string = ""
        if token in "{[":
            stack.append([token, "" if token == "{" else 0, token == "{"])
        elif token in "}]":
            if stack:
                stack.pop()
        elif token == ":":
            if stack and stack[-1][0] == "{":
                stack[-1][1], stack[-1][2] = pending, False
        elif token == ",":
            if stack and stack[-1][0] == "{":
                stack[-1][1], stack[-1][2] = "", True
            elif stack:
                stack[-1][1] += 1
    parts = tuple(str(frame[1]) for frame in stack[:-1])
    if not stack:
        return Cursor((), "", False, "")
    top = stack[-1]
    tail = text[text.rfind("\n", 0, offset) + 1 : offset]
    prefix = re.split(r"[\s,:{\[]", tail)[-1].strip('"')
    if top[0] == "[":
        return Cursor(parts, str(top[1]), False, prefix)
    if top[2]:  # expecting a key: on a key or a fresh place
        return Cursor(parts, "", False, prefix)
    return Cursor(parts, str(top[1]), True, last_string if last_string else prefix)
