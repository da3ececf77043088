"""Benchmarks for the spec core: `check` whole-process and `plan` in-process.

Run: .venv/bin/python bench/bench_core.py  (or `make bench`). Prints median and min of
several runs; targets on the 2-core reference machine are printed beside the figures.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAID = ROOT / "examples/openapi/public/plaid-2020-09-14.yml"
BOOKSTORE = ROOT / "examples/openapi/bookstore.yaml"
RATE_LIMITER_ADR = ROOT / "examples/adr/0003-rate-limiter.md"


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def report(label: str, samples: list[float], target: float | None = None) -> None:
    median = statistics.median(samples)
    line = f"{label:<46} median {median * 1000:8.1f} ms   min {min(samples) * 1000:8.1f} ms   n={len(samples)}"
    if target is not None:
        line += f"   target {target * 1000:.0f} ms {'OK' if median <= target else 'MISSED'}"
    print(line)


def check_process(path: Path) -> None:
    subprocess.run([sys.executable, "-m", "specloom", "check", str(path)], stdout=subprocess.DEVNULL, check=False)


def main() -> None:
    from specloom.core.plan import plan
    from specloom.core.specs import parse_path
    from specloom.templates.layout import plan_generation

    report("check plaid (3 MB), whole process", timed(lambda: check_process(PLAID), 5), 1.5)
    report("check bookstore, whole process", timed(lambda: check_process(BOOKSTORE), 5))
    report(
        "python -c pass (interpreter start, for scale)",
        timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=False), 5),
    )

    parse_path(BOOKSTORE)  # warm imports and the schema validator once, as a long-lived server would
    bookstore, _ = parse_path(BOOKSTORE)
    report("plan bookstore, in-process (parsed spec)", timed(lambda: plan(bookstore), 50), 0.050)
    report("parse + check + plan bookstore, in-process", timed(lambda: plan(parse_path(BOOKSTORE)[0]), 20), 0.050)
    report("plan bookstore as its pack lays it out (hovers)", timed(lambda: plan_generation(bookstore), 20), 0.050)
    plaid, _ = parse_path(PLAID)
    report("parse + check plaid, in-process", timed(lambda: parse_path(PLAID), 3))
    report("plan plaid (329 operations), in-process", timed(lambda: plan(plaid), 3))
    report("plan plaid as its pack lays it out (hovers)", timed(lambda: plan_generation(plaid), 3))

    from specloom.core.source import SourceText
    from specloom.core.specs.adr import parse_adr

    big_adr = _a_2000_line_adr()
    parse_adr(SourceText("big.md", big_adr))  # warm the tree-sitter grammars once
    report("parse a 2000-line ADR, in-process", timed(lambda: parse_adr(SourceText("big.md", big_adr)), 10), 0.050)


def _a_2000_line_adr() -> str:
    text = RATE_LIMITER_ADR.read_text()
    body = text.split("\n", 7)[7]
    return "\n".join((text + body * 30).split("\n")[:2000])


if __name__ == "__main__":
    main()
