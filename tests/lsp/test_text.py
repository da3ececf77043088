"""Incremental edits spliced at offsets give the text pygls's line-by-line rebuild gives, in every encoding."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument

from specloom.lsp.text import SplicedTextDocument

# Line breaks LSP knows, ASCII, accents and a character outside the BMP (two UTF-16 units, four UTF-8 ones).
CHARS = st.sampled_from(["a", "b", " ", ":", "é", "😋", "\n", "\r\n", "\r"])
ENCODINGS = [types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf32]


def change(start: tuple[int, int], end: tuple[int, int], text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(*start), types.Position(*end)), text=text
    )


def units(text: str, encoding) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf16:
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def position(data, lines: list[str], encoding) -> tuple[int, int]:
    """A place a client could name: a line, and a character boundary within it (or its end)."""
    line = data.draw(st.integers(0, len(lines) - 1))
    before = data.draw(st.integers(0, len(lines[line])))
    return line, units(lines[line][:before], encoding)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(CHARS, max_size=40).map("".join), encoding=st.sampled_from(ENCODINGS), data=st.data())
def test_a_spliced_edit_gives_pygls_text(text: str, encoding, data):
    theirs = TextDocument("file:///a.yaml", text, position_codec=PositionCodec(encoding))
    ours = SplicedTextDocument("file:///a.yaml", text, position_codec=PositionCodec(encoding))
    for _ in range(data.draw(st.integers(1, 4))):
        lines = re.split(r"\r\n|\r|\n", ours.source)
        start, end = sorted([position(data, lines, encoding), position(data, lines, encoding)])
        new = data.draw(st.lists(CHARS, max_size=6).map("".join))
        theirs.apply_change(change(start, end, new))
        ours.apply_change(change(start, end, new))
        assert ours.source == theirs.source


def test_positions_count_the_encodings_units_and_clamp_to_the_line():
    text = "a: 😋x\r\nb: 1\n"
    utf16 = SplicedTextDocument("file:///a.yaml", text, position_codec=PositionCodec(types.PositionEncodingKind.Utf16))
    utf16.apply_change(change((0, 5), (0, 6), "Y"))  # the emoji is units 3-4; x is unit 5
    assert utf16.source == "a: 😋Y\r\nb: 1\n"
    utf16.apply_change(change((1, 3), (1, 99), "2"))  # past the end of the line: up to its break, not beyond
    assert utf16.source == "a: 😋Y\r\nb: 2\n"
    utf8 = SplicedTextDocument("file:///a.yaml", text, position_codec=PositionCodec(types.PositionEncodingKind.Utf8))
    utf8.apply_change(change((0, 7), (0, 8), "Z"))  # 4 UTF-8 units for the emoji
    assert utf8.source == "a: 😋Z\r\nb: 1\n"
    utf8.apply_change(change((2, 0), (2, 0), "c: 3\n"))  # the empty last line
    assert utf8.source == "a: 😋Z\r\nb: 1\nc: 3\n"
