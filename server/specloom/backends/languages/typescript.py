"""TypeScript's gates: tsc (strict; TypeScript 7's native compiler), ESLint (+ typescript-eslint,
+ eslint-plugin-security), Prettier and Vitest with V8 coverage, all run from a prepared toolchain folder with
configs the gate owns.

The toolchain is `npm ci` from a committed package.json + package-lock.json (a pack's `toolchain/`, or
`typescript_toolchain/` beside this module for TypeScript without a pack), so a gate run never downloads.
For a run, the checked tree gets a `node_modules` symlink to the toolchain's, removed afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from specloom.gates.base import GateConfig, GateFinding, clean_env, project_files, relative, run_process, whole_run
from specloom.toolchains import ToolchainError

DEFAULT_TOOLCHAIN = Path(__file__).resolve().parent / "typescript_toolchain"
# The style gate's type checker: TypeScript 7's native tsc (about 5x less CPU than 5.9's here), installed into
# `<tools>/typecheck` beside the toolchain, whose TypeScript 5.9 stays the one typescript-eslint drives.
TYPECHECK_TOOLCHAIN = Path(__file__).resolve().parent / "typescript_typecheck"
TYPECHECK_TSC = Path("typecheck", "node_modules", "typescript", "bin", "tsc")
SUFFIXES = (".ts", ".mts", ".cts", ".tsx")
TEST_SUFFIXES = tuple(f".{kind}{suffix}" for kind in ("test", "spec") for suffix in SUFFIXES)
# What each tool is, as a file inside the toolchain's node_modules.
TOOLS = {
    "typescript": "typescript/bin/tsc",
    "eslint": "eslint/bin/eslint.js",
    "@eslint/js": "@eslint/js/package.json",
    "typescript-eslint": "typescript-eslint/package.json",
    "eslint-plugin-security": "eslint-plugin-security/package.json",
    "prettier": "prettier/bin/prettier.cjs",
    "vitest": "vitest/vitest.mjs",
    "@vitest/coverage-v8": "@vitest/coverage-v8/package.json",
    "@types/node": "@types/node/package.json",
}
STAMP = ".specloom-prepared"
_TSC = re.compile(r"^(?P<file>.+?)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<msg>.*)$", re.MULTILINE)
_PRETTIER = re.compile(r"^\[warn\] (?P<file>.+\.[cm]?tsx?)$", re.MULTILINE)
_ENV = {"NODE_OPTIONS": "", "NO_COLOR": "1", "FORCE_COLOR": "0", "CI": "1"}


def _prepare_command(tools: Path) -> str:
    """How a user fills `tools`: a pack's folder is `<pack>@<version>`, a language default `typescript@<specloom>`."""
    name = tools.name.split("@", 1)[0]
    return (
        "specloom templates prepare --language typescript"
        if name == "typescript"
        else f"specloom templates prepare {name}"
    )


def _node_binary() -> str:
    return shutil.which("node") or "node"


def _node(tools: Path, tool: str) -> list[str]:
    return [_node_binary(), str(tools / "node_modules" / TOOLS[tool])]


def _typecheck(tools: Path) -> list[str]:
    """TypeScript 7's native tsc itself where its platform package is installed (no Node process in front of it);
    else the package's Node launcher, which finds it."""
    machine = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64"}.get(platform.machine().lower(), platform.machine())
    modules = tools / TYPECHECK_TSC.parents[2]  # the typecheck folder's node_modules
    native = modules / "@typescript" / f"typescript-{sys.platform}-{machine}" / "lib" / "tsc"
    if native.is_file() and os.access(native, os.X_OK):
        return [str(native)]
    return [_node_binary(), str(tools / TYPECHECK_TSC)]


def prettier_args(tools: Path, args: list[str]) -> list[str]:
    """prettier with its defaults: no project's config or .editorconfig changes the layout checked."""
    return [*_node(tools, "prettier"), "--no-config", "--no-editorconfig", *args]


_linked: dict[Path, int] = {}


