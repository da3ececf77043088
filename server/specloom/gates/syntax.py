"""Syntax gate: Python compiles, Rust/TypeScript/Go/Java/C# parse (tree-sitter), JSON/TOML/YAML load."""

from __future__ import annotations

import asyncio
import re
import threading
import tomllib
from pathlib import Path

from specloom.core.codecheck import syntax_errors
from specloom.core.findings import Severity
from specloom.core.source import SourceText
from specloom.core.specs.yamldoc import load_data
from specloom.gates.base import GateConfig, GateFinding, GateResult, guarded, project_files, relative

NAME = "syntax"
_DATA = (".json", ".toml", ".yaml", ".yml")
# Each suffix (without its dot) is a language name codecheck knows.
_CODE = (".rs", ".ts", ".mts", ".cts", ".tsx", ".go", ".java", ".cs")
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _python(rel: str, data: bytes) -> list[GateFinding]:
    try:
        # compile(), not ast.parse(): it also rejects what only the compiler checks ('return' outside a function).
        compile(data, rel, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return [GateFinding(NAME, rel, exc.lineno or 1, exc.offset or 1, "syntax-error", exc.msg)]
    return []


def _toml(rel: str, text: str) -> list[GateFinding]:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        line, col = (int(at.group(1)), int(at.group(2))) if at else (text.count("\n") + 1, 1)
        message = f"Invalid TOML: {_TOML_AT.sub('', str(exc)).strip()}"
        return [GateFinding(NAME, rel, line, col, "syntax-error", message)]
    return []


def _code(rel: str, text: str, language: str) -> list[GateFinding]:
    return [
        GateFinding(NAME, rel, line + 1, col + 1, "syntax-error", message)
        for line, col, _, _, message in syntax_errors(text, language) or []
    ]


def _json_or_yaml(rel: str, text: str) -> list[GateFinding]:
    _, found = load_data(SourceText(rel, text))
    return [
        GateFinding(
            NAME,
            rel,
            f.range.start.line + 1,
            f.range.start.character + 1,
            f.code,
            f.message,
            "error" if f.severity is Severity.ERROR else "warning",
        )
        for f in found
    ]


def check_file(root: Path, path: Path) -> list[GateFinding]:
    rel = relative(root, path)
    data = path.read_bytes()
    if path.suffix == ".py":
        return _python(rel, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [GateFinding(NAME, rel, data[: exc.start].count(b"\n") + 1, 1, "encoding", "The file is not UTF-8.")]
    if path.suffix in _CODE:
        return _code(rel, text, path.suffix[1:])
    if path.suffix == ".toml":
        return _toml(rel, text)
    return _json_or_yaml(rel, text)


def _scan(root: Path, stop: threading.Event) -> list[GateFinding]:
    findings: list[GateFinding] = []
    for path in project_files(root, (".py", *_CODE, *_DATA)):
        if stop.is_set():
            break
        findings.extend(check_file(root, path))
    return findings


async def _check(root: Path) -> list[GateFinding]:
    stop = threading.Event()
    try:
        # In a thread so the other gates' subprocesses start meanwhile.
        return await asyncio.to_thread(_scan, root, stop)
    finally:
        stop.set()  # a thread cannot be killed: a timed-out scan stops at the next file


class SyntaxGate:
    name = NAME

    async def run(self, root: Path, cfg: GateConfig, cancel: asyncio.Event | None) -> GateResult:
        return await guarded(self.name, cfg, cancel, _check(root))
