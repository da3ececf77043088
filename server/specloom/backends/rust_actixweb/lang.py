"""Rust spelling: string literals for the generated code."""

from __future__ import annotations

import re


def rust_string(value: object) -> str:
    """A Rust string literal of `value`."""
    out = []
    for ch in str(value):
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def rust_raw(value: object) -> str:
    """A Rust raw string literal of `value` (JSON in tests reads as it is sent), with enough `#` to hold it."""
    text = str(value)
    hashes = 1
    while '"' + "#" * hashes in text:
        hashes += 1
    return "r" + "#" * hashes + '"' + text + '"' + "#" * hashes


def rust_comment(value: object) -> str:
    """Text for a `//` comment: one line, no control characters."""
    return " ".join(str(value).split())


def cargo_version(value: object) -> str:
    """A Cargo package version of the spec's version: its own where it is semantic (1.2.0), else 0.1.0."""
    text = str(value).strip()
    if re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", text):
        return text
    if re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)", text):
        return text + ".0"
    return "0.1.0"