@contextlib.contextmanager
def _node_modules(root: Path, tools: Path) -> Iterator[None]:
    """`root/node_modules` -> the toolchain's, for the gates running at once on `root`; removed after the last.
    A tree that has its own node_modules keeps it."""
    link = root / "node_modules"
    if not _linked.get(link) and (link.exists() or link.is_symlink()):
        yield
        return
    if not _linked.get(link):
        link.symlink_to(tools / "node_modules", target_is_directory=True)
    _linked[link] = _linked.get(link, 0) + 1
    try:
        yield
    finally:
        _linked[link] -= 1
        if not _linked[link]:
            del _linked[link]
            link.unlink(missing_ok=True)


def _tsconfig(root: Path, tools: Path, folder: Path) -> Path:
    """The gate's own strict tsconfig over every TypeScript file of `root`: a project's cannot loosen it."""
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "target": "ES2022",
            "module": "NodeNext",
            "moduleResolution": "NodeNext",
            "esModuleInterop": True,
            "skipLibCheck": True,
            "noFallthroughCasesInSwitch": True,
            "noImplicitReturns": True,
            "forceConsistentCasingInFileNames": True,
            "typeRoots": [str(tools / "node_modules" / "@types")],
            "types": ["node"],
        },
        "include": [str(root / "**" / f"*{suffix}") for suffix in SUFFIXES],
        "exclude": [str(root / "node_modules"), str(root / "dist")],
    }
    path = folder / "tsconfig.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def _eslint_config(tools: Path, folder: Path) -> Path:
    """Flat config: eslint + typescript-eslint recommended (the style gate's rules) and eslint-plugin-security's
    recommended rules (the security gate's), in one run whose findings the two gates split by rule. Imports are
    the toolchain's files, so nothing of the project is loaded. Not the type-checked set: it builds a second
    TypeScript program beside tsc's (about 8 s more per run here), and tsc checks types."""
    modules = tools / "node_modules"

    def url(package: str) -> str:
        return json.dumps((modules / package).as_uri())

    body = (
        f"import js from {url('@eslint/js/src/index.js')};\n"
        f"import tseslint from {url('typescript-eslint/dist/index.js')};\n"
        f"import security from {url('eslint-plugin-security/index.js')};\n"
        "export default tseslint.config(\n"
        "  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**'] },\n"
        "  { files: ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.tsx'], extends: [js.configs.recommended, "
        "...tseslint.configs.recommended] },\n"
        "  security.configs.recommended,\n"
        ");\n"
    )
    path = folder / "eslint.config.mjs"
    path.write_text(body, encoding="utf-8")
    return path


_SECURITY_RULE = "security/"
_lint_runs: dict[tuple[Path, str], asyncio.Future] = {}


