"""Generated projects are real: their own test suites pass with full coverage, ruff- and bandit-clean."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from specloom.core.specs import parse_path
from specloom.templates.generate import render_spec
from specloom.templates.layout import PlanOptions, plan_generation
from specloom.templates.packs import PackError, discover, select
from tests.helpers import EXAMPLES

SPECS = [
    "openapi/bookstore.yaml",
    "openapi/library.yaml",
    "openapi/public/petstore.yaml",
    "openapi/public/petstore-expanded.yaml",
    str(Path(__file__).parent / "specs/same-name-collections.yaml"),
    str(Path(__file__).parent / "specs/pages-and-problems.yaml"),
    str(Path(__file__).parent / "specs/odd-names.yaml"),
    str(Path(__file__).parent / "specs/ids.yaml"),
]
SELECTIONS = [(s, None) for s in SPECS] + [
    ("openapi/bookstore.yaml", ["listBooks"]),
    ("openapi/bookstore.yaml", ["replaceBook", "getAuthor"]),
    ("openapi/library.yaml", ["deleteShelfBook", "getShelf"]),
    ("openapi/library.yaml", ["updateShelf"]),
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


@pytest.mark.parametrize(("spec", "operations"), SELECTIONS)
def test_generated_project_passes_its_own_tests_with_full_coverage(spec: str, operations, tmp_path: Path):
    assert generate(EXAMPLES / spec, tmp_path, operations) == []
    tests = run(["coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider"], tmp_path)
    assert tests.returncode == 0, tests.stdout[-3000:]
    report = run(["coverage", "report", "--fail-under=95"], tmp_path)
    assert report.returncode == 0, report.stdout
    # What a user runs in the delivered project, with its own pyproject.toml: the rules the gate checked.
    lint = run(["ruff", "check", "--no-cache", "."], tmp_path)
    assert lint.returncode == 0, lint.stdout
    fmt = run(["ruff", "format", "--no-cache", "--check", "."], tmp_path)
    assert fmt.returncode == 0, fmt.stdout
    security = run(["bandit", "-q", "-r", ".", "-x", "./tests"], tmp_path)
    assert security.returncode == 0, security.stdout


def test_generated_code_has_no_stubs(tmp_path: Path):
    generate(EXAMPLES / "openapi/bookstore.yaml", tmp_path)
    for path in tmp_path.rglob("*.py"):
        text = path.read_text()
        assert "NotImplementedError" not in text and "TODO" not in text, path
        assert not [line for line in text.splitlines() if line.strip() == "pass"], path


def test_a_nested_collection_without_its_parent_is_refused_with_what_to_add(tmp_path: Path):
    with pytest.raises(PackError, match="add an operation of /shelves"):
        generate(EXAMPLES / "openapi/library.yaml", tmp_path, ["deleteShelfBook"])


@pytest.mark.parametrize(("spec", "operations"), SELECTIONS)
def test_the_plan_names_exactly_the_files_the_pack_renders(spec: str, operations):
    parsed, _ = parse_path(EXAMPLES / spec)
    planned = plan_generation(parsed, PlanOptions(operations=operations))
    rendered = render_spec(select(discover()[0], "python-fastapi"), parsed, operations, {})
    assert sorted(f.path for f in planned.files if f.producer.startswith("template:")) == sorted(
        f.path for f in rendered.files
    )
    by_path = {f.path: f for f in planned.files}
    for f in rendered.files:
        if f.resource:  # a per-resource file comes from its resource's operations, as hovers and gate failures say
            paths = {s.pointer.split("/")[2].replace("~1", "/").replace("~0", "~") for s in by_path[f.path].sources}
            assert paths and all(re.fullmatch(re.escape(f.resource) + r"(/\{[^/]+\})?", p) for p in paths), f.path


def test_a_plan_the_pack_cannot_render_says_why_and_plans_no_template_file():
    parsed, _ = parse_path(EXAMPLES / "openapi/library.yaml")
    planned = plan_generation(parsed, PlanOptions(operations=["deleteShelfBook"]))
    assert not [f for f in planned.files if f.producer.startswith("template:")]
    assert any("add an operation of /shelves" in note for note in planned.notes)
