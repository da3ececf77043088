"""Rust's gates through cargo, offline: rustfmt and clippy (-D warnings), then the tests under cargo-llvm-cov.

The project's crates must already be in cargo's cache (`cargo fetch`; preparing a pack fetches its
toolchain/Cargo.toml). Coverage needs cargo-llvm-cov and the llvm-tools-preview component of the active
Rust toolchain; without them the tests gate fails closed saying so. security: the security gate's pattern
and secret scans (cargo-audit needs its advisory database from the network, which a gate run never uses).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from specloom.backends.base import ToolchainError
from specloom.gates.base import (
    GateConfig,
    GateFinding,
    clean_env,
    project_files,
    relative,
    run_process,
    scratch_copy,
    whole_run,
)

LLVM_COV = "0.9.1"
_INSTALL_RUST = "install Rust with rustup (https://rustup.rs), then `rustup component add rustfmt clippy`"
_INSTALL_COV = (
    "`rustup component add llvm-tools-preview` and `cargo install cargo-llvm-cov --version "
    f"{LLVM_COV} --locked` (or `specloom templates prepare --language rust`)"
)
_TEST_ATTRIBUTE = re.compile(r"#\[\s*(?:\w+::)*test\b")
_FMT_DIFF = re.compile(r"^Diff in (.+?)(?: at line |:)(\d+):?", re.MULTILINE)
_PANIC = re.compile(r"panicked at (\S+?\.rs):(\d+):(\d+):\n(.*)")


def _env(tools: Path, purpose: str) -> dict[str, str]:
    # One target folder per gate in the toolchain folder: warm builds, and the two gates never wait on one lock.
    return clean_env(CARGO_TARGET_DIR=str(tools / f"target-{purpose}"), CARGO_TERM_COLOR="never")


def _sysroot_has_llvm_tools() -> bool:
    done = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True, check=False)  # noqa: S607
    return done.returncode == 0 and any(Path(done.stdout.strip(), "lib", "rustlib").glob("*/bin/llvm-profdata"))


def clippy_findings(copy: Path, output: str) -> list[GateFinding]:
    findings = []
    for line in output.splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        message = item.get("message") if item.get("reason") == "compiler-message" else None
        if not message or message.get("level") not in ("error", "warning"):
            continue
        span = next((s for s in message.get("spans", []) if s.get("is_primary")), None)
        if span is None:
            continue  # "aborting due to N previous errors" and the like
        code = (message.get("code") or {}).get("code") or "rustc"
        file = relative(copy, span["file_name"])
        findings.append(GateFinding("style", file, span["line_start"], span["column_start"], code, message["message"]))
    return list(dict.fromkeys(findings))


def fmt_findings(copy: Path, output: str) -> list[GateFinding]:
    first: dict[str, int] = {}
    for path, line in _FMT_DIFF.findall(output):
        first.setdefault(relative(copy, path), int(line))
    return [
        GateFinding("style", path, line, 1, "format", "rustfmt would reformat this file")
        for path, line in first.items()
    ]


class RustGates:
    language = "rust"
    suffixes = (".rs",)

    def tool_problem(self, tools: Path) -> str | None:
        for tool in ("cargo", "rustfmt", "cargo-clippy"):
            if shutil.which(tool) is None:
                return f"`{tool}` is not installed: {_INSTALL_RUST}"
        return None

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        if self.tool_problem(tools) is not None:
            raise ToolchainError(self.tool_problem(tools))
        if pack_toolchain is not None and (pack_toolchain / "Cargo.toml").is_file():
            manifest = str(pack_toolchain / "Cargo.toml")
            _run(["cargo", "fetch", "--manifest-path", manifest], "cargo could not fetch the pack's crates")
        if not _sysroot_has_llvm_tools():
            _run(["rustup", "component", "add", "llvm-tools-preview"], "rustup could not add llvm-tools-preview", 60)
        if shutil.which("cargo-llvm-cov", path=str(tools / "bin")) is None and shutil.which("cargo-llvm-cov") is None:
            args = ["cargo", "install", "cargo-llvm-cov", "--version", LLVM_COV, "--locked", "--root", str(tools)]
            _run(args, "cargo could not install cargo-llvm-cov")

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        if not (root / "Cargo.toml").is_file():
            return [
                whole_run("style", "no-build-file", "no Cargo.toml at the project root: cargo cannot build the code")
            ]
        with tempfile.TemporaryDirectory(prefix="specloom-rustfmt-") as tmp, scratch_copy(root, "specloom-rs-") as copy:
            # Our own (empty) rustfmt.toml: a project's config file cannot loosen the format.
            Path(tmp, "rustfmt.toml").write_text("")
            fmt = ["cargo", "fmt", "--all", "--", "--check", "--config-path", str(Path(tmp, "rustfmt.toml"))]
            clippy = ["cargo", "clippy", "--offline", "--all-targets", "--message-format=json", "--", "-D", "warnings"]
            fmt_done = await run_process(fmt, copy, _env(tools, "clippy"))
            clippy_done = await run_process(clippy, copy, _env(tools, "clippy"))
            findings = fmt_findings(copy, fmt_done.stdout) + clippy_findings(copy, clippy_done.stdout)
        if clippy_done.returncode != 0 and not any(f.code != "format" for f in findings):
            findings.append(whole_run("style", "tool-error", f"cargo clippy failed: {clippy_done.stderr[-2000:]}"))
        return findings

    async def security(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return []  # the security gate's pattern and secret scans are Rust's whole security check (see above)

    async def tests(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        if not any(_TEST_ATTRIBUTE.search(p.read_text(errors="replace")) for p in project_files(root, (".rs",))):
            return [whole_run("tests", "no-tests", "no tests found: no #[test] function in any .rs file")]
        llvm_cov = shutil.which("cargo-llvm-cov", path=str(tools / "bin")) or shutil.which("cargo-llvm-cov")
        if llvm_cov is None or not _sysroot_has_llvm_tools():
            missing = "cargo-llvm-cov" if llvm_cov is None else "the llvm-tools-preview component"
            return [
                whole_run("tests", "tool-missing", f"rust: line coverage needs {missing}; install with {_INSTALL_COV}")
            ]
        with scratch_copy(root, "specloom-rs-tests-") as copy:
            args = [llvm_cov, "llvm-cov", "--offline", "--json", "--summary-only", "--no-fail-fast"]
            done = await run_process(args, copy, _env(tools, "tests"))
        if done.returncode != 0:
            failures = [
                GateFinding("tests", file, int(line), int(col), "test-failed", f"a test panicked: {reason.strip()}")
                for file, line, col, reason in _PANIC.findall(done.stdout + done.stderr)
            ]
            return failures or [whole_run("tests", "tool-error", f"cargo llvm-cov failed: {done.stderr[-2000:]}")]
        total = json.loads(done.stdout)["data"][0]["totals"]["lines"]["percent"]
        if total < cfg.coverage_threshold:
            message = f"total line coverage {total:.1f}% is below the {cfg.coverage_threshold:g}% threshold"
            return [whole_run("tests", "coverage", message)]
        return []


def _run(args: list[str], what: str, timeout: float = 900) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=timeout)  # noqa: S603
    except subprocess.TimeoutExpired:
        raise ToolchainError(
            f"{what} (`{' '.join(args)}`): no answer in {timeout:g} s; is its server reachable?"
        ) from None
    if done.returncode != 0:
        raise ToolchainError(f"{what} (`{' '.join(args)}`): {(done.stderr or done.stdout).strip()[-1500:]}")


GATES = RustGates()
