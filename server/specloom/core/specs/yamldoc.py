"""Load YAML or JSON into plain values plus findings; never raises on user input."""

from __future__ import annotations

import json
import re

import yaml_rs

from specloom.core.findings import Finding, Range
from specloom.core.locate import Locator
from specloom.core.rules import rule
from specloom.core.source import SourceText
from specloom.core.specs import yaml_incremental

MAX_DEPTH = 256
_ERROR_AT = re.compile(r"line (\d+), column (\d+)")
_DUPLICATE = re.compile(r"duplicate mapping key: '(.*)'")


def is_json_text(source: SourceText) -> bool:
    if source.path.lower().endswith(".json"):
        return True
    head = source.text.lstrip()[:1]
    return head in ("{", "[")


def _syntax_finding(source: SourceText, message: str, line: int, col: int, suggestion: str) -> Finding:
    line = max(0, min(line, len(source.line_starts) - 1))
    text = source.line_text(line)
    col = max(0, min(col, len(text)))
    return Finding(
        code="SYN001",
        severity=rule("SYN001").severity,
        message=message,
        range=Range.of(line, col, line, max(col + 1, len(text.rstrip())) if col < len(text) else col),
        path=source.path,
        suggestion=suggestion,
    )


def _duplicate_key_finding(source: SourceText, key: str) -> Finding:
    """yaml-rs names the key but not its place: find the second occurrence at one indent."""
    pattern = re.compile(r"^( *)(?:-\s+)?(['\"]?)" + re.escape(key) + r"\2\s*:(?:\s|$)")
    seen: dict[int, int] = {}
    for number, line in enumerate(source.text.split("\n")):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        # A line at a smaller indent closes every deeper mapping; a `- ` item starts a new one after its dash.
        for level in [lvl for lvl in seen if lvl > indent]:
            del seen[level]
        m = pattern.match(line)
        if m:
            col = line.index(key, len(m.group(1)))
            level = col - len(m.group(2))  # where the mapping's keys start, a quote included
            if level in seen:
                return Finding(
                    code="SYN002",
                    severity=rule("SYN002").severity,
                    message=f"The key '{key}' appears twice in this mapping; the second would silently win.",
                    range=Range.of(number, col, number, col + len(key)),
                    path=source.path,
                    suggestion=f"Remove or rename one of the two '{key}' entries "
                    f"(the first is on line {seen[level] + 1}).",
                )
            seen[level] = number
    return _syntax_finding(
        source, f"The key '{key}' appears twice in one mapping.", 0, 0, f"Remove one of the '{key}' entries."
    )


def _normalize(value, source: SourceText, findings: list[Finding]):
    """Make keys strings, apply YAML merge keys, and bound the depth, without recursion."""
    if not isinstance(value, (dict, list)):
        return value
    stack: list[tuple[object, int]] = [(value, 0)]
    too_deep = False
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            too_deep = True
            continue
        if isinstance(node, dict):
            if any(not isinstance(k, str) for k in node) or "<<" in node:
                merged = node.pop("<<", None)
                items = [(_key_text(k), v) for k, v in node.items()]
                node.clear()
                for base in merged if isinstance(merged, list) else [merged]:
                    if isinstance(base, dict):
                        for k, v in base.items():
                            node.setdefault(_key_text(k), v)
                node.update(items)
            children = node.values()
        else:
            children = node
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    if too_deep:
        findings.append(
            _syntax_finding(
                source,
                f"The document nests deeper than {MAX_DEPTH} levels; deeper content is not checked.",
                0,
                0,
                "Flatten the structure with named components and $ref.",
            )
        )
    return value


def _key_text(key) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def load_data(source: SourceText) -> tuple[object | None, list[Finding]]:
    """Parse YAML or JSON; on a syntax error return None and one finding at the error's place."""
    findings: list[Finding] = []
    if is_json_text(source):
        try:
            data = json.loads(source.text)
        except json.JSONDecodeError as exc:
            return None, [
                _syntax_finding(
                    source,
                    f"Invalid JSON: {exc.msg}.",
                    exc.lineno - 1,
                    exc.colno - 1,
                    "Fix the JSON at this place (a missing comma, quote or bracket is typical).",
                )
            ]
        except RecursionError:
            return None, [_syntax_finding(source, "The JSON nests too deeply to read.", 0, 0, "Flatten the structure.")]
        return _normalize(data, source, findings), findings
    data = yaml_incremental.reparse(
        source.path, source.text, lambda value, out: _normalize(value, source, out), source.lines
    )
    if data is not None:
        return data, findings
    try:
        data = yaml_rs.loads(source.text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as exc:
        message = str(exc)
        duplicate = _DUPLICATE.search(message)
        if duplicate:
            findings.append(_duplicate_key_finding(source, duplicate.group(1)))
            data = yaml_rs.loads(
                source.text, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.LastWins
            )
            return _normalize(data, source, findings), findings
        at = _ERROR_AT.search(message)
        reason = message.strip().splitlines()[-1].strip() if message.strip() else "unknown error"
        line, col = (int(at.group(1)) - 1, int(at.group(2)) - 1) if at else (0, 0)
        return None, [
            _syntax_finding(
                source,
                f"Invalid YAML: {reason}.",
                line,
                col,
                "Check indentation (spaces only), quoting and brackets around this place.",
            )
        ]
    except (RecursionError, ValueError, OverflowError) as exc:
        return None, [_syntax_finding(source, f"The YAML cannot be read: {exc}.", 0, 0, "Simplify the document.")]
    if isinstance(data, list) and re.search(r"(?m)^---", source.text.lstrip()[3:]):
        data = data[0] if data else None  # several documents: a spec is the first one
    data = _normalize(data, source, findings)
    if not findings:
        yaml_incremental.remember(source.path, source.text, data, source.lines)
    return data, findings


class Document:
    """One loaded YAML/JSON file: its source, its values and a locator for its pointers."""

    def __init__(self, source: SourceText):
        self.source = source
        self.data, self.findings = load_data(source)
        self.locator = Locator(source, is_json=is_json_text(source))

    @property
    def path(self) -> str:
        return self.source.path
