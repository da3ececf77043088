"""Benchmark: full `generate` of bookstore with every gate, per step and per gate.

Run: .venv/bin/python bench/bench_generate.py [--language python|typescript|go] (or `make bench`). Each run
delivers into a fresh temporary folder, with the language's toolchain already prepared (a first run prepares it:
see `specloom templates prepare`); the figures are medians over the runs. Targets on an idle machine: python 2.5 s
(issue 11), go 5 s and typescript 8 s (issue 12).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from specloom.audit.sqlite import SqliteAuditStore
from specloom.pipeline import CodeGenerationService, GenerateOptions, Identity

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples/openapi/bookstore.yaml"
RUNS = 3
TARGET_MS = {"python": 2500, "go": 5000, "typescript": 8000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="python", choices=sorted(TARGET_MS))
    language = parser.parse_args().language
    walls: list[float] = []
    steps: dict[str, list[float]] = {}
    gates: dict[str, list[float]] = {}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            store = SqliteAuditStore(Path(tmp) / "audit.db")
            opts = GenerateOptions(SPEC, Path(tmp) / "out", Identity("bench@localhost", "bench"), language=language)
            start = time.perf_counter()
            outcome = asyncio.run(CodeGenerationService(store).generate(opts))
            walls.append(time.perf_counter() - start)
            store.close()
            assert outcome.outcome == "delivered", outcome.message
            for step, ms in outcome.step_ms.items():
                steps.setdefault(step, []).append(ms)
            for gate in outcome.gates:
                gates.setdefault(gate["name"], []).append(gate["duration_ms"])
    print(
        f"generate bookstore --language {language}, all gates, in-process: median {statistics.median(walls) * 1000:.0f}"
        f" ms (min {min(walls) * 1000:.0f} ms, n={RUNS}; target {TARGET_MS[language]} ms)"
    )
    for step, values in steps.items():
        print(f"  step {step:<9} {statistics.median(values):8.1f} ms")
    for gate, values in gates.items():
        print(f"  gate {gate:<9} {statistics.median(values):8.1f} ms (concurrent with the others)")
    whole = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "SPECLOOM_USER": "bench@localhost", "SPECLOOM_AUDIT__PATH": str(Path(tmp) / "a.db")}
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "specloom", "generate", str(SPEC), "--language", language]
                + ["--out", str(Path(tmp) / "out"), "--json"],
                env=env,
                capture_output=True,
                check=True,
            )
            whole.append(time.perf_counter() - start)
    print(f"generate bookstore --language {language}, whole process: median {statistics.median(whole) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
