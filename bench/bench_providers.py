"""Benchmark: what the orchestrator adds per task, beyond the provider call itself.

Run: .venv/bin/python bench/bench_providers.py  (or `make bench`). Each SDK streams a scripted
ADR-0003 answer from the local wire-protocol server in tests/providers/. Three figures per SDK:
the SDK call alone (server + SDK time), the same task through the orchestrator with output parsing
(what a generation pays), and the difference — the overhead, target < 5 ms.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.providers.answers import GOOD  # noqa: E402
from tests.providers.wire_server import Reply, WireServer  # noqa: E402

from specloom.providers import Orchestrator, Prompt, RetryPolicy, Task  # noqa: E402
from specloom.providers.output import parse_output  # noqa: E402
from specloom.providers.sdk import ADAPTERS  # noqa: E402

RUNS = 60
PLANNED = ["ratelimit/bucket.py", "ratelimit/registry.py", "tests/test_bucket.py", "tests/test_registry.py"]
PROMPT = Prompt("system " * 200, "user " * 2000)


async def measure(server: WireServer, kind: str) -> tuple[float, float]:
    provider = ADAPTERS[kind](
        kind, model="bench", base_url=server.base_url(kind, kind), api_key_env="BENCH_KEY", timeout=10
    )
    router = Orchestrator({kind: provider}, [kind], policy=RetryPolicy(max_retries=0))
    task = Task("adr", "python")
    server.script(kind, *[Reply(GOOD)] * (2 * RUNS + 10))
    for _ in range(5):  # warm up: imports, connection pool
        await provider.generate(PROMPT, {})
    direct, routed = [], []
    for _ in range(RUNS):  # interleaved, so drift in the machine's load hits both alike
        start = time.perf_counter()
        await provider.generate(PROMPT, {})
        direct.append(time.perf_counter() - start)
        start = time.perf_counter()
        await router.complete(task, PROMPT, accept=lambda c: parse_output(c.text, PLANNED))
        routed.append(time.perf_counter() - start)
    await provider.aclose()
    return statistics.median(direct), statistics.median(routed)


async def main() -> None:
    os.environ["BENCH_KEY"] = "bench-key-not-secret"
    with WireServer() as server:
        print(f"orchestrator overhead per task (median of {RUNS}; answer of {len(GOOD)} characters, 4 files)")
        for kind in ADAPTERS:
            direct, routed = await measure(server, kind)
            overhead = routed - direct
            verdict = "OK" if overhead < 0.005 else "MISSED"
            print(
                f"  {kind:<10} SDK call {direct * 1000:7.2f} ms   through orchestrator {routed * 1000:7.2f} ms   "
                f"overhead {overhead * 1000:6.2f} ms   target 5 ms {verdict}"
            )


if __name__ == "__main__":
    asyncio.run(main())
