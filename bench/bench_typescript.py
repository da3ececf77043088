"""Benchmark: the typescript-fastify pack on bookstore with every TypeScript gate, warm toolchain, and the first
run's toolchain preparation (npm ci from the pack's lock file), reported separately.

Run: .venv/bin/python bench/bench_typescript.py [--runs 3] [--prepare] [--examples N]
  --prepare   also time a cold preparation into a fresh folder (npm ci; npm's own cache may be warm)
  --examples  also run N fuzzed specs through render + gates and count failures
This times the render (prettier included) and the three TypeScript gates, concurrently as the pipeline runs them;
`bench/bench_generate.py --language typescript` times the whole `generate` (target <= 8 s, warm toolchain).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from specloom.backends.languages.typescript import GATES  # noqa: E402
from specloom.backends.typescript_fastify import TOOLCHAIN  # noqa: E402
from specloom.core.specs import parse_path  # noqa: E402
from specloom.gates.base import GateConfig  # noqa: E402
from specloom.templates.generate import render_spec  # noqa: E402
from specloom.templates.packs import PackError, discover, select  # noqa: E402
from specloom.toolchains import toolchains_root  # noqa: E402

SPEC = ROOT / "examples/openapi/bookstore.yaml"
PACK = select(discover()[0], "typescript-fastify")


async def gates(root: Path, tools: Path) -> dict[str, tuple[float, int]]:
    cfg = GateConfig()

    async def timed(name, check):
        start = time.perf_counter()
        findings = await check(root, cfg, tools)
        return name, (time.perf_counter() - start, len([f for f in findings if f.severity == "error"]))

    done = await asyncio.gather(
        timed("style", GATES.style), timed("security", GATES.security), timed("tests", GATES.tests)
    )
    return dict(done)


def generate(spec, target: Path, tools: Path) -> tuple[float, float, dict]:
    start = time.perf_counter()
    result = render_spec(PACK, spec, None, {}, extensions=False)
    for f in result.files:
        (target / f.path).parent.mkdir(parents=True, exist_ok=True)
        (target / f.path).write_text(f.content, encoding="utf-8")
    rendered = time.perf_counter() - start
    per_gate = asyncio.run(gates(target, tools))
    return rendered, time.perf_counter() - start, per_gate


def fuzz(examples: int, tools: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from tests.templates.spec_strategies import crud_specs

    counts = {"gated": 0, "refused": 0, "failed": 0}

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(crud_specs())
    def one(spec_dict: dict) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "spec.json"
            path.write_text(json.dumps(spec_dict, ensure_ascii=False))
            spec, _ = parse_path(path)
            try:
                *_, per_gate = generate(spec, Path(tmp) / "project", tools)
            except PackError:
                counts["refused"] += 1
                return
            counts["gated"] += 1
            if any(errors for _, errors in per_gate.values()):
                counts["failed"] += 1
                (ROOT / "bench" / f"fuzz-typescript-failure-{counts['failed']}.json").write_text(
                    json.dumps(spec_dict, ensure_ascii=False, indent=2)
                )

    start = time.perf_counter()
    one()
    wall = time.perf_counter() - start
    gated, refused, failed = counts["gated"], counts["refused"], counts["failed"]
    print(f"fuzzer: {examples} examples, {gated} gated, {refused} refused, {failed} failed")
    print(f"fuzzer: {wall:.0f} s in all, {wall / max(examples, 1):.1f} s per example")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--examples", type=int, default=0)
    args = parser.parse_args()
    if args.prepare:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            GATES.prepare(Path(tmp) / TOOLCHAIN, PACK.root / "toolchain")
            print(f"first run: toolchain preparation (npm ci) {time.perf_counter() - start:.1f} s")
    tools = toolchains_root() / TOOLCHAIN
    start = time.perf_counter()
    GATES.prepare(tools, PACK.root / "toolchain")
    print(f"warm toolchain check (already prepared: no npm): {(time.perf_counter() - start) * 1000:.0f} ms")
    spec, _ = parse_path(SPEC)
    walls, renders, per_gate = [], [], {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            rendered, wall, gate_times = generate(spec, Path(tmp), tools)
            shutil.rmtree(tmp, ignore_errors=True)
        renders.append(rendered)
        walls.append(wall)
        for name, (seconds, errors) in gate_times.items():
            assert errors == 0, f"gate {name} found {errors} errors in bookstore"
            per_gate.setdefault(name, []).append(seconds)
    print(f"bookstore render (prettier included), median of {args.runs}: {statistics.median(renders):.2f} s")
    for name, seconds in per_gate.items():
        print(f"bookstore gate {name}: {statistics.median(seconds):.2f} s (concurrent with the others)")
    print(f"bookstore render + all TypeScript gates, warm: median {statistics.median(walls):.2f} s (target <= 8 s)")
    if args.examples:
        fuzz(args.examples, tools)


if __name__ == "__main__":
    main()
