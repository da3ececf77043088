"""Open documents whose incremental edits are spliced into the text at their offsets.

pygls 2 applies an incremental change by rebuilding the whole text line by line (`splitlines` and a loop),
about 40 ms per keystroke on a 3 MB spec, on the event loop. Here the edit's range becomes two offsets
(line starts found with `str.find`, the character converted by the workspace's position codec on the one
line it is in) and the text is sliced once. Lines end at `\\n`, `\\r\\n` or `\\r`, as LSP defines them.
"""

from __future__ import annotations

import re

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

_BREAK = re.compile(r"\r\n|\r|\n")


class SplicedTextDocument(TextDocument):
    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        source = self.source
        start = self._offset(source, change.range.start)
        end = max(start, self._offset(source, change.range.end))
        self._source = source[:start] + change.text + source[end:]

    def _offset(self, source: str, position: types.Position) -> int:
        begin = _line_start(source, position.line)
        if begin >= len(source):
            return len(source)  # past the last line: the end of the text, as pygls does
        found = _BREAK.search(source, begin)
        line = source[begin : found.start() if found else len(source)]
        if line.isascii():  # one code unit per character in every encoding
            return begin + min(position.character, len(line))
        # With its break, as pygls's codec expects lines: a character past the end clamps to the line's end.
        at = types.Position(0, position.character)
        return begin + min(self.position_codec.position_from_client_units([line + "\n"], at).character, len(line))


def _line_start(source: str, line: int) -> int:
    if line <= 0:
        return 0
    if "\r" not in source:
        at = -1
        for _ in range(line):
            at = source.find("\n", at + 1)
            if at < 0:
                return len(source)
        return at + 1
    for count, found in enumerate(_BREAK.finditer(source), 1):
        if count == line:
            return found.end()
    return len(source)


def splice_edits(workspace: Workspace) -> None:
    """Make `workspace` (built by pygls at initialize) create spliced documents."""

    def create(doc_uri: str, source=None, version=None, language_id=None) -> TextDocument:
        return SplicedTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=workspace._sync_kind,
            position_codec=workspace.position_codec,
        )

    workspace._create_text_document = create
