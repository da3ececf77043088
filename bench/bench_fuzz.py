"""Benchmark: the spec fuzzer at scale. Random valid CRUD specs through `specloom generate` with every gate.

Run: .venv/bin/python bench/bench_fuzz.py [--examples 500] [--seed N] [--failures DIR] [--shrink K]
Prints one line per spec (outcome, seconds, first finding), then the counts delivered / refused / failed,
the failures grouped by their first finding's gate and code, the failing specs per finding kind anywhere in
their reports (what the first finding hides), and the wall time. Each failing spec is
written to DIR (default .fuzz-failures/) as YAML with its findings in a leading comment. --shrink K
shrinks the first failure of each of K finding kinds to a minimal spec (slow: every step runs the gates)
and writes it as DIR/shrunk-<kind>.yaml, ready to become a regression spec in tests/templates/specs/.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, find, given, seed, settings  # noqa: E402
from tests.templates.spec_strategies import crud_specs  # noqa: E402
from tests.templates.test_spec_fuzzer import as_yaml, generate, verdict  # noqa: E402


def kind_of(problem: str) -> str:
    """A failure's first finding without its file and line: `gate code`, so alike failures count together."""
    first = problem.split("\n", 1)[0]
    found = re.search(r": (\w[\w-]*): \S*?:\d+: (\S+)", first)
    return f"{found.group(1)} {found.group(2)}" if found else first[:60]


def finding_kind(finding: str) -> str:
    """`gate code` of one gate finding; a failed generated test adds its exception (KeyError, NameError, ...)."""
    found = re.match(r"(\w[\w-]*): \S*?:\d+: (\S+)(.*)", finding)
    if not found:
        return finding[:60]
    gate, code, rest = found.groups()
    error = re.search(r" failed: ([\w.]+(?:Error|Exception)\b|AssertionError)", rest) if code == "test-failed" else None
    return f"{gate} {code}" + (f" {error.group(1).rsplit('.', 1)[-1]}" if error else "")


def run(spec: dict) -> tuple[str, str | None, float, set[str]]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        result = generate(spec, Path(tmp))
    problem = verdict(spec, result)
    every = {finding_kind(f) for f in result.findings} if problem else set()
    return result.outcome, problem, time.perf_counter() - started, every


def specs(count: int, random_seed: int) -> list[dict]:
    """`count` independent specs: one short run per seed, since the examples of one run are mutations of each other."""
    drawn: list[dict] = []
    batch: list[dict] = []

    @given(crud_specs())
    @settings(
        max_examples=5, database=None, phases=(Phase.generate,), deadline=None, suppress_health_check=list(HealthCheck)
    )
    def collect(spec):
        batch.append(spec)

    for n in range(count):
        batch.clear()
        seed(random_seed + n)(collect)()
        drawn.append(batch[-1])
    return drawn


def shrink(kind: str, failures: Path, budget: int) -> None:
    def same_failure(spec: dict) -> bool:
        _, problem, _, _ = run(spec)
        return problem is not None and kind_of(problem) == kind

    started = time.perf_counter()
    minimal = find(crud_specs(), same_failure, settings=settings(max_examples=budget, database=None, deadline=None))
    _, problem, _, _ = run(minimal)
    name = re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")
    comment = "".join(f"# {line}\n" for line in (problem or "").splitlines()[:12])
    (failures / f"shrunk-{name}.yaml").write_text(comment + as_yaml(minimal))
    print(f"shrunk {kind} in {time.perf_counter() - started:.0f} s -> {failures / f'shrunk-{name}.yaml'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--failures", type=Path, default=ROOT / ".fuzz-failures")
    parser.add_argument("--shrink", type=int, default=0, help="shrink the first failure of this many kinds")
    parser.add_argument("--shrink-examples", type=int, default=60, help="specs tried per shrink")
    args = parser.parse_args()
    args.failures.mkdir(parents=True, exist_ok=True)
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()  # every finding kind, once per failing spec
    walls: list[float] = []
    started = time.perf_counter()
    for index, spec in enumerate(specs(args.examples, args.seed)):
        outcome, problem, wall, every = run(spec)
        anywhere.update(every)
        walls.append(wall)
        verdict_name = "failed" if problem else ("delivered" if outcome == "delivered" else "refused")
        outcomes[verdict_name] += 1
        first = (problem or "").split("\n", 1)[0]
        print(f"{index:4d} {verdict_name:<9} {outcome:<17} {wall:5.1f} s  {first[:150]}", flush=True)
        if problem:
            kinds[kind_of(problem)] += 1
            comment = "".join(f"# {line}\n" for line in problem.splitlines()[:12])
            (args.failures / f"fuzz-{index:04d}.yaml").write_text(comment + as_yaml(spec))
    total = sum(outcomes.values())
    print(
        f"\nspecs {total}: delivered {outcomes['delivered']}, refused {outcomes['refused']}, "
        f"failed {outcomes['failed']}; median {sorted(walls)[len(walls) // 2]:.1f} s per spec, "
        f"wall {time.perf_counter() - started:.0f} s"
    )
    print("failures by first finding (gate code):")
    for kind, n in kinds.most_common():
        print(f"  {n:4d}  {kind}")
    print("failing specs with each finding kind anywhere in their report:")
    for kind, n in anywhere.most_common():
        print(f"  {n:4d}  {kind}")
    if kinds:
        print(f"failing specs: {args.failures}")
    for kind, _ in kinds.most_common(args.shrink):
        shrink(kind, args.failures, args.shrink_examples)


if __name__ == "__main__":
    main()
