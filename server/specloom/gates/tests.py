"""Tests gate: the project's pytest suite passes under coverage, and total line coverage meets the threshold."""

from __future__ import annotations

import asyncio
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
    GateResult,
    clean_env,
    guarded,
    project_files,
    run_process,
    skipped,
    whole_run,
)

NAME = "tests"
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
        findings.append(whole_run(NAME, "missing-module", message))
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
            findings.append(GateFinding(NAME, file, line, 1, code, f"{file}::{case.get('name')} {what}: {reason}"))
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
    return [whole_run(NAME, "coverage", message)] + [
        GateFinding(
            NAME,
            path,
            missing[0] if missing else 1,
            1,
            "coverage",
            f"{percent:.0f}% of lines covered; missing lines {_ranges(missing)}",
        )
        for percent, path, missing in low[:MAX_FILES_NAMED]
    ]


def _failed(tool: str, done: Completed) -> GateFinding:
    return whole_run(NAME, "tool-error", f"{tool} exited with {done.returncode}: {(done.stdout + done.stderr)[-2000:]}")


async def _check(root: Path, cfg: GateConfig) -> list[GateFinding]:
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
                findings.append(whole_run(NAME, "no-tests", "pytest collected no tests"))
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


class TestsGate:
    name = NAME
    __test__ = False  # not a pytest test class, despite the name

    async def run(self, root: Path, cfg: GateConfig, cancel: asyncio.Event | None) -> GateResult:
        if next(project_files(root, (".py",)), None) is None:
            return skipped(self.name, "no Python files")
        return await guarded(self.name, cfg, cancel, _check(root, cfg))
