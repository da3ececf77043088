"""Language-neutral names from spec text: the words an identifier is made of, before a pack's own rules."""

from __future__ import annotations

import re
import unicodedata


def snake(text: str) -> str:
    """snake_case ASCII words of `text` ("Ödd names" -> "odd_names"); "api" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", ascii_text)
    out = re.sub(r"[^0-9a-zA-Z]+", "_", words).strip("_").lower()
    if not out:
        return "api"
    return "_" + out if out[0].isdigit() else out
