"""The malicious-pattern scan: constructs in generated code that run other code or escape the language's safety.

    malicious_patterns(code, suffix) -> [Pattern(line, column, code, message), ...]

Matched on the tree-sitter syntax tree, not the text, so a comment or a string that only mentions
`eval` is no finding. Lines and columns are 1-based, columns in code points. Every code is in
core/rules.py (MAL0xx). Python is left to bandit, which the Python security gate runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specloom.core.codecheck import char_column, parse

# file suffix -> tree-sitter grammar; JavaScript is read with the TypeScript grammar, a superset of it
SCANNED = {
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".js": "typescript",
    ".mjs": "typescript",
    ".cjs": "typescript",
    ".tsx": "tsx",
    ".jsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".cs": "c_sharp",
}
_SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "csh", "fish", "cmd", "cmd.exe", "powershell", "pwsh"}
_CHILD_PROCESS = {"child_process", "node:child_process"}
_RUST_COMMAND = re.compile(r"(^|::)process::Command$")


@dataclass(frozen=True, slots=True)
class Pattern:
    line: int
    column: int
    code: str
    message: str


def malicious_patterns(code: str, suffix: str) -> list[Pattern]:
    """What in `code` (a file ending in `suffix`) runs other code or leaves the language's safety; [] when nothing."""
    grammar = SCANNED.get(suffix)
    if grammar is None or not any(word in code for word in _TRIGGERS[grammar]):
        return []  # every pattern below needs one of these words: most files are never parsed
    data = code.encode("utf-8", "replace")
    lines = data.split(b"\n")
    check = _CHECKS[grammar]
    found: list[Pattern] = []
    stack = [parse(data, grammar).root_node]
    while stack:
        node = stack.pop()
        hit = check(node, data)
        if hit is not None:
            row, col = node.start_point
            found.append(Pattern(row + 1, char_column(lines, row, col) + 1, *hit))
        stack.extend(reversed(node.children))
    return sorted(found, key=lambda p: (p.line, p.column))


def _text(node, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _string_value(node, data: bytes) -> str | None:
    """The content of a string literal node (any quoting), else None."""
    if node is None or "string" not in node.type or node.type.endswith("_content"):
        return None
    return _text(node, data)[1:-1]


def _typescript(node, data: bytes) -> tuple[str, str] | None:
    if node.type in ("call_expression", "new_expression"):
        callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        name = _text(callee, data) if callee is not None else ""
        last = name.rsplit(".", 1)[-1]
        if last in ("eval", "Function") and (name == last or name.split(".")[0] in ("window", "globalThis", "self")):
            return "MAL001", f"`{name}` runs a string as code: whoever controls the string controls the server"
        if name in ("require", "import"):
            args = node.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            if _string_value(first, data) in _CHILD_PROCESS:
                return "MAL002", "child_process starts operating-system processes; an API handler has no need of it"
    source = node.child_by_field_name("source") if node.type in ("import_statement", "export_statement") else None
    if source is not None and _string_value(source, data) in _CHILD_PROCESS:
        return "MAL002", "child_process starts operating-system processes; an API handler has no need of it"
    return None


def _go(node, data: bytes) -> tuple[str, str] | None:
    if node.type == "import_spec" and _string_value(node.child_by_field_name("path"), data) == "unsafe":
        return "MAL004", "package unsafe steps around Go's memory safety"
    if node.type == "call_expression":
        name = _text(node.child_by_field_name("function"), data)
        if name in ("exec.Command", "exec.CommandContext"):
            args = node.child_by_field_name("arguments").named_children
            index = 1 if name == "exec.CommandContext" else 0  # after the context
            program = args[index] if len(args) > index else None
            value = _string_value(program, data)
            if value is not None and value.rsplit("/", 1)[-1].lower() in _SHELLS:
                return (
                    "MAL003",
                    f"`{name}` runs the shell `{value}`: its arguments become shell code (command injection)",
                )
    return None


def _rust(node, data: bytes) -> tuple[str, str] | None:
    if node.type == "unsafe" and not node.is_named:
        return "MAL004", "`unsafe` code steps around Rust's memory safety"
    if node.type == "scoped_identifier" and _RUST_COMMAND.search(re.sub(r"\s", "", _text(node, data))):
        return "MAL005", "std::process::Command starts operating-system processes"
    if node.type == "scoped_use_list":
        path = node.child_by_field_name("path")
        names = node.child_by_field_name("list")
        from_process = path is not None and _text(path, data).endswith("process")
        if from_process and names is not None and any(_text(n, data) == "Command" for n in names.named_children):
            return "MAL005", "std::process::Command starts operating-system processes"
    return None


def _java(node, data: bytes) -> tuple[str, str] | None:
    if node.type == "method_invocation" and _text(node.child_by_field_name("name"), data) == "exec":
        target = node.child_by_field_name("object")
        if target is not None and re.sub(r"\s", "", _text(target, data)).endswith("getRuntime()"):
            return "MAL005", "Runtime.exec starts operating-system processes"
    if node.type == "object_creation_expression":
        kind = _text(node.child_by_field_name("type"), data)
        if kind == "ProcessBuilder" or kind.endswith(".ProcessBuilder"):
            return "MAL005", "ProcessBuilder starts operating-system processes"
    return None


def _c_sharp(node, data: bytes) -> tuple[str, str] | None:
    if node.type == "invocation_expression":
        name = re.sub(r"\s", "", _text(node.child_by_field_name("function"), data))
        if name == "Process.Start" or name.endswith(".Process.Start"):
            return "MAL005", "Process.Start starts operating-system processes"
    return None


_TRIGGERS = {
    "typescript": ("eval", "Function", "child_process"),
    "tsx": ("eval", "Function", "child_process"),
    "go": ("exec", "unsafe"),
    "rust": ("unsafe", "Command"),
    "java": ("exec", "ProcessBuilder"),
    "c_sharp": ("Start",),
}
_CHECKS = {"typescript": _typescript, "tsx": _typescript, "go": _go, "rust": _rust, "java": _java, "c_sharp": _c_sharp}
