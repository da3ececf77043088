"""The pack's declared formatter, run over rendered files before gates and golden comparison.

Templates lay text out approximately; the formatter makes it exact, so the style gate
checks what a person would write, not template whitespace.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from specloom.templates.packs import PackError

# Imports follow what a render used: ruff sorts them and drops the unused, then lays the code out, with the
# same isolated settings as the style gate, so the gate checks what a person would write, not template output.
_RUFF = [sys.executable, "-m", "ruff"]
_ISOLATED = ["--isolated", "--quiet", "--line-length", "120"]
FORMATTERS = {
    "ruff": (
        [*_RUFF, "check", *_ISOLATED, "--no-cache", "--fix", "--select", "I001,F401", "--exit-zero", "."],
        [*_RUFF, "format", *_ISOLATED, "--no-cache", "."],
    ),
    "gofmt": (["gofmt", "-w", "."],),  # the Go toolchain's own: what the go style gate's `gofmt -l` checks
    "prettier": lambda: _prettier_commands(),  # the toolchain's prettier, found when a render runs
}


def _prettier_commands() -> list[list[str]]:
    from specloom.backends.typescript_fastify import prettier_commands

    return prettier_commands()


def format_files(files: dict[str, str], formatter: str | None, timeout: float = 60) -> dict[str, str]:
    if not formatter:
        return dict(files)
    if formatter not in FORMATTERS:
        raise PackError(f"unknown formatter {formatter!r}; known: {', '.join(FORMATTERS)}")
    with tempfile.TemporaryDirectory(prefix="specloom-format-") as tmp:
        root = Path(tmp)
        for path, content in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        commands = FORMATTERS[formatter]
        for command in commands() if callable(commands) else commands:
            try:
                subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=timeout, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise PackError(f"the {formatter} formatter could not run: {exc}") from exc
        return {path: (root / path).read_text(encoding="utf-8") for path in files}
