"""Rust's gates through cargo, offline: rustfmt and clippy (-D warnings), then the tests under LLVM source-based
coverage.

Coverage is rustc's own instrumentation (`-C instrument-coverage`, what cargo-llvm-cov wraps): the tests run
with profiles written to a scratch folder, rustup's `llvm-profdata` merges them and its `llvm-cov` reports the
line coverage of the project's own files. Without the llvm-tools component the tests gate fails closed naming
`rustup component add llvm-tools-preview`. Each gate builds into its own target folder in the toolchain folder;
preparing a pack builds its toolchain/Cargo.toml there once in both, so a gate run compiles only the project.
security: the security gate's pattern and secret scans (cargo-audit needs its advisory database from the
network, which a gate run never uses).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
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

_INSTALL_RUST = "install Rust with rustup (https://rustup.rs), then `rustup component add rustfmt clippy`"
_INSTALL_LLVM = "`rustup component add llvm-tools-preview` (or `specloom templates prepare --language rust`)"
_COVERAGE_FLAGS = "-C instrument-coverage"
_TEST_ATTRIBUTE = re.compile(r"#\[\s*(?:\w+::)*test\b")
_FMT_DIFF = re.compile(r"^Diff in (.+?)(?: at line |:)(\d+):?", re.MULTILINE)
_PANIC = re.compile(r"thread '([^']*)'.*? panicked at (\S+?\.rs):(\d+):(\d+):\n(.*(?:\n +(?:left|right): .*)*)")
STAMP = ".specloom-rust-prepared"


def _env(tools: Path, purpose: str, **extra: str) -> dict[str, str]:
    # One target folder per gate in the toolchain folder: warm builds, and the two gates never wait on one lock.
    # No incremental state: every run is a fresh crate in a scratch copy, so it would only pile up.
    passed = {k: os.environ[k] for k in ("CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN") if k in os.environ}
    return clean_env(
        CARGO_TARGET_DIR=str(tools / f"target-{purpose}"),
        CARGO_TERM_COLOR="never",
        CARGO_INCREMENTAL="0",
        **passed,
        **extra,
    )


def llvm_tools() -> tuple[Path, Path] | None:
    """rustup's llvm-profdata and llvm-cov for the active toolchain, when its llvm-tools component is installed."""
    try:
        done = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True, check=False)  # noqa: S607
    except OSError:
        return None
    if done.returncode != 0:
        return None
    for folder in sorted(Path(done.stdout.strip(), "lib", "rustlib").glob("*/bin")):
        profdata, cov = folder / "llvm-profdata", folder / "llvm-cov"
        if profdata.is_file() and cov.is_file():
            return profdata, cov
    return None


def compiler_findings(
    copy: Path, output: str, gate: str = "style", levels: tuple[str, ...] = ("error", "warning")
) -> list[GateFinding]:
    """rustc's and clippy's diagnostics (cargo's JSON messages) as findings: file, line, column, lint, message."""
    findings = []
    for line in output.splitlines():
        if not line.startswith("{"):
            continue  # the test harness's own output, between cargo's messages
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        message = item.get("message") if item.get("reason") == "compiler-message" else None
        if not message or message.get("level") not in levels:
            continue
        span = next((s for s in message.get("spans", []) if s.get("is_primary")), None)
        if span is None:
            continue  # "aborting due to N previous errors" and the like
        code = (message.get("code") or {}).get("code") or "rustc"
        file = relative(copy, span["file_name"])
        findings.append(GateFinding(gate, file, span["line_start"], span["column_start"], code, message["message"]))
    return list(dict.fromkeys(findings))


def fmt_findings(copy: Path, output: str) -> list[GateFinding]:
    first: dict[str, int] = {}
    for path, line in _FMT_DIFF.findall(output):
        first.setdefault(relative(copy, path), int(line))
    return [
        GateFinding("style", path, line, 1, "format", "rustfmt would reformat this file")
        for path, line in first.items()
    ]


