"""Specloom's own line coverage per package, from the combined data of `make test`; fails under the floor.

The floor is `[tool.coverage.report] fail_under` in pyproject.toml: the level reached, so it can only rise.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "server" / "specloom"


def main() -> int:
    cov = coverage.Coverage(config_file=str(ROOT / "pyproject.toml"), data_file=str(ROOT / ".coverage"))
    cov.load()
    statements: dict[str, int] = defaultdict(int)
    missing: dict[str, int] = defaultdict(int)
    measured = {Path(m).resolve() for m in cov.get_data().measured_files()}
    for path in sorted(PACKAGE.rglob("*.py")):  # the packs link is not followed: templates are not code
        parts = path.relative_to(PACKAGE).parts
        package = f"specloom/{parts[0]}" if len(parts) > 1 else "specloom (top-level modules)"
        _, lines, _, missed, _ = cov.analysis2(str(path))
        statements[package] += len(lines)
        missing[package] += len(missed) if path in measured else len(lines)  # never imported: all missed
    print("Specloom's own line coverage, per package:")
    for package in sorted(statements):
        total = statements[package]
        covered = total - missing[package]
        print(f"  {package:<32} {100 * covered / total if total else 100:5.1f}%  ({covered}/{total} lines)")
    total = sum(statements.values())
    covered = total - sum(missing.values())
    percent = 100 * covered / total if total else 100.0
    floor = float(cov.get_option("report:fail_under") or 0)
    print(f"  {'total':<32} {percent:5.1f}%  ({covered}/{total} lines; floor {floor:g}%)")
    if round(percent, 1) < floor:
        print(f"coverage {percent:.1f}% is under the floor of {floor:g}% (pyproject.toml fail_under)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
