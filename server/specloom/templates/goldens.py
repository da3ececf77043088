"""Golden tests of template packs: render each case's spec and compare with its reviewed output.

A case is `<pack>/<version>/tests/<case>/spec.yaml` (optionally `variables.toml`) and
`expected/`, the reviewed files. `update=True` rewrites `expected/` for review in a diff.
"""

from __future__ import annotations

import difflib
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from specloom.templates.packs import Pack


@dataclass(slots=True)
class CaseResult:
    pack: str
    case: str
    passed: bool
    differences: list[str] = field(default_factory=list)


def render_case(pack: Pack, case: Path) -> dict[str, str]:
    from specloom.core.specs import parse_path
    from specloom.templates.generate import render_spec

    spec_file = next(p for p in sorted(case.iterdir()) if p.name.startswith("spec."))
    variables_file = case / "variables.toml"
    variables = tomllib.loads(variables_file.read_text("utf-8")) if variables_file.is_file() else {}
    spec, _ = parse_path(spec_file)
    rendered = render_spec(pack, spec, None, variables)
    return {f.path: f.content for f in rendered.files}


def run_case(pack: Pack, case: Path, update: bool = False) -> CaseResult:
    actual = render_case(pack, case)
    expected_dir = case / "expected"
    if update:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for path, content in actual.items():
            target = expected_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        return CaseResult(pack.ref, case.name, True)
    expected = {str(p.relative_to(expected_dir)): p.read_text("utf-8") for p in expected_dir.rglob("*") if p.is_file()}
    diffs: list[str] = []
    for path in sorted(set(actual) | set(expected)):
        if path not in actual:
            diffs.append(f"{path}: expected but not rendered")
        elif path not in expected:
            diffs.append(f"{path}: rendered but not in the reviewed output")
        elif actual[path] != expected[path]:
            diff = difflib.unified_diff(
                expected[path].splitlines(),
                actual[path].splitlines(),
                f"expected/{path}",
                f"rendered/{path}",
                lineterm="",
                n=1,
            )
            diffs.append("\n".join(list(diff)[:40]))
    return CaseResult(pack.ref, case.name, not diffs, diffs)


def run_pack(pack: Pack, update: bool = False) -> list[CaseResult]:
    return [run_case(pack, case, update) for case in pack.golden_cases()]
