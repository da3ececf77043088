"""Re-parse only the block-mapping entry an edit falls in, reusing the rest of the last parse.

A language server re-checks a multi-megabyte spec on every keystroke; parsing it whole is most of
that time. When the new text differs from the last one parsed for the same file only inside one
`key:` block (a path item, a schema), that block is parsed alone and spliced into a copy of the
previous tree: the path from the root to the block is copied, everything else is shared. Anything
this cannot prove safe — anchors or aliases in the block, tabs, several documents, a changed key
line, a block that grows into its siblings — returns None, and the caller parses the whole text.
The result equals a full parse; tests check that on random edits.
"""

from __future__ import annotations

import re

import yaml_rs

from specloom.core.locate import changed_lines
from specloom.core.recent import Recent

MIN_CHARS = 200_000  # below this a full parse takes a few milliseconds anyway
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s,\[{:-])[&*][^\s,\[\]{}]")

# path -> (lines, normalized data); none until an editor session asks (a CLI run would only pay for it)
_last: Recent[str, tuple[list[str], object]] = Recent()


def keep_last_parses(files: int = 8) -> None:
    """Remember the last parse of up to `files` big files, for `reparse`; the language server calls this."""
    _last.size = files


def remember(path: str, text: str, data: object, lines: list[str] | None = None) -> None:
    """`lines`: `text` split at newlines, where the caller has them."""
    if not _last.size or len(text) < MIN_CHARS or not isinstance(data, dict) or _has_document_markers(text):
        return
    _last.put(path, (lines if lines is not None else text.split("\n"), data))


def reparse(path: str, text: str, normalize, lines: list[str] | None = None) -> object | None:
    """The data of `text` from the last parse of `path` and one block re-parsed, or None."""
    if len(text) < MIN_CHARS:
        return None
    last = _last.get(path)
    if last is None:
        return None
    old_lines, old_data = last
    new_lines = lines if lines is not None else text.split("\n")
    first, old_stop, new_stop = changed_lines(old_lines, new_lines)
    if first == old_stop == new_stop:
        _last.put(path, (new_lines, old_data))
        return old_data
    changed = old_lines[first:old_stop] + new_lines[first:new_stop]
    indents = [len(line) - len(line.lstrip(" ")) for line in changed if line.strip()]
    if not indents or any(line[: len(line) - len(line.lstrip(" \t"))].count("\t") for line in changed):
        return None  # only blank lines changed (they may sit in a block scalar), or tabs: parse it all
    block = _enclosing_block(new_lines, first, min(indents))
    if block is None:
        return None
    keys, start, column = block
    end = _block_end(new_lines, max(first, start + 1), column)
    if end < new_stop:
        return None  # the edit reaches past the block: siblings changed
    old_end = end - (len(new_lines) - len(old_lines))
    chunk = "\n".join(line[column:] for line in new_lines[start:end])
    old_chunk = "\n".join(old_lines[start:old_end])
    if _ANCHOR_OR_ALIAS.search(chunk) or _ANCHOR_OR_ALIAS.search(old_chunk) or "<<" in chunk:
        return None
    try:
        parsed = yaml_rs.loads(chunk, parse_datetime=False)
    except Exception:  # noqa: BLE001 - any trouble: the full parse reports it properly
        return None
    if not isinstance(parsed, dict) or list(parsed) != [keys[-1]]:
        return None
    findings: list = []
    value = normalize(parsed[keys[-1]], findings)
    if findings:
        return None
    data = _splice(old_data, keys, value)
    if data is not None:
        _last.put(path, (new_lines, data))
    return data


def _has_document_markers(text: str) -> bool:
    # Plain substring searches: a multi-line regex over megabytes costs tens of milliseconds.
    return text.startswith(("---", "...", "%")) or any(m in text for m in ("\n---", "\n...", "\n%"))


def _enclosing_block(lines: list[str], first: int, inner_indent: int) -> tuple[list[str], int, int] | None:
    """(keys from the root, header line, header indent) of the innermost `key:` block holding line `first`.

    Every header on the way up must be a plain `key:` line, so the keys name a path of mappings.
    """
    headers: list[tuple[int, int]] = []
    threshold = inner_indent
    for number in range(first - 1, -1, -1):
        line = lines[number]
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue
        indent = len(line) - len(stripped)
        if indent < threshold:
            headers.append((number, indent))
            threshold = indent
            if indent == 0:
                break
    if not headers or headers[-1][1] != 0:
        return None
    keys: list[str] = []
    for number, _ in reversed(headers):  # outermost first
        key = _header_key(lines[number])
        if key is None:
            break
        keys.append(key)
    if not keys:
        return None
    start, column = headers[len(headers) - len(keys)]
    return keys, start, column


def _header_key(line: str) -> str | None:
    """The key of a `key:` line opening a block (no value on the line), else None."""
    stripped = line.strip()
    if stripped.startswith(("-", "?", "&", "*", "!")) or not stripped.split("#", 1)[0].rstrip().endswith(":"):
        return None
    try:
        parsed = yaml_rs.loads(stripped, parse_datetime=False)
    except Exception:  # noqa: BLE001 - not a simple key line
        return None
    if not isinstance(parsed, dict) or len(parsed) != 1:
        return None
    [(key, value)] = parsed.items()
    return key if isinstance(key, str) and value is None else None


def _block_end(lines: list[str], start: int, column: int) -> int:
    """The first line from `start` on whose content begins at or left of `column`."""
    for number in range(start, len(lines)):
        line = lines[number]
        stripped = line.lstrip(" ")
        if stripped and stripped[0] != "#" and len(line) - len(stripped) <= column:
            return number
    return len(lines)


def _splice(data: object, keys: list[str], value: object) -> object | None:
    root = dict(data) if isinstance(data, dict) else None
    node = root
    for key in keys[:-1]:
        child = node.get(key) if node is not None else None
        if not isinstance(child, dict):
            return None
        node[key] = node = dict(child)
    if node is None or keys[-1] not in node:
        return None
    node[keys[-1]] = value
    return root
