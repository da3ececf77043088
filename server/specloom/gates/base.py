"""What every gate shares: results, configuration, budgets, and running tools as killable subprocesses."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from specloom.core.workspace import SKIPPED_DIRS

Severity = Literal["error", "warning"]

DEFAULT_TIMEOUTS = {"syntax": 10.0, "style": 30.0, "security": 60.0, "tests": 300.0}
DEFAULT_BUDGET = 60.0
# Only these reach the tools: a PYTHONPATH, VIRTUAL_ENV or PYTEST_ADDOPTS of the server must not change what they see.
_PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")


@dataclass(frozen=True, slots=True)
class GateFinding:
    gate: str
    file: str  # posix path relative to the gate's root; "" when the finding is about the whole run
    line: int  # 1-based; 0 when there is no place
    column: int  # 1-based; 0 when there is no place
    code: str
    message: str
    severity: Severity = "error"


@dataclass(slots=True)
class GateResult:
    name: str
    passed: bool
    duration_ms: float
    findings: list[GateFinding]
    skipped_reason: str | None = None
    timed_out: bool = False


@dataclass(slots=True)
class GateConfig:
    coverage_threshold: float = 95.0
    timeouts: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TIMEOUTS))
    test_python: str | None = None  # interpreter for the tests gate; None means the one running specloom
    ruff_rules: list[str] = field(default_factory=lambda: ["E", "F", "W", "I", "B", "UP", "S"])
    # Tests assert, so S101 (assert used) is off in test files only.
    ruff_test_ignores: list[str] = field(default_factory=lambda: ["S101"])
    line_length: int = 120
    # Generated suites need no pytest plugins; loading every installed one costs seconds per run.
    pytest_plugin_autoload: bool = True
    # language -> its prepared toolchain folder; a language not named uses its default (specloom.toolchains)
    toolchains: dict[str, Path] = field(default_factory=dict)

    @property
    def python(self) -> str:
        return self.test_python or sys.executable

    def budget(self, gate: str) -> float:
        return self.timeouts.get(gate, DEFAULT_TIMEOUTS.get(gate, DEFAULT_BUDGET))


class Gate(Protocol):
    name: str

    async def run(self, root: Path, cfg: GateConfig, cancel: asyncio.Event | None) -> GateResult: ...


@dataclass(frozen=True, slots=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: os.environ[key] for key in _PASSED_ENV if key in os.environ}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ in the staging tree
    env.update(extra)
    return env


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    if not hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        return
    # The group outlives its leader while any member lives; an empty group is simply gone.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


async def run_process(args: Sequence[str], cwd: Path, env: dict[str, str]) -> Completed:
    """Run a tool in its own process group; the whole group dies when this is cancelled or the tool ends."""
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = await proc.communicate()
    except BaseException:
        _kill_group(proc)
        await proc.wait()  # reap it, so nothing of the gate is left once the cancel returns
        raise
    _kill_group(proc)  # whatever the tool started and left running (a test's server, say)
    return Completed(proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"))


def tool_error(gate: str, tool: str, done: Completed) -> GateFinding:
    return whole_run(gate, "tool-error", f"{tool} failed: {(done.stderr or done.stdout).strip()[-2000:]}")


def whole_run(gate: str, code: str, message: str, severity: Severity = "error") -> GateFinding:
    return GateFinding(gate, "", 0, 0, code, message, severity)


def skipped(name: str, reason: str) -> GateResult:
    # Only for a tree with no code of any gated language: there is nothing of its kind to check.
    return GateResult(name, True, 0.0, [], skipped_reason=reason)


async def guarded(
    name: str, cfg: GateConfig, cancel: asyncio.Event | None, body: Coroutine[object, object, list[GateFinding]]
) -> GateResult:
    """Run a gate's work within its budget and until `cancel` is set; crashes and timeouts fail the gate."""
    start = time.perf_counter()
    if cancel is not None and cancel.is_set():
        body.close()  # never started: no process to spawn only to kill it
        return GateResult(name, False, 0.0, [], skipped_reason="cancelled")
    budget = cfg.budget(name)
    work = asyncio.ensure_future(body)
    tasks = [work] if cancel is None else [work, asyncio.ensure_future(cancel.wait())]
    try:
        await asyncio.wait(tasks, timeout=budget, return_when=asyncio.FIRST_COMPLETED)
    finally:
        # Cancelling the work kills its subprocesses; this also runs when the caller cancels us.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    duration_ms = (time.perf_counter() - start) * 1000
    # A gate that finished as the cancel came in still counts as cancelled: the run is being abandoned.
    if cancel is not None and cancel.is_set():
        return GateResult(name, False, duration_ms, [], skipped_reason="cancelled")
    if not work.cancelled():
        exc = work.exception()
        findings = (
            [whole_run(name, "gate-error", f"gate {name} could not run: {type(exc).__name__}: {exc}")]
            if exc is not None
            else work.result()
        )
        passed = all(f.severity != "error" for f in findings)
        return GateResult(name, passed, duration_ms, findings)
    message = f"gate {name} exceeded its {budget:g} s budget"
    return GateResult(name, False, duration_ms, [whole_run(name, "timeout", message)], timed_out=True)


def project_files(root: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """Files under `root` with one of `suffixes`, in a stable order, skipping VCS, venv and cache folders."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(suffixes):
                yield Path(dirpath) / name


def relative(root: Path, path: str | Path) -> str:
    """A tool's path (absolute, or relative to `root`, maybe with './') as a posix path relative to `root`."""
    full = Path(path) if Path(path).is_absolute() else root / path
    try:
        return full.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


@contextlib.contextmanager
def scratch_copy(root: Path, prefix: str) -> Iterator[Path]:
    """A throwaway copy of the tree for tools that write beside the code (target/, lock files), so the
    gate writes nothing into the tree it checks; gone afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        copy = Path(tmp, "project")
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git", "target", "node_modules"), symlinks=True)
        yield copy