def own_artifacts(output: str, copy: Path) -> tuple[list[str], list[str]]:
    """(test binaries, every file) cargo built for the project itself, from its JSON `compiler-artifact` lines."""
    executables, files = [], []
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        manifest = str(Path(item.get("manifest_path") or "/").resolve())
        if item.get("reason") != "compiler-artifact" or not manifest.startswith(str(copy.resolve()) + os.sep):
            continue
        files += item.get("filenames") or []
        if item.get("executable"):
            executables.append(item["executable"])
            files.append(item["executable"])
    return executables, files


def remove_artifacts(files: list[str]) -> None:
    """Delete what cargo built for a scratch crate, with the `deps/` file a binary is hard-linked from: each
    scratch copy is a crate cargo never saw, so its builds in the shared target folder would only pile up."""
    for name in files:
        path = Path(name)
        with contextlib.suppress(OSError):
            info = path.stat()
            if info.st_nlink > 1:
                for twin in (path.parent / "deps").glob(path.name + "-*"):
                    if twin.stat().st_ino == info.st_ino:
                        twin.unlink()
        path.unlink(missing_ok=True)


def line_coverage(report: dict, copy: Path) -> tuple[int, int, list[tuple[str, float]]]:
    """(lines, covered, [(file, percent)] lowest first) of the project's own files in an llvm-cov export."""
    lines = covered = 0
    files = []
    prefix = str(copy.resolve()) + os.sep
    for entry in report.get("data", [{}])[0].get("files", []):
        name = str(Path(entry["filename"]).resolve())
        if not name.startswith(prefix):
            continue
        summary = entry["summary"]["lines"]
        lines += summary["count"]
        covered += summary["covered"]
        files.append((relative(copy, name), summary["percent"]))
    return lines, covered, sorted(files, key=lambda f: f[1])


