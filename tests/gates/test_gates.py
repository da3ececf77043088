"""The gates on small real projects: real ruff, bandit, detect-secrets, coverage and pytest runs."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from specloom.backends.languages.python import format_findings
from specloom.gates import GateConfig, run_gates, run_gates_sync
from specloom.gates.base import Completed
from specloom.gates.security import SecurityGate
from specloom.gates.style import StyleGate
from specloom.gates.syntax import SyntaxGate
from specloom.gates.tests import TestsGate

AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE"  # split so scanners of this repository do not flag it


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


CLEAN = {
    "calc/__init__.py": "",
    "calc/ops.py": dedent('''
        """Arithmetic helpers."""


        def add(a: int, b: int) -> int:
            return a + b


        def clamp(value: int, low: int, high: int) -> int:
            if value < low:
                return low
            if value > high:
                return high
            return value
    '''),
    "tests/test_ops.py": dedent("""
        from calc.ops import add, clamp


        def test_add():
            assert add(2, 3) == 5


        def test_clamp():
            assert clamp(-1, 0, 10) == 0
            assert clamp(11, 0, 10) == 10
            assert clamp(5, 0, 10) == 5
    """),
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1.0"\n',
    "config.yaml": "name: calc\nlimits:\n  low: 0\n  high: 10\n",
    "data.json": '{"values": [1, 2, 3]}\n',
}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def tree(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*")}


def places(result, code: str | None = None) -> list[tuple[str, int]]:
    return [(f.file, f.line) for f in result.findings if code is None or f.code == code]


def run_one(gate, root: Path, cfg: GateConfig | None = None):
    return run_gates_sync(root, cfg or GateConfig(), [gate])[0]


def gone_soon(root: Path) -> bool:
    """Nothing left alive in `root` within 2 s: a killed process leaves /proc a moment after SIGKILL."""
    for _ in range(40):
        if not alive_in(root):
            return True
        time.sleep(0.05)
    return False


def alive_in(root: Path) -> list[int]:
    """Processes (not zombies) whose working directory is `root`: what a gate started there and left behind."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.readlink(entry / "cwd") == str(root):
                    pids.append(int(entry.name))
            except OSError:
                continue  # gone, a zombie, or not ours to read
    return pids


linux_only = pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="reads /proc")


@pytest.mark.slow
def test_clean_project_passes_every_gate_and_nothing_is_written_into_it(tmp_path: Path):
    root = write(tmp_path / "proj", CLEAN)
    before = tree(root)
    results = run_gates_sync(root)
    assert [r.name for r in results] == ["syntax", "style", "security", "tests"]
    for result in results:
        assert result.passed, (result.name, result.findings)
        assert not result.timed_out and result.skipped_reason is None
        assert [f for f in result.findings if f.severity == "error"] == []
    assert tree(root) == before


def test_syntax_errors_name_file_and_line(tmp_path: Path):
    root = write(
        tmp_path,
        {
            "ok.py": "x = 1\n",
            "pkg/bad.py": "def f(:\n    return 1\n",
            "outside.py": "return 1\n",  # parses, but only compile() rejects it
            "conf.json": '{\n  "a": 1,\n}\n',
            "conf.toml": "[tool]\nname = \n",
            "conf.yaml": "a: 1\nb: [1, 2\n",
            "web/app.ts": "export const ok: number = 1;\n",
            "web/bad.ts": "const a = 1;\nfunction f( {\n",
            "src/main.rs": "fn main() {\n    let x = ;\n}\n",
        },
    )
    result = run_one(SyntaxGate(), root)
    assert not result.passed
    found = dict(places(result))
    assert found["pkg/bad.py"] == 1 and found["outside.py"] == 1
    assert found["conf.json"] == 3 and found["conf.toml"] == 2
    assert found["src/main.rs"] == 2 and found["web/bad.ts"] == 2
    assert "conf.yaml" in found and "ok.py" not in found and "web/app.ts" not in found


