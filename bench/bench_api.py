"""Figures of `specloom api` (issue 14): validate and read throughput and latency, how fast generate
accepts work and refuses past its bound, and completed generations per minute with 1 and 2 workers.

Runs the real server as a process on loopback, with real HS256 tokens. Throughput and latency are measured
with wrk (Debian's `apt-get install wrk`: a C load generator, so the clients do not take the server's CPU
the way Python clients on the same 2 cores do), and also with httpx on asyncio for comparison.
Usage: python bench/bench_api.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import jwt

ROOT = Path(__file__).resolve().parent.parent
BOOKSTORE = (ROOT / "examples/openapi/bookstore.yaml").read_text()
SECRET = "bench-only-hs256-secret-of-enough-length"
POLICY = '[roles.developer]\npermissions = ["code:generate", "code:read", "spec:validate"]\n'


def config(max_queue: int, workers: int) -> str:
    return f"""[api]
jwt_secret_env = "SPECLOOM_JWT_SECRET"
jwt_issuer = "https://id.example.com"
jwt_audience = "specloom"
policy_file = "policy.toml"
max_queue = {max_queue}
workers = {workers}

[logging]
file = "api.log"
"""


def token() -> str:
    now = int(time.time())
    claims = {"iss": "https://id.example.com", "aud": "specloom", "sub": "bench", "tenant_id": "bench"}
    return jwt.encode({**claims, "roles": ["developer"], "exp": now + 3600}, SECRET, algorithm="HS256")


class Server:
    def __init__(self, max_queue: int, workers: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="specloom-bench-api-"))
        (self.folder / "specloom.toml").write_text(config(max_queue, workers))
        (self.folder / "policy.toml").write_text(POLICY)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "specloom", "api", "--port", str(self.port)],
            cwd=self.folder,
            env={**env, "SPECLOOM_JWT_SECRET": SECRET},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit("specloom api did not start")

    def server_ms(self, path: str) -> str:
        """p50/p99 of the server's own duration_ms for `path` (its request log), apart from the clients' share."""
        durations = []
        for line in (self.folder / "api.log").read_text().splitlines():
            event = json.loads(line)
            if event["event"] == "request" and event["path"] == path:
                durations.append(event["duration_ms"])
        self.reset_log()
        return f"server-side p50 {statistics.median(durations):.1f} ms, p99 {p99(durations):.1f} ms"

    def reset_log(self) -> None:
        (self.folder / "api.log").write_text("")  # the server appends: cut it between rounds

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else values[0]


async def load(base: str, make_request, clients: int, total: int) -> tuple[float, list[float], dict[int, int]]:
    """`total` requests from `clients` concurrent clients: (elapsed s, latencies ms, count by status)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    left = iter(range(total))
    headers = {"Authorization": f"Bearer {token()}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=120) as client:

        async def one_client() -> None:
            for _ in left:
                start = time.perf_counter()
                answer = await make_request(client)
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        return time.perf_counter() - started, latencies, statuses


WRK_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = {authorization}
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local sent = 0
request = function()
  -- When the body varies, each request's text is new (a comment with a count): none is answered from kept findings.
  sent = sent + 1
  if not {varies} then return wrk.format() end
  return wrk.format(nil, nil, nil, (string.gsub(wrk.body, "SPECLOOM_NONCE", id .. "-" .. sent)))
end
done = function(summary, latency, requests)
  io.write(string.format("SPECLOOM %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.errors.status,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def lua(text: str) -> str:
    return json.dumps(text)  # a JSON string is a Lua string literal for the characters used here


def with_wrk(server: Server, method: str, path: str, body: dict | None, seconds: int, varies: bool = False) -> str:
    """wrk with 16 connections on 2 threads for `seconds`: requests/s, p50 and p99, errors; or why not measured.
    `varies`: SPECLOOM_NONCE in the body is replaced by a number new for each request."""
    if shutil.which("wrk") is None:
        return "wrk: not installed (apt-get install wrk)"
    script = server.folder / "bench.lua"
    script.write_text(
        WRK_SCRIPT.format(
            method=lua(method),
            body=lua(json.dumps(body)) if body else "nil",
            authorization=lua(f"Bearer {token()}"),
            varies="true" if varies else "false",
        )
    )
    run = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(script), server.base + path],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    found = re.search(r"^SPECLOOM (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)$", run.stdout, re.MULTILINE)
    if found is None:
        return f"wrk failed: {(run.stderr or run.stdout)[-500:]}"
    requests, bad, micros, p50, p99_ms, worst = found.groups()
    rate = int(requests) / (int(micros) / 1e6)
    return (
        f"wrk, 16 connections: {rate:7.1f} requests/s, p50 {float(p50):.1f} ms, p99 {float(p99_ms):.1f} ms, "
        f"max {float(worst):.1f} ms, {bad} non-2xx of {requests}; " + server.server_ms(path)
    )


def generate_body() -> dict:
    return {"tenant_id": "bench", "user_id": "bench", "specification": {"type": "openapi", "spec": BOOKSTORE}}


async def read_and_validate(quick: bool) -> None:
    server = Server(max_queue=32, workers=2)
    try:
        body = {"specification": {"type": "openapi", "spec": BOOKSTORE}}
        validate = lambda c: c.post("/api/v1/generate/validate", json=body)  # noqa: E731
        await load(server.base, validate, 4, 40)  # warm-up: imports, schema compilation
        server.reset_log()
        seconds = 5 if quick else 20
        path = "/api/v1/generate/validate"
        print("validate bookstore, the same text again, " + with_wrk(server, "POST", path, body, seconds))
        changing = {"specification": {"type": "openapi", "spec": "# SPECLOOM_NONCE\n" + BOOKSTORE}}
        print("validate bookstore, a new text each time, " + with_wrk(server, "POST", path, changing, seconds, True))
        total = 400 if quick else 2000
        elapsed, latencies, statuses = await load(server.base, validate, 16, total)
        print(
            f"validate bookstore, 16 clients: {total / elapsed:7.1f} requests/s, "
            f"p50 {statistics.median(latencies):.1f} ms, p99 {p99(latencies):.1f} ms  (statuses {statuses}); "
            + server.server_ms("/api/v1/generate/validate")
        )
        async with httpx.AsyncClient(base_url=server.base, headers={"Authorization": f"Bearer {token()}"}) as c:
            accepted = await c.post("/api/v1/generate", json=generate_body(), headers={"Prefer": "respond-async"})
            location = accepted.headers["location"]
            while (await c.get(location)).status_code != 200:
                await asyncio.sleep(0.2)
        read = lambda c: c.get(location)  # noqa: E731
        server.reset_log()
        print("GET /generation/{id}, " + with_wrk(server, "GET", location, None, seconds))
        elapsed, latencies, statuses = await load(server.base, read, 16, total)
        print(
            f"GET /generation/{{id}}, 16 clients: {total / elapsed:7.1f} requests/s, "
            f"p50 {statistics.median(latencies):.1f} ms, p99 {p99(latencies):.1f} ms  (statuses {statuses}); "
            + server.server_ms(location)
        )
    finally:
        server.stop()


async def accept_rate() -> None:
    bound = 32
    server = Server(max_queue=bound, workers=2)
    try:
        submit = lambda c: c.post("/api/v1/generate", json=generate_body(), headers={"Prefer": "respond-async"})  # noqa: E731
        elapsed, latencies, statuses = await load(server.base, submit, 8, 2 * bound)
        accepted, refused = statuses.get(202, 0), statuses.get(429, 0)
        others = {s: n for s, n in statuses.items() if s not in (202, 429)}
        print(
            f"generate (Prefer: respond-async), 8 clients, {2 * bound} requests, bound {bound}: {accepted} accepted, "
            f"{refused} answered 429, others {others or 'none'}; {2 * bound / elapsed:.1f} requests/s answered, "
            f"p99 {p99(latencies):.1f} ms"
        )
    finally:
        server.stop()  # the accepted generations are interrupted: this figure is about accepting


async def completed_per_minute(workers: int, jobs: int) -> None:
    server = Server(max_queue=jobs, workers=workers)
    try:
        async with httpx.AsyncClient(
            base_url=server.base, headers={"Authorization": f"Bearer {token()}"}, timeout=60
        ) as c:
            started = time.perf_counter()
            locations = []
            for _ in range(jobs):
                answer = await c.post("/api/v1/generate", json=generate_body(), headers={"Prefer": "respond-async"})
                locations.append(answer.headers["location"])
            pending = set(locations)
            while pending:
                for location in list(pending):
                    answer = await c.get(location)
                    if answer.status_code == 200:
                        assert answer.json()["status"] == "succeeded", answer.text[:500]
                        pending.discard(location)
                await asyncio.sleep(0.5)
            elapsed = time.perf_counter() - started
        print(
            f"completed bookstore generations (all gates), {workers} worker(s): {jobs} in {elapsed:.1f} s = "
            f"{jobs * 60 / elapsed:.1f} per minute"
        )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer requests and generations")
    args = parser.parse_args()
    load1, load5, _ = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPU(s), load average {load1:.1f} / {load5:.1f}; "
        "server: one uvicorn process; clients: wrk, then httpx in this process"
    )
    asyncio.run(read_and_validate(args.quick))
    asyncio.run(accept_rate())
    jobs = 2 if args.quick else 4
    for workers in (1, 2):
        asyncio.run(completed_per_minute(workers, jobs))


if __name__ == "__main__":
    main()
