"""A pack's formatter, run over rendered files before gates and golden comparison.

Templates lay text out approximately; the formatter makes it exact, so the style gate
checks what a person would write, not template whitespace. Each backend names its own commands.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from specloom.templates.packs import PackError


def format_files(files: dict[str, str], commands: list[list[str]], timeout: float = 60) -> dict[str, str]:
    """`files` after each of `commands` ran, in order, in a folder holding only them."""
    if not commands:
        return dict(files)
    with tempfile.TemporaryDirectory(prefix="specloom-format-") as tmp:
        root = Path(tmp)
        for path, content in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        for command in commands:
            try:
                subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=timeout, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise PackError(f"the formatter {command[0]} could not run: {exc}") from exc
        return {path: (root / path).read_text(encoding="utf-8") for path in files}