def test_style_reports_lint_and_format_with_places_and_ignores_the_trees_config(tmp_path: Path):
    root = write(
        tmp_path,
        {
            "app.py": "import os\n\n\ndef f():\n    return 1\n",
            "ugly.py": "def g( a ):\n    return a\n",
            # a generated tree cannot weaken the rules
            "pyproject.toml": '[tool.ruff]\nexclude = ["*"]\n[tool.ruff.lint]\nignore = ["F401"]\n',
            "tests/test_app.py": "from app import f\n\n\ndef test_f():\n    assert f() == 1\n",
        },
    )
    result = run_one(StyleGate(), root)
    assert not result.passed
    assert ("app.py", 1) in places(result, "F401")
    assert places(result, "format") == [("ugly.py", 1)]
    assert places(result, "S101") == []  # asserts are fine in tests


def test_format_diff_parsing_uses_hunk_counts():
    diff = textwrap.dedent(
        """\
        --- a.py
        +++ a.py
        @@ -3,3 +3,3 @@
         x = 1
        --- not a header, a removed line
        +-- replaced
         y = 2
        --- b.py
        +++ b.py
        @@ -1 +1 @@
        -y=1
        +y = 1
        \\ No newline at end of file
        """
    )
    findings = format_findings(Completed(1, diff, ""))
    assert [(f.file, f.line) for f in findings] == [("a.py", 4), ("b.py", 1)]


def test_security_fails_on_high_severity_and_warns_on_medium(tmp_path: Path):
    root = write(
        tmp_path,
        {
            "run.py": "import subprocess\n\n\ndef go(x):\n    return subprocess.call(x, shell=True)\n",
            "calc.py": "def calc():\n    return eval(input())\n",
            ".bandit": "[bandit]\nskips = B602,B307\n",  # ignored: the gate brings its own settings
        },
    )
    result = run_one(SecurityGate(), root)
    assert not result.passed
    errors = {(f.file, f.line, f.code) for f in result.findings if f.severity == "error"}
    warnings = {(f.file, f.line, f.code) for f in result.findings if f.severity == "warning"}
    assert errors == {("run.py", 5, "B602")}
    assert warnings == {("calc.py", 2, "B307")}
    style = run_one(StyleGate(), root)  # eval() is MEDIUM to bandit, but the style gate's S307 fails it
    assert ("calc.py", 2) in places(style, "S307")


def test_security_fails_on_a_hard_coded_key(tmp_path: Path):
    root = write(
        tmp_path,
        {
            "settings.py": f'REGION = "eu-west-1"\nAWS_ACCESS_KEY_ID = "{AWS_KEY}"  # pragma: allowlist secret\n',
            "notes.txt": f"key {AWS_KEY}\n",
        },
    )
    result = run_one(SecurityGate(), root)
    assert not result.passed
    assert set(places(result, "secret")) == {("notes.txt", 1), ("settings.py", 2)}
    assert any("AWS Access Key" in f.message for f in result.findings)


@pytest.mark.slow
def test_failing_test_is_named_with_file_and_line(tmp_path: Path):
    files = dict(CLEAN)
    files["tests/test_ops.py"] += "\n\ndef test_wrong():\n    total = add(1, 1)\n    assert total == 3\n"
    root = write(tmp_path, files)
    result = run_one(TestsGate(), root)
    assert not result.passed
    [failure] = result.findings
    line = files["tests/test_ops.py"].splitlines().index("    assert total == 3") + 1
    assert (failure.file, failure.line, failure.code) == ("tests/test_ops.py", line, "test-failed")
    assert "test_wrong" in failure.message and "assert 2 == 3" in failure.message


@pytest.mark.slow
def test_missing_package_names_the_module_and_the_install_command(tmp_path: Path):
    root = write(tmp_path, {"tests/test_x.py": "import no_such_pkg_for_specloom\n\n\ndef test_x():\n    pass\n"})
    result = run_one(TestsGate(), root)
    assert not result.passed
    [missing] = [f for f in result.findings if f.code == "missing-module"]
    assert "'no_such_pkg_for_specloom'" in missing.message
    assert f"{sys.executable} -m pip install no_such_pkg_for_specloom" in missing.message
    assert ("tests/test_x.py", 1) in places(result, "test-error")


