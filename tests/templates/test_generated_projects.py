"""Generated projects are real: their own test suites pass with full coverage, ruff- and bandit-clean."""

import subprocess
import sys
from pathlib import Path

import pytest

from specloom.core.specs import parse_path
from specloom.templates.generate import render_spec
from specloom.templates.packs import PackError, discover, select
from tests.helpers import EXAMPLES

SPECS = [
    "openapi/bookstore.yaml",
    "openapi/library.yaml",
    "openapi/public/petstore.yaml",
    "openapi/public/petstore-expanded.yaml",
]


def generate(spec_path: Path, target: Path, operations: list[str] | None = None) -> list[str]:
    packs, _ = discover()
    spec, _ = parse_path(spec_path)
    result = render_spec(select(packs, "python-fastapi"), spec, operations, {})
    for f in result.files:
        (target / f.path).parent.mkdir(parents=True, exist_ok=True)
        (target / f.path).write_text(f.content)
    return result.gaps


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "COVERAGE_FILE": str(cwd / ".coverage")},
    )


@pytest.mark.parametrize(
    ("spec", "operations"),
    [(s, None) for s in SPECS]
    + [
        ("openapi/bookstore.yaml", ["listBooks"]),
        ("openapi/bookstore.yaml", ["replaceBook", "getAuthor"]),
        ("openapi/library.yaml", ["deleteShelfBook", "getShelf"]),
        ("openapi/library.yaml", ["updateShelf"]),
    ],
)
def test_generated_project_passes_its_own_tests_with_full_coverage(spec: str, operations, tmp_path: Path):
    assert generate(EXAMPLES / spec, tmp_path, operations) == []
    tests = run(["coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider"], tmp_path)
    assert tests.returncode == 0, tests.stdout[-3000:]
    report = run(["coverage", "report", "--fail-under=95"], tmp_path)
    assert report.returncode == 0, report.stdout
    lint = run(
        [
            "ruff",
            "check",
            "--isolated",
            "--line-length",
            "120",
            "--select",
            "E,F,W,I,B,UP,S",
            "--per-file-ignores",
            "tests/*:S101",
            ".",
        ],
        tmp_path,
    )
    assert lint.returncode == 0, lint.stdout
    fmt = run(["ruff", "format", "--isolated", "--line-length", "120", "--check", "."], tmp_path)
    assert fmt.returncode == 0, fmt.stdout


def test_generated_code_has_no_stubs(tmp_path: Path):
    generate(EXAMPLES / "openapi/bookstore.yaml", tmp_path)
    for path in tmp_path.rglob("*.py"):
        text = path.read_text()
        assert "NotImplementedError" not in text and "TODO" not in text, path
        assert not [line for line in text.splitlines() if line.strip() == "pass"], path


def test_a_nested_collection_without_its_parent_is_refused_with_what_to_add(tmp_path: Path):
    with pytest.raises(PackError, match="add an operation of /shelves"):
        generate(EXAMPLES / "openapi/library.yaml", tmp_path, ["deleteShelfBook"])