async def _eslint(root: Path, tools: Path, files: list[Path]):
    """One ESLint run per tree content, shared by the style and security gates that ask for it at once."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    key = (root, f"{tools}:{digest.hexdigest()}")
    if key not in _lint_runs:
        while len(_lint_runs) >= 8:
            del _lint_runs[next(iter(_lint_runs))]
        _lint_runs[key] = asyncio.ensure_future(_run_eslint(root, tools, files))
    return await _lint_runs[key]


async def _run_eslint(root: Path, tools: Path, files: list[Path]):
    with tempfile.TemporaryDirectory(prefix="specloom-ts-") as tmp, _node_modules(root, tools):
        config = _eslint_config(tools, Path(tmp))
        names = [str(p.relative_to(root)) for p in files]
        args = [*_node(tools, "eslint"), "--no-config-lookup", "-c", str(config), "-f", "json", *names]
        return await run_process(args, root, clean_env(**_ENV))


def _eslint_findings(gate: str, root: Path, lint) -> list[GateFinding]:
    """The gate's share of the ESLint run's messages: the security plugin's rules (warnings in its config, errors
    here) to security, the rest to style."""
    try:
        reports = json.loads(lint.stdout)
    except ValueError:
        why = f"ESLint did not run (exit {lint.returncode}): {lint.stderr.strip()[-800:]}"
        return [whole_run(gate, "eslint-error", why)]
    return [
        GateFinding(
            gate,
            relative(root, report["filePath"]),
            int(message.get("line") or 0),
            int(message.get("column") or 0),
            message.get("ruleId") or "eslint-parse",
            message.get("message", ""),
            "error" if gate == "security" or message.get("severity") == 2 or message.get("fatal") else "warning",
        )
        for report in reports
        for message in report.get("messages", [])
        if (gate == "security") == (message.get("ruleId") or "").startswith(_SECURITY_RULE)
    ]


def _files(root: Path) -> list[Path]:
    return [p for p in project_files(root, SUFFIXES) if "node_modules" not in p.relative_to(root).parts]


def _npm_ci(npm: str, folder: Path, manifests: list[Path]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in manifests:
        shutil.copyfile(path, folder / path.name)
    # --ignore-scripts: no package's install script runs; the tools need none.
    args = [npm, "ci", "--no-fund", "--no-audit", "--ignore-scripts", "--loglevel=error"]
    try:
        done = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolchainError(f"`npm ci` in {folder} could not run: {exc}") from exc
    if done.returncode != 0:
        raise ToolchainError(f"`npm ci` in {folder} failed (exit {done.returncode}): {done.stderr.strip()[-1500:]}")


class TypeScriptGates:
    language = "typescript"
    suffixes = SUFFIXES

    def tool_problem(self, tools: Path) -> str | None:
        if shutil.which("node") is None:
            return "node is not on PATH: install Node.js 20 or newer (e.g. apt-get install nodejs npm)"
        missing = [tool for tool, path in TOOLS.items() if not (tools / "node_modules" / path).is_file()]
        if not (tools / TYPECHECK_TSC).is_file():
            missing.append("typescript 7 (the type checker)")
        if missing:
            return (
                f"the TypeScript toolchain {tools} lacks {', '.join(missing)}; "
                f"install it with: {_prepare_command(tools)}"
            )
        return None

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        source = pack_toolchain or DEFAULT_TOOLCHAIN
        manifests = [source / "package.json", source / "package-lock.json"]
        if not all(p.is_file() for p in manifests):
            raise ToolchainError(f"{source} needs package.json and package-lock.json to prepare the TypeScript tools")
        typecheck = [TYPECHECK_TOOLCHAIN / p.name for p in manifests]
        digest = hashlib.sha256(b"".join(p.read_bytes() for p in manifests + typecheck)).hexdigest()
        stamp = tools / STAMP
        if stamp.is_file() and stamp.read_text("utf-8") == digest and self.tool_problem(tools) is None:
            return
        npm = shutil.which("npm")
        if npm is None:
            raise ToolchainError("npm is not on PATH: install Node.js 20 and npm (e.g. apt-get install nodejs npm)")
        for folder, sources in ((tools, manifests), (tools / TYPECHECK_TSC.parts[0], typecheck)):
            _npm_ci(npm, folder, sources)
        problem = self.tool_problem(tools)
        if problem:
            raise ToolchainError(problem)
        stamp.write_text(digest, encoding="utf-8")

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        """Types (TypeScript 7 tsc, strict), lint (typescript-eslint recommended) and layout (prettier --check)."""
        files = _files(root)
        if not files:
            return []
        env = clean_env(**_ENV)
        with tempfile.TemporaryDirectory(prefix="specloom-ts-") as tmp, _node_modules(root, tools):
            folder = Path(tmp)
            tsconfig = _tsconfig(root, tools, folder)
            names = [str(p.relative_to(root)) for p in files]
            tsc, lint, fmt = await asyncio.gather(
                # One thread: the three gates run at once, and on few cores the checker's threads only add CPU.
                run_process(
                    [*_typecheck(tools), "-p", str(tsconfig), "--pretty", "false", "--singleThreaded"], root, env
                ),
                _eslint(root, tools, files),
                run_process(
                    [*_node(tools, "prettier"), "--check", "--no-config", "--no-editorconfig", *names], root, env
                ),
            )
        findings = [
            GateFinding("style", relative(root, m["file"]), int(m["line"]), int(m["col"]), m["code"], m["msg"])
            for m in _TSC.finditer(tsc.stdout)
        ]
        if tsc.returncode != 0 and not findings:
            findings.append(whole_run("style", "tsc-error", f"tsc failed: {(tsc.stdout + tsc.stderr).strip()[-800:]}"))
        findings += _eslint_findings("style", root, lint)
        unformatted = _PRETTIER.findall(fmt.stdout + fmt.stderr)
        findings += [
            GateFinding(
                "style",
                relative(root, f),
                1,
                1,
                "prettier",
                "not formatted as prettier lays it out; run prettier --write",
            )
            for f in unformatted
        ]
        if fmt.returncode not in (0, 1) or (fmt.returncode == 1 and not unformatted):
            findings.append(whole_run("style", "prettier-error", f"prettier failed: {fmt.stderr.strip()[-800:]}"))
        return findings

    async def security(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        """eslint-plugin-security's recommended rules over every TypeScript file."""
        files = _files(root)
        if not files:
            return []
        return _eslint_findings("security", root, await _eslint(root, tools, files))

    async def tests(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        """Vitest over `*.test.ts`/`*.spec.ts` with V8 line coverage of every other TypeScript file."""
        files = _files(root)
        if not files:
            return []
        if not any(p.name.endswith(TEST_SUFFIXES) for p in files):
            return [whole_run("tests", "no-tests", "no TypeScript test file (*.test.ts or *.spec.ts) was found")]
        with tempfile.TemporaryDirectory(prefix="specloom-ts-") as tmp, _node_modules(root, tools):
            folder = Path(tmp)
            config = folder / "vitest.config.mjs"
            config.write_text(_vitest_config(root, folder), encoding="utf-8")
            results = folder / "results.json"
            args = [
                *_node(tools, "vitest"),
                "run",
                "--config",
                str(config),
                "--reporter=json",
                f"--outputFile={results}",
            ]
            done = await run_process(args, root, clean_env(**_ENV))
            summary = folder / "coverage" / "coverage-summary.json"
            findings = _test_findings(root, results, done)
            if not summary.is_file():
                return findings or [
                    whole_run("tests", "no-coverage", f"Vitest wrote no coverage report: {_tail(done)}")
                ]
            total = json.loads(summary.read_text("utf-8")).get("total", {}).get("lines", {})
        pct = float(total.get("pct", 0) if isinstance(total.get("pct"), (int, float)) else 0)
        if pct < cfg.coverage_threshold:
            findings.append(
                whole_run(
                    "tests",
                    "coverage",
                    f"line coverage {pct:.1f}% is below the threshold of {cfg.coverage_threshold:g}% "
                    f"({total.get('covered', 0)} of {total.get('total', 0)} lines)",
                )
            )
        return findings


def _vitest_config(root: Path, folder: Path) -> str:
    test = {
        "root": str(root),
        "include": [f"**/*{suffix}" for suffix in TEST_SUFFIXES],
        "exclude": ["**/node_modules/**", "**/dist/**"],
        "includeTaskLocation": True,
        "watch": False,
        "coverage": {
            "enabled": True,
            "provider": "v8",
            "reporter": ["json-summary"],
            "reportsDirectory": str(folder / "coverage"),
            "include": [f"**/*{suffix}" for suffix in SUFFIXES],
            "exclude": ["**/node_modules/**", "**/dist/**", *(f"**/*{suffix}" for suffix in TEST_SUFFIXES)],
        },
    }
    return f"export default {{ cacheDir: {json.dumps(str(folder / 'cache'))}, test: {json.dumps(test)} }};\n"


def _tail(done) -> str:
    return (done.stdout + done.stderr).strip()[-800:]


def _test_findings(root: Path, results: Path, done) -> list[GateFinding]:
    if not results.is_file():
        return [whole_run("tests", "tests-error", f"Vitest did not run (exit {done.returncode}): {_tail(done)}")]
    report = json.loads(results.read_text("utf-8"))
    findings = []
    for suite in report.get("testResults", []):
        file = relative(root, suite.get("name", ""))
        failed = [a for a in suite.get("assertionResults", []) if a.get("status") == "failed"]
        for case in failed:
            where = case.get("location") or {}
            reason = " ".join((case.get("failureMessages") or [""])[0].split())[:500]
            findings.append(
                GateFinding(
                    "tests",
                    file,
                    int(where.get("line") or 0),
                    int(where.get("column") or 0),
                    "test-failed",
                    f"{file} > {case.get('fullName', '')} failed: {reason}",
                )
            )
        if suite.get("status") == "failed" and not failed:
            message = " ".join(str(suite.get("message", "")).split())[:500]
            findings.append(GateFinding("tests", file, 0, 0, "test-error", f"{file} could not run: {message}"))
    if done.returncode != 0 and not findings:
        findings.append(whole_run("tests", "tests-error", f"Vitest failed (exit {done.returncode}): {_tail(done)}"))
    return findings


GATES = TypeScriptGates()
