"""Benchmark and record: every @readme/oas-examples document through check, plan and generate (all gates).

Run: .venv/bin/python bench/bench_corpus.py [--record] [--only SUBSTRING]. Prints one row per document
(outcome, seconds, reason or first gate finding), then the table: documents, delivered, refused with
reason, failed with first finding, and the wall time. --record rewrites tests/corpus/oas-examples.expected.toml
from today's outcomes, for review.
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

from tests.corpus.corpus import EXPECTED, documents, install, render_expected, run_document, workspace  # noqa: E402


def reason_kind(reason: str) -> str:
    """A note without its operation, paths and package, so alike refusals count together."""
    reason = re.sub(r"^\S+ \(\w+ [^)]*\): ", "", reason)
    reason = re.sub(r"\S*/routes/extensions\.py", "<package>/routes/extensions.py", reason)
    return re.sub(r"(?<![\w<])/[^\s:;,]*", "<path>", reason)[:110]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", action="store_true", help="rewrite the expected-outcome record")
    parser.add_argument("--only", default="", help="only documents whose path contains this")
    args = parser.parse_args()
    package, why = install()
    if package is None:
        sys.exit(f"bench_corpus: {why}")
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = workspace(package, Path(tmp) / "workspace")
        for index, document in enumerate(d for d in documents(package) if args.only in d):
            t0 = time.perf_counter()
            result = run_document(root, document, Path(tmp) / f"out{index}")
            results.append(result)
            print(f"{document:<50} {result.outcome:<18} {time.perf_counter() - t0:5.1f} s  {result.reason[:150]}")
    wall = time.perf_counter() - started
    counts = Counter(r.outcome for r in results)
    print(f"\ndocuments {len(results)}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for r in results:
        if r.outcome not in ("delivered", "no-template-files"):
            print(f"  {r.outcome:<13} {r.document}: {r.reason[:200]}")
    gaps = [r for r in results if r.unnamed]
    print(f"plan gaps (operations neither generated nor named in the notes): {sum(len(r.unnamed) for r in gaps)}")
    for r in gaps:
        print(f"  {r.document}: {len(r.unnamed)}: {', '.join(r.unnamed[:6])}{' ...' if len(r.unnamed) > 6 else ''}")
    refusals = Counter(reason_kind(r.reason) for r in results if r.outcome == "no-template-files")
    print("no template files, by the plan's first note:")
    for reason, n in refusals.most_common():
        print(f"  {n:3d}  {reason}")
    print(f"wall {wall:.1f} s")
    if args.record:
        EXPECTED.write_text(render_expected(results))
        print(f"recorded {EXPECTED.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