class RustGates:
    language = "rust"
    suffixes = (".rs",)

    def tool_problem(self, tools: Path) -> str | None:
        for tool in ("cargo", "rustfmt", "cargo-clippy"):
            if shutil.which(tool) is None:
                return f"`{tool}` is not installed: {_INSTALL_RUST}"
        if llvm_tools() is None:
            return f"rust: line coverage needs the llvm-tools-preview component; install with {_INSTALL_LLVM}"
        return None

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        for tool in ("cargo", "rustfmt", "cargo-clippy"):
            if shutil.which(tool) is None:
                raise ToolchainError(f"`{tool}` is not installed: {_INSTALL_RUST}")
        if llvm_tools() is None:
            _run(["rustup", "component", "add", "llvm-tools-preview"], "rustup could not add llvm-tools-preview", 300)
        if pack_toolchain is None or not (pack_toolchain / "Cargo.toml").is_file():
            return
        manifests = [pack_toolchain / "Cargo.toml", pack_toolchain / "Cargo.lock"]
        if not manifests[1].is_file():
            raise ToolchainError(f"{pack_toolchain} has no Cargo.lock: the pack's crate versions must be locked")
        digest = hashlib.sha256(b"".join(p.read_bytes() for p in manifests)).hexdigest()
        stamp = tools / STAMP
        if stamp.is_file() and stamp.read_text("utf-8") == digest:
            return
        # The pack's seed crate, built once in each gate's target folder: its dependencies are then the same
        # compiled crates a generated project's `--locked` build asks for.
        seed = tools / "seed"
        shutil.rmtree(seed, ignore_errors=True)
        shutil.copytree(pack_toolchain, seed)
        manifest = str(seed / "Cargo.toml")
        _run(["cargo", "fetch", "--locked", "--manifest-path", manifest], "cargo could not fetch the pack's crates")
        build = ["--offline", "--locked", "--manifest-path", manifest]
        _run(
            ["cargo", "clippy", *build, "--all-targets"],
            "cargo clippy could not build the pack's crates",
            env=_env(tools, "clippy"),
        )
        _run(
            ["cargo", "test", *build, "--no-run"],
            "cargo could not build the pack's crates for the tests",
            env=_env(tools, "tests", RUSTFLAGS=_COVERAGE_FLAGS),
        )
        stamp.write_text(digest, encoding="utf-8")

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
            findings = fmt_findings(copy, fmt_done.stdout) + compiler_findings(copy, clippy_done.stdout)
            remove_artifacts(own_artifacts(clippy_done.stdout, copy)[1])
        if clippy_done.returncode != 0 and not any(f.code != "format" for f in findings):
            findings.append(whole_run("style", "tool-error", f"cargo clippy failed: {clippy_done.stderr[-2000:]}"))
        return findings

    async def security(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return []  # the security gate's pattern and secret scans are Rust's whole security check (see above)

    async def tests(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        if not any(_TEST_ATTRIBUTE.search(p.read_text(errors="replace")) for p in project_files(root, (".rs",))):
            return [whole_run("tests", "no-tests", "no tests found: no #[test] function in any .rs file")]
        llvm = llvm_tools()
        if llvm is None:
            message = f"rust: line coverage needs the llvm-tools-preview component; install with {_INSTALL_LLVM}"
            return [whole_run("tests", "tool-missing", message)]
        profdata, llvm_cov = llvm
        with scratch_copy(root, "specloom-rs-tests-") as copy:
            profiles = copy.parent / "profiles"
            profiles.mkdir()
            env = _env(tools, "tests", RUSTFLAGS=_COVERAGE_FLAGS, LLVM_PROFILE_FILE=str(profiles / "%p-%m.profraw"))
            args = ["cargo", "test", "--offline", "--no-fail-fast", "--message-format=json"]
            done = await run_process(args, copy, env)
            executables, built = own_artifacts(done.stdout, copy)
            try:
                return await self._judged(done, copy, cfg, profiles, executables, profdata, llvm_cov)
            finally:
                remove_artifacts(built)

    async def _judged(self, done, copy, cfg, profiles, executables, profdata, llvm_cov) -> list[GateFinding]:
        if done.returncode != 0:
            failures = [
                GateFinding(
                    "tests",
                    relative(copy, file),
                    int(line),
                    int(col),
                    "test-failed",
                    f"{test} panicked: {_one_line(why)}",
                )
                for test, file, line, col, why in _PANIC.findall(done.stdout + done.stderr)
            ]
            errors = compiler_findings(copy, done.stdout, "tests", ("error",))
            return failures or errors or [whole_run("tests", "tool-error", f"cargo test failed: {done.stderr[-2000:]}")]
        raw = sorted(str(p) for p in profiles.glob("*.profraw"))
        if not raw or not executables:
            return [whole_run("tests", "tool-error", "the tests ran but wrote no coverage profile")]
        merged = profiles / "merged.profdata"
        merge = await run_process([str(profdata), "merge", "-sparse", *raw, "-o", str(merged)], copy, clean_env())
        objects = [executables[0]] + [arg for exe in executables[1:] for arg in ("-object", exe)]
        export = [str(llvm_cov), "export", "-summary-only", f"-instr-profile={merged}", *objects]
        report = await run_process([*export, "--ignore-filename-regex=/\\.cargo/registry|/rustc/"], copy, clean_env())
        if merge.returncode != 0 or report.returncode != 0:
            why = (merge.stderr + report.stderr).strip()[-2000:]
            return [whole_run("tests", "tool-error", f"llvm-cov could not report the coverage: {why}")]
        lines, covered, files = line_coverage(json.loads(report.stdout), copy)
        total = 100.0 * covered / lines if lines else 0.0
        if total < cfg.coverage_threshold:
            least = ", ".join(f"{name} {percent:.1f}%" for name, percent in files[:3])
            message = (
                f"total line coverage {total:.1f}% is below the {cfg.coverage_threshold:g}% threshold "
                f"(least covered: {least})"
            )
            return [whole_run("tests", "coverage", message)]
        return []


def _one_line(text: str) -> str:
    return ", ".join(part.strip() for part in text.splitlines())


def _run(args: list[str], what: str, timeout: float = 1800, env: dict[str, str] | None = None) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=timeout, env=env)  # noqa: S603
    except subprocess.TimeoutExpired:
        raise ToolchainError(f"{what} (`{' '.join(args)}`): no answer in {timeout:g} s") from None
    except OSError as exc:
        raise ToolchainError(f"{what} (`{' '.join(args)}`): {exc}") from None
    if done.returncode != 0:
        raise ToolchainError(f"{what} (`{' '.join(args)}`): {(done.stderr or done.stdout).strip()[-1500:]}")


GATES = RustGates()