@pytest.mark.slow
def test_coverage_below_threshold_names_missing_lines(tmp_path: Path):
    files = dict(CLEAN)
    files["calc/extra.py"] = dedent("""
        def table(n):
            rows = []
            for i in range(n):
                rows.append([i * j for j in range(n)])
            return rows


        def describe(rows):
            size = len(rows)
            if size == 0:
                return "empty"
            return f"{size} rows"
    """)
    root = write(tmp_path, files)
    failed = run_one(TestsGate(), root, GateConfig(coverage_threshold=95))
    assert not failed.passed
    total = failed.findings[0]
    assert total.file == "" and "below the 95% threshold" in total.message and "calc/extra.py (0%)" in total.message
    [extra] = [f for f in failed.findings if f.file == "calc/extra.py"]
    assert extra.line == 1 and extra.message.endswith("missing lines 1-5, 8-12")
    passed = run_one(TestsGate(), root, GateConfig(coverage_threshold=50))
    assert passed.passed and passed.findings == []


SLEEPY_TEST = dedent("""
    import subprocess
    import time
    from pathlib import Path


    def test_sleeps():
        child = subprocess.Popen(["sleep", "60"])
        Path({pids!r}).write_text(f"{{child.pid}}")
        time.sleep(60)
""")


@linux_only
def test_timeout_fails_the_gate_and_kills_its_processes(tmp_path: Path):
    root = write(tmp_path / "proj", {"tests/test_slow.py": SLEEPY_TEST.format(pids=str(tmp_path / "pids"))})
    cfg = GateConfig(timeouts={"tests": 2})
    start = time.perf_counter()
    result = run_one(TestsGate(), root, cfg)
    assert time.perf_counter() - start < 10
    assert result.timed_out and not result.passed
    assert [f.message for f in result.findings] == ["gate tests exceeded its 2 s budget"]
    assert gone_soon(root)


@linux_only
@pytest.mark.slow
def test_cancel_stops_every_gate_and_kills_grandchildren(tmp_path: Path):
    pid_file = tmp_path / "pids"
    root = write(tmp_path / "proj", {**CLEAN, "tests/test_slow.py": SLEEPY_TEST.format(pids=str(pid_file))})

    async def scenario():
        cancel = asyncio.Event()
        running = asyncio.ensure_future(run_gates(root, GateConfig(), cancel=cancel))
        for _ in range(2400):  # the sleeping test has started its own child (slow under coverage on a busy machine)
            if pid_file.exists() and pid_file.read_text():
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the gate's sleeping test never started")
        cancel.set()
        cancelled_at = time.perf_counter()
        results = await running
        return results, time.perf_counter() - cancelled_at

    results, after_cancel = asyncio.run(scenario())
    assert after_cancel < 2
    by_name = {r.name: r for r in results}
    assert by_name["tests"].skipped_reason == "cancelled" and not by_name["tests"].passed
    assert not any(r.timed_out for r in results)
    assert pid_file.read_text()  # the test's own child existed, and like everything else the gate started it is gone
    assert gone_soon(root)


def test_cancel_before_start_returns_at_once(tmp_path: Path):
    root = write(tmp_path, CLEAN)

    async def scenario():
        cancel = asyncio.Event()
        cancel.set()
        return await run_gates(root, cancel=cancel)

    start = time.perf_counter()
    results = asyncio.run(scenario())
    assert time.perf_counter() - start < 2
    assert [(r.passed, r.skipped_reason) for r in results] == [(False, "cancelled")] * 4


def test_tree_without_code_has_no_style_or_tests_to_check(tmp_path: Path):
    root = write(tmp_path, {"README.md": "# hello\n", "config.yaml": "a: 1\n"})
    results = {r.name: r for r in run_gates_sync(root)}
    assert results["style"].skipped_reason == results["tests"].skipped_reason == "no code of a gated language"
    assert all(r.passed for r in results.values())
