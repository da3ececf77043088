"""Style gate: `ruff check` with a fixed rule set, and `ruff format --check`."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path

from specloom.gates.base import (
    Completed,
    GateConfig,
    GateFinding,
    GateResult,
    clean_env,
    guarded,
    project_files,
    relative,
    run_process,
    skipped,
    whole_run,
)

NAME = "style"
TEST_GLOBS = ("**/tests/**", "**/test_*.py", "**/*_test.py", "**/conftest.py")
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_PARSE_ERROR = re.compile(r"^error: Failed to parse (.+?):(\d+):(\d+): (.*)$")


def ruff_args(cfg: GateConfig) -> tuple[list[str], list[str]]:
    """The check and format command lines. `--isolated` ignores every config file, so neither the
    user's nor the staging tree's settings can weaken the rules; the rules come only from `cfg`."""
    ruff = [sys.executable, "-m", "ruff"]
    common = ["--no-cache", "--isolated", "--line-length", str(cfg.line_length)]
    check = [*ruff, "check", "--output-format", "json", *common, "--select", ",".join(cfg.ruff_rules)]
    if cfg.ruff_test_ignores:
        ignores = json.dumps(cfg.ruff_test_ignores)
        check += ["--config", "lint.per-file-ignores = {" + ", ".join(f'"{g}" = {ignores}' for g in TEST_GLOBS) + "}"]
    return [*check, "."], [*ruff, "format", "--check", "--diff", *common, "."]


def lint_findings(root: Path, done: Completed) -> list[GateFinding]:
    try:
        items = json.loads(done.stdout) if done.returncode in (0, 1) else None
    except json.JSONDecodeError:
        items = None
    if not isinstance(items, list):
        return [whole_run(NAME, "tool-error", f"ruff check failed: {(done.stderr or done.stdout).strip()[-2000:]}")]
    return [
        GateFinding(
            NAME,
            relative(root, item["filename"]),
            item["location"]["row"],
            item["location"]["column"],
            item.get("code") or "invalid-syntax",
            item["message"],
        )
        for item in items
    ]


def format_findings(done: Completed) -> list[GateFinding]:
    """One finding per file ruff would reformat, at its first changed line."""
    findings: list[GateFinding] = []
    current = ""
    old_line = old_left = new_left = 0
    reported = True
    for line in done.stdout.splitlines():
        if old_left > 0 or new_left > 0:
            # Inside a hunk the counts, not the text, say where it ends: a removed "-- x" line looks like a header.
            tag = line[:1]
            if tag == "\\":
                continue  # "\ No newline at end of file" belongs to neither side
            if tag in ("-", "+") and not reported:
                findings.append(
                    GateFinding(NAME, current, max(old_line, 1), 1, "format", "ruff format would reformat this file")
                )
                reported = True
            old_left -= tag != "+"
            new_left -= tag != "-"
            old_line += tag != "+"
        elif line.startswith("--- "):
            current, reported = Path(line[4:]).as_posix(), False
        elif hunk := _HUNK.match(line):
            old_line = int(hunk.group(1))
            old_left = int(hunk.group(2) or 1)
            new_left = int(hunk.group(3) or 1)
    if done.returncode not in (0, 1):
        for line in done.stderr.splitlines():
            if parse := _PARSE_ERROR.match(line):
                path, row, col, message = parse.groups()
                findings.append(GateFinding(NAME, Path(path).as_posix(), int(row), int(col), "invalid-syntax", message))
            elif line.startswith("error:"):
                findings.append(whole_run(NAME, "tool-error", f"ruff format failed: {line[6:].strip()}"))
    return findings


async def _check(root: Path, cfg: GateConfig) -> list[GateFinding]:
    check_args, format_args = ruff_args(cfg)
    env = clean_env()
    lint, fmt = await asyncio.gather(run_process(check_args, root, env), run_process(format_args, root, env))
    return lint_findings(root, lint) + format_findings(fmt)


class StyleGate:
    name = NAME

    async def run(self, root: Path, cfg: GateConfig, cancel: asyncio.Event | None) -> GateResult:
        if next(project_files(root, (".py",)), None) is None:
            return skipped(self.name, "no Python files")
        return await guarded(self.name, cfg, cancel, _check(root, cfg))
