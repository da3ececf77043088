"""Benchmark: the rust-actixweb pack on bookstore. Warm toolchain: `specloom generate --language rust` with
every gate (the pipeline, end to end), and each Rust gate on its own; with --cold, the first preparation of the
toolchain folder (the pack's seed crate built in the clippy and the instrumented test target folders; the
crates themselves come from cargo's cache, fetched once).

Run: .venv/bin/python bench/bench_rust_actixweb.py [--cold]. Figures are medians over the runs.
Target: generate with all gates <= 30 s warm.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from specloom.backends.languages.rust import GATES
from specloom.core.specs import parse_path
from specloom.gates.base import GateConfig
from specloom.templates.generate import render_spec
from specloom.templates.packs import discover, select
from specloom.toolchains import toolchains_root

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "templates/rust-actixweb/1.0.0"
SPEC = ROOT / "examples/openapi/bookstore.yaml"
RUNS = 3


def main() -> None:
    if "--cold" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            GATES.prepare(Path(tmp) / "rust-actixweb@1.0.0", PACK / "toolchain")
            print(f"cold toolchain preparation (seed crate built twice): {time.perf_counter() - start:.1f} s")
    tools = toolchains_root() / "rust-actixweb@1.0.0"
    start = time.perf_counter()
    GATES.prepare(tools, PACK / "toolchain")
    print(f"prepare on an already prepared toolchain: {time.perf_counter() - start:.2f} s")
    generate, times = [], {}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            done = subprocess.run(
                [str(ROOT / ".venv/bin/specloom"), "generate", str(SPEC), "--language", "rust", "--out", tmp],
                capture_output=True,
                text=True,
                check=False,
            )
            generate.append(time.perf_counter() - start)
            assert done.returncode == 0, done.stdout + done.stderr
    pack = select(discover()[0], "rust-actixweb")
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            spec, _ = parse_path(SPEC)
            for f in render_spec(pack, spec, None, {}, extensions=False).files:
                (root / f.path).parent.mkdir(parents=True, exist_ok=True)
                (root / f.path).write_text(f.content, encoding="utf-8")
            for name in ("style", "security", "tests"):
                start = time.perf_counter()
                findings = asyncio.run(getattr(GATES, name)(root, GateConfig(), tools))
                times.setdefault(name, []).append(time.perf_counter() - start)
                assert findings == [], findings
    print(f"bookstore, rust-actixweb, warm toolchain, {RUNS} runs (medians):")
    print(f"  specloom generate --language rust, every gate: {statistics.median(generate):.2f} s (target <= 30 s)")
    for name, values in times.items():
        print(f"  gate {name} alone: {statistics.median(values):.2f} s")


if __name__ == "__main__":
    main()
