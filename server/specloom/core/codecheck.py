"""Syntax checks for code snippets with tree-sitter: ADR code blocks now, generated files later.

    syntax_errors(code, language) -> [(start_line, start_col, end_line, end_col, message), ...] | None

Lines and columns are 0-based and relative to `code`; columns count Unicode code points (as
Specloom's positions do), not the bytes tree-sitter reports. Messages are short and bare
("unexpected `+`", "missing `)`") so callers can say where and in what they were found.
`None` means there is no grammar for the language, `[]` that the code parses. Each error is an
ERROR node (text tree-sitter could not fit; a multi-line one is cut to its first line so the mark
lands where the trouble starts) or a MISSING node (a token tree-sitter had to invent, e.g. a `)`),
in source order.

Grammars come from the per-language `tree_sitter_*` packages, imported on first use; `Language`
objects are shared, `Parser` objects are per thread because a parser is not thread-safe.
"""

from __future__ import annotations

import functools
import importlib
import threading

# canonical name -> (module, function returning the grammar)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "java": ("tree_sitter_java", "language"),
    "c_sharp": ("tree_sitter_c_sharp", "language"),
}
SUPPORTED_LANGUAGES = frozenset(_GRAMMARS)

_ALIASES: dict[str, str] = {
    **{name: name for name in _GRAMMARS},
    "py": "python",
    "py3": "python",
    "python3": "python",
    "rs": "rust",
    "ts": "typescript",
    "mts": "typescript",
    "cts": "typescript",
    "golang": "go",
    "cs": "c_sharp",
    "csharp": "c_sharp",
    "c#": "c_sharp",
    "c-sharp": "c_sharp",
}

_SNIPPET_CHARS = 40

SyntaxErrorSpan = tuple[int, int, int, int, str]


def canonical_language(language: str) -> str | None:
    """The grammar name for a fence language or alias ("py", "rs", "c#", …), or None if unsupported."""
    return _ALIASES.get(language.strip().lower())


def parse(data: bytes, language: str):
    """The tree-sitter tree of `data` in `language` (a name or alias), or None for an unknown language."""
    name = canonical_language(language)
    return None if name is None else _parser(name).parse(data)


def syntax_errors(code: str, language: str) -> list[SyntaxErrorSpan] | None:
    """Where `code` fails to parse as `language` (see the module docstring), or None for an unknown language."""
    name = canonical_language(language)
    if name is None:
        return None
    # "replace" keeps one byte per lone surrogate, so byte columns still map back to characters.
    data = code.encode("utf-8", "replace")
    root = _parser(name).parse(data).root_node
    if not root.has_error:
        return []
    lines = data.split(b"\n")
    found: list[SyntaxErrorSpan] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing:
            found.append((*_span(lines, node), _missing_message(node)))
        elif node.is_error:
            # Children of an ERROR node only repeat its complaint.
            found.append((*_span(lines, node), _error_message(data, node)))
        elif node.has_error:
            stack.extend(reversed(node.children))
    return sorted(found)


@functools.cache
def _language(name: str):
    from tree_sitter import Language

    module_name, function = _GRAMMARS[name]
    return Language(getattr(importlib.import_module(module_name), function)())


_local = threading.local()


def _parser(name: str):
    parsers = _local.__dict__.setdefault("parsers", {})
    parser = parsers.get(name)
    if parser is None:
        from tree_sitter import Parser

        parser = parsers[name] = Parser(_language(name))
    return parser


def _span(lines: list[bytes], node) -> tuple[int, int, int, int]:
    start_row, start_col = node.start_point
    end_row, end_col = node.end_point
    if end_row > start_row:
        end_row, end_col = start_row, len(lines[start_row]) if start_row < len(lines) else start_col
    return start_row, char_column(lines, start_row, start_col), end_row, char_column(lines, end_row, end_col)


def char_column(lines: list[bytes], row: int, byte_col: int) -> int:
    if row >= len(lines):
        return 0
    return len(lines[row][:byte_col].decode("utf-8", "ignore"))


def _missing_message(node) -> str:
    what = node.type if node.is_named else f"`{node.type}`"
    return f"missing {what}"


def _error_message(data: bytes, node) -> str:
    text = data[node.start_byte : node.end_byte].decode("utf-8", "replace")
    first_line = text.strip().split("\n", 1)[0].strip()
    if not first_line:
        return "unexpected text"
    if len(first_line) > _SNIPPET_CHARS:
        first_line = first_line[: _SNIPPET_CHARS - 1] + "…"
    return f"unexpected `{first_line}`"
