"""Python's gates: ruff (check and format), bandit, and pytest under coverage."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from specloom.gates.base import (
    Completed,
    GateConfig,
    GateFinding,
    clean_env,
    relative,
    run_process,
    tool_error,
    whole_run,
)

STYLE, SECURITY, TESTS = "style", "security", "tests"
# What the gates run with the interpreter running specloom (the project's own interpreter runs the tests).
_TOOLS = ("ruff", "bandit", "coverage", "pytest")


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
        return [whole_run(STYLE, "tool-error", f"ruff check failed: {(done.stderr or done.stdout).strip()[-2000:]}")]
    return [
        GateFinding(
            STYLE,
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
                    GateFinding(STYLE, current, max(old_line, 1), 1, "format", "ruff format would reformat this file")
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
                findings.append(
                    GateFinding(STYLE, Path(path).as_posix(), int(row), int(col), "invalid-syntax", message)
                )
            elif line.startswith("error:"):
                findings.append(whole_run(STYLE, "tool-error", f"ruff format failed: {line[6:].strip()}"))
    return findings


def bandit_findings(root: Path, done: Completed) -> list[GateFinding]:
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return [tool_error(SECURITY, "bandit", done)]
    findings = [
        GateFinding(
            SECURITY,
            relative(root, issue["filename"]),
            issue["line_number"],
            issue["col_offset"] + 1,
            issue["test_id"],
            f"{issue['issue_text']} (severity {issue['issue_severity']}, confidence {issue['issue_confidence']})",
            "error" if issue["issue_severity"] == "HIGH" else "warning",
        )
        for issue in report.get("results", [])
    ]
    for error in report.get("errors", []):
        message = f"bandit could not scan: {error['reason']}"
        findings.append(
            GateFinding(SECURITY, relative(root, error["filename"]), 0, 0, "bandit-error", message, "warning")
        )
    return findings


MAX_FILES_NAMED = 10
_MISSING = re.compile(r"No module named '?([\w.]+)'?")
_FRAME = re.compile(r"^(\S.*?):(\d+): ", re.MULTILINE)
# Import names whose distribution is called something else on PyPI.
_DISTRIBUTIONS = {
    "yaml": "PyYAML",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "multipart": "python-multipart",
    "jose": "python-jose",
    "jwt": "PyJWT",
    "PIL": "Pillow",
    "bs4": "beautifulsoup4",
    "sklearn": "scikit-learn",
}


def missing_module_findings(output: str, root: Path, python: str) -> list[GateFinding]:
    findings: list[GateFinding] = []
    for module in dict.fromkeys(_MISSING.findall(output)):
        top = module.split(".")[0]
        if (root / top).is_dir() or (root / f"{top}.py").is_file():
            # The project's own module: installing something would not help.
            message = f"the project's module '{module}' cannot be imported: check its __init__.py files and imports"
        else:
            install = f"{python} -m pip install {_DISTRIBUTIONS.get(top, top)}"
            message = f"the test interpreter lacks the module '{module}'; install it with: {install}"
        findings.append(whole_run(TESTS, "missing-module", message))
    return findings


def junit_findings(junit: Path) -> list[GateFinding]:
    """A finding per failing or erroring test, at the deepest line of its traceback inside its own file."""
    findings: list[GateFinding] = []
    for case in ET.parse(junit).iter("testcase"):  # pytest wrote it, into our own temp dir
        for problem in [*case.iter("failure"), *case.iter("error")]:
            file = case.get("file", "")
            text = problem.text or ""
            lines = [int(n) for path, n in _FRAME.findall(text) if path == file]
            line = lines[-1] if lines else int(case.get("line", "0")) + 1  # the "line" attribute is 0-based
            reasons = [raw[1:].strip() for raw in text.splitlines() if raw.startswith("E ")]
            reason = (reasons[0] if reasons else problem.get("message", "")).strip()[:500]
            what = "failed" if problem.tag == "failure" else "errored"
            code = "test-failed" if problem.tag == "failure" else "test-error"
            findings.append(GateFinding(TESTS, file, line, 1, code, f"{file}::{case.get('name')} {what}: {reason}"))
    return findings


def _ranges(lines: list[int]) -> str:
    spans: list[list[int]] = []
    for n in lines:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def coverage_findings(report: dict, threshold: float) -> list[GateFinding]:
    total = report["totals"]["percent_covered"]
    if total >= threshold:
        return []
    low = sorted(
        (info["summary"]["percent_covered"], Path(path).as_posix(), info["missing_lines"])
        for path, info in report["files"].items()
        if info["missing_lines"]  # a fully covered file is no lead, even under an impossible threshold
    )
    named = ", ".join(f"{path} ({percent:.0f}%)" for percent, path, _ in low[:MAX_FILES_NAMED])
    message = f"total line coverage {total:.1f}% is below the {threshold:g}% threshold" + (
        f"; least covered: {named}" if named else ""
    )
    return [whole_run(TESTS, "coverage", message)] + [
        GateFinding(
            TESTS,
            path,
            missing[0] if missing else 1,
            1,
            "coverage",
            f"{percent:.0f}% of lines covered; missing lines {_ranges(missing)}",
        )
        for percent, path, missing in low[:MAX_FILES_NAMED]
    ]


def _failed(tool: str, done: Completed) -> GateFinding:
    return whole_run(
        TESTS, "tool-error", f"{tool} exited with {done.returncode}: {(done.stdout + done.stderr)[-2000:]}"
    )


async def _tests(root: Path, cfg: GateConfig) -> list[GateFinding]:
    python = cfg.python
    with tempfile.TemporaryDirectory(prefix="specloom-tests-") as tmp:
        rcfile, junit, report = Path(tmp, "coveragerc"), Path(tmp, "junit.xml"), Path(tmp, "coverage.json")
        # Our rcfile replaces any coverage config in the tree (an `omit` there could hide untested code);
        # `source` also counts files the tests never import, at 0%.
        rcfile.write_text(f"[run]\nbranch = False\nsource =\n    {root.resolve()}\n")
        env = clean_env(COVERAGE_FILE=str(Path(tmp, "coverage.data")))
        if not cfg.pytest_plugin_autoload:
            env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        pytest = ["-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", "-o", "junit_family=xunit1"]
        done = await run_process([python, "-m", "coverage", "run", f"--rcfile={rcfile}", *pytest], root, env)
        if done.returncode != 0:
            # Only a failed run is searched: a passing suite may print "No module named" (importorskip, say).
            findings = missing_module_findings(done.stdout + done.stderr, root, python)
            if junit.is_file():
                findings += junit_findings(junit)
            if done.returncode == 5:
                findings.append(whole_run(TESTS, "no-tests", "no tests found: pytest collected no tests"))
            return findings or [_failed("pytest", done)]
        if not _json_report_here(python, Path(tmp, "coverage.data"), rcfile, report, root):
            json_args = ["-m", "coverage", "json", f"--rcfile={rcfile}", "-q", "-o", str(report)]
            done = await run_process([python, *json_args], root, env)
            if done.returncode != 0:
                return [_failed("coverage json", done)]
        return coverage_findings(json.loads(report.read_text()), cfg.coverage_threshold)


def _json_report_here(python: str, data_file: Path, rcfile: Path, report: Path, root: Path) -> bool:
    """Write the JSON report in this process when it runs the same interpreter: one process start less."""
    if Path(python).resolve() != Path(sys.executable).resolve():
        return False
    try:
        import coverage

        cov = coverage.Coverage(data_file=str(data_file), config_file=str(rcfile), messages=False)
        cov.load()
        cov.json_report(outfile=str(report))
        # Paths as the subprocess, run inside the project, would have written them.
        data = json.loads(report.read_text())
        base = root.resolve()
        data["files"] = {
            (Path(name).resolve().relative_to(base).as_posix() if Path(name).is_absolute() else name): info
            for name, info in data["files"].items()
        }
        report.write_text(json.dumps(data))
    except Exception:  # noqa: BLE001 - any trouble here falls back to the `coverage json` subprocess
        return False
    return True


class PythonGates:
    language = "python"
    suffixes = (".py",)

    def tool_problem(self, tools: Path) -> str | None:
        missing = [name for name in _TOOLS if importlib.util.find_spec(name) is None]
        if not missing:
            return None
        return (
            f"Python's gate tools {', '.join(missing)} are not installed for {sys.executable}; "
            f"install them with: {sys.executable} -m pip install {' '.join(missing)}"
        )

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        """Nothing to fill: the tools are specloom's own dependencies."""

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        check_args, format_args = ruff_args(cfg)
        env = clean_env()
        lint, fmt = await asyncio.gather(run_process(check_args, root, env), run_process(format_args, root, env))
        return lint_findings(root, lint) + format_findings(fmt)

    async def security(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        with tempfile.TemporaryDirectory(prefix="specloom-bandit-") as tmp:
            # Our own ini replaces a .bandit file in the tree, which could otherwise skip tests.
            ini = Path(tmp, "bandit.ini")
            ini.write_text("[bandit]\n")
            args = [sys.executable, "-m", "bandit", "-r", "-f", "json", "-q", "--severity-level", "medium"]
            done = await run_process([*args, "--ini", str(ini), "."], root, clean_env())
        return bandit_findings(root, done)

    async def tests(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return await _tests(root, cfg)


GATES = PythonGates()
