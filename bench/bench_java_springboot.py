"""Benchmark: the java-springboot pack on bookstore. Warm toolchain: the whole `specloom generate --language java`
(render, google-java-format, every gate, delivery) and each Java gate on its own; with --cold, the first-run
preparation of the toolchain folder (Maven repository, gate plugins, google-java-format, FindSecBugs).

Run: .venv/bin/python bench/bench_java_springboot.py [--cold] [--runs N]. Figures are medians over the runs.
Target: generate with all gates <= 30 s warm (the seed's MAX_GENERATION_TIME).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from specloom.backends.languages.java import GATES
from specloom.core.specs import parse_path
from specloom.gates.base import GateConfig
from specloom.templates.generate import render_spec
from specloom.templates.packs import discover, select
from specloom.toolchains import toolchains_root

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples/openapi/bookstore.yaml"
PACK_TOOLCHAIN = ROOT / "templates/java-springboot/1.0.0/toolchain"
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3


def main() -> None:
    if "--cold" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            GATES.prepare(Path(tmp) / "java-springboot@1.0.0", PACK_TOOLCHAIN)
            print(f"first-run toolchain preparation (downloads): {time.perf_counter() - start:.1f} s")
    tools = toolchains_root() / "java-springboot@1.0.0"
    start = time.perf_counter()
    GATES.prepare(tools, PACK_TOOLCHAIN)
    print(f"prepare on an already prepared toolchain: {time.perf_counter() - start:.2f} s")
    specloom = str(Path(sys.executable).parent / "specloom")
    walls = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            done = subprocess.run(
                [specloom, "generate", str(SPEC), "--language", "java", "--out", str(Path(tmp) / "out")],
                capture_output=True,
                text=True,
                env={**os.environ, "SPECLOOM_USER": os.environ.get("SPECLOOM_USER", "bench@localhost")},
                check=False,
            )
            walls.append(time.perf_counter() - start)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    pack = select(discover()[0], "java-springboot")
    times: dict[str, list[float]] = {}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            start = time.perf_counter()
            spec, _ = parse_path(SPEC)
            for f in render_spec(pack, spec, None, {}, extensions=False).files:
                (root / f.path).parent.mkdir(parents=True, exist_ok=True)
                (root / f.path).write_text(f.content, encoding="utf-8")
            times.setdefault("render + google-java-format", []).append(time.perf_counter() - start)
            for name in ("style", "security", "tests"):
                start = time.perf_counter()
                findings = asyncio.run(getattr(GATES, name)(root, GateConfig(), tools))
                times.setdefault(f"gate {name} (alone)", []).append(time.perf_counter() - start)
                assert findings == [], findings
    print(f"bookstore, java-springboot, warm toolchain, {RUNS} runs (medians), load {os.getloadavg()[0]:.1f}:")
    print(f"  specloom generate --language java, all gates: {statistics.median(walls):.1f} s (target <= 30 s)")
    for name, values in times.items():
        print(f"  {name}: {statistics.median(values):.1f} s")


if __name__ == "__main__":
    main()
