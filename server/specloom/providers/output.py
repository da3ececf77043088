"""The output contract: one fenced code block per file, its first line a `File: <path>` comment.

The same convention technical ADRs use. Anything else — prose between blocks aside — is refused
with a reason the repair prompt and the audit log can show: a block without a File line, a path
that would leave the target, a file given twice, a planned source file missing. Tests may be named
as the model likes, as long as they sit in the planned tests' folder (the tests gate still asks
for the coverage); a test file elsewhere, or no test at all, is refused too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from specloom.core.errors import SpecloomError
from specloom.core.specs.adr import fence_language, file_line_path, is_comment_line
from specloom.delivery.paths import safe_relative

from .base import ProviderFailure

# A File line may follow a shebang or a licence comment, as in ADRs.
_FILE_LINE_WINDOW = 10
_TEST_NAME = re.compile(r"(^|/)(test_[^/]*|[^/]*_test\.\w+|[^/]*\.(test|spec)\.\w+|conftest\.py)$")


@dataclass(slots=True)
class ParsedOutput:
    files: dict[str, str]
    extra: list[str] = field(default_factory=list)  # files the plan did not name, kept and reported


class MalformedOutput(ProviderFailure):
    def __init__(self, reason: str) -> None:
        super().__init__(f"malformed output: {reason}", retryable=False, kind="malformed_output")


def parse_output(text: str, planned: list[str], tests: Sequence[str] = ()) -> ParsedOutput:
    """The files in a model's answer, checked against the planned paths.

    `tests` are the planned test files among `planned`: the answer may name its tests otherwise, in
    their folder. Every other planned file is required.
    """
    from markdown_it import MarkdownIt

    fences = [t for t in MarkdownIt("commonmark").parse(text) if t.type == "fence"]
    if not fences:
        raise MalformedOutput("no fenced code block; expected one ``` block per file starting with a `File:` line")
    files: dict[str, str] = {}
    for number, fence in enumerate(fences, 1):
        language = fence_language(fence.info)
        lines = fence.content.splitlines()
        path, row = _file_line(lines, language)
        if path is None:
            raise MalformedOutput(f"code block {number} has no `File: <path>` comment as its first line")
        try:
            rel = safe_relative(path).as_posix()
        except SpecloomError as exc:
            raise MalformedOutput(f"code block {number}: {exc.message}") from None
        if rel in files:
            raise MalformedOutput(f"{rel} is given twice; give each file once, whole")
        body = "\n".join(lines[:row] + lines[row + 1 :]).strip("\n")
        files[rel] = body + "\n"
    folders = sorted({path.split("/", 1)[0] + "/" for path in tests if "/" in path})
    missing = [p for p in planned if p not in files and p not in tests]
    if missing:
        raise MalformedOutput(f"missing planned file(s): {', '.join(missing)}")
    in_folders = [p for p in files if p not in planned and p.startswith(tuple(folders))] if folders else []
    if folders:
        given_tests = [p for p in files if _TEST_NAME.search(p) and (p in tests or p in in_folders)]
        stray = [p for p in files if _TEST_NAME.search(p) and p not in planned and p not in in_folders]
        if stray:
            raise MalformedOutput(f"test file(s) {', '.join(stray)} outside {' or '.join(folders)}; put tests there")
        if tests and not given_tests:
            raise MalformedOutput(f"no test file under {' or '.join(folders)} (planned: {', '.join(tests)})")
    return ParsedOutput(files, [p for p in files if p not in planned and p not in in_folders])


def _file_line(lines: list[str], language: str) -> tuple[str | None, int]:
    """The File line's path and row: the first line that is not blank or another comment."""
    for row, line in enumerate(lines[:_FILE_LINE_WINDOW]):
        if not line.strip():
            continue
        path = file_line_path(line, language)
        if path is not None or not is_comment_line(line, language):
            return path, row
    return None, 0
