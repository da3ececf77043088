"""Benchmark: the go-nethttp pack on bookstore, render + every Go gate, warm toolchain; and (with --cold) the
first-run preparation of the toolchain (go install of staticcheck and gosec, build cache warmed).

Run: .venv/bin/python bench/bench_go.py [--cold]. Figures are medians over the runs. Target: <= 5 s warm.
The gates run concurrently, as the pipeline runs them; each is timed on its own too.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from specloom.backends.languages.go import GATES
from specloom.core.specs import parse_path
from specloom.gates.base import GateConfig
from specloom.templates.generate import render_spec
from specloom.templates.packs import discover, select
from specloom.toolchains import toolchains_root

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "templates/go-nethttp/1.0.0/tests/bookstore/spec.yaml"
RUNS = 3


async def timed(name: str, gate, root: Path, tools: Path, times: dict[str, list[float]]) -> list:
    start = time.perf_counter()
    findings = await gate(root, GateConfig(), tools)
    times.setdefault(name, []).append(time.perf_counter() - start)
    return findings


async def gates(root: Path, tools: Path, times: dict[str, list[float]]) -> list:
    found = await asyncio.gather(
        timed("style", GATES.style, root, tools, times),
        timed("security", GATES.security, root, tools, times),
        timed("tests", GATES.tests, root, tools, times),
    )
    return [f for group in found for f in group]


def main() -> None:
    if "--cold" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            GATES.prepare(Path(tmp) / "go-nethttp@1.0.0", None)
            print(f"first-run toolchain preparation: {time.perf_counter() - start:.1f} s")
    tools = toolchains_root() / "go-nethttp@1.0.0"
    start = time.perf_counter()
    GATES.prepare(tools, None)
    print(f"prepare on an already prepared toolchain: {time.perf_counter() - start:.2f} s")
    packs, _ = discover()
    pack = select(packs, "go-nethttp")
    walls, renders, times = [], [], {}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            start = time.perf_counter()
            spec, _ = parse_path(SPEC)
            result = render_spec(pack, spec, None, {}, extensions=False)
            for f in result.files:
                (root / f.path).parent.mkdir(parents=True, exist_ok=True)
                (root / f.path).write_text(f.content, encoding="utf-8")
            renders.append(time.perf_counter() - start)
            findings = asyncio.run(gates(root, tools, times))
            walls.append(time.perf_counter() - start)
            assert findings == [], findings
    print(f"bookstore, go-nethttp, warm toolchain, {RUNS} runs (medians):")
    print(f"  parse + render + gofmt: {statistics.median(renders) * 1000:.0f} ms")
    for name, values in times.items():
        print(f"  gate {name}: {statistics.median(values):.2f} s")
    print(f"  total (render + gates, concurrently): {statistics.median(walls):.2f} s (target <= 5 s)")


if __name__ == "__main__":
    main()
