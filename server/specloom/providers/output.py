"""The output contract: one fenced code block per file, its first line a `File: <path>` comment.

The same convention technical ADRs use. Anything else — prose between blocks aside — is refused
with a reason the repair prompt and the audit log can show: a block without a File line, a path
that would leave the target, a file given twice, a planned file missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from specloom.core.errors import SpecloomError
from specloom.core.specs.adr import fence_language, file_line_path, is_comment_line
from specloom.delivery.paths import safe_relative

from .base import ProviderFailure

# A File line may follow a shebang or a licence comment, as in ADRs.
_FILE_LINE_WINDOW = 10


@dataclass(slots=True)
class ParsedOutput:
    files: dict[str, str]
    extra: list[str] = field(default_factory=list)  # files the plan did not name, kept and reported


class MalformedOutput(ProviderFailure):
    def __init__(self, reason: str) -> None:
        super().__init__(f"malformed output: {reason}", retryable=False, kind="malformed_output")


def parse_output(text: str, planned: list[str]) -> ParsedOutput:
    """The files in a model's answer, checked against the planned paths."""
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
    missing = [p for p in planned if p not in files]
    if missing:
        raise MalformedOutput(f"missing planned file(s): {', '.join(missing)}")
    return ParsedOutput(files, [p for p in files if p not in planned])


def _file_line(lines: list[str], language: str) -> tuple[str | None, int]:
    """The File line's path and row: the first line that is not blank or another comment."""
    for row, line in enumerate(lines[:_FILE_LINE_WINDOW]):
        if not line.strip():
            continue
        path = file_line_path(line, language)
        if path is not None or not is_comment_line(line, language):
            return path, row
    return None, 0
