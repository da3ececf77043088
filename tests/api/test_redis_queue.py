"""Generations on a real queue: Debian's redis-server, `specloom api` with `queue = "redis"` and
`specloom worker` processes (arq). A worker killed mid-job leaves the job pending with no result
(never half-delivered); once its claim expires another worker runs it again to the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .conftest import EXAMPLES, POLICY, api_env, api_toml, free_port, make_token, wait_until

pytestmark = pytest.mark.slow
JOB_TIMEOUT = 20  # arq lets another worker take a job this long (+10 s) after its worker vanished


@pytest.fixture
def redis_url(tmp_path: Path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (.ci/run installs Debian's redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def answers() -> bool:
        done = subprocess.run(
            [server.replace("redis-server", "redis-cli"), "-p", str(port), "ping"], capture_output=True
        )
        return done.stdout.strip() == b"PONG"

    try:
        wait_until(answers, 30, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def workers(tmp_path: Path):
    started: list[subprocess.Popen] = []

    def start(root: Path) -> subprocess.Popen:
        log = (root / f"worker-{len(started) + 1}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "specloom", "worker"],
            cwd=root,
            env=api_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its gate subprocesses go with it when the test kills the group
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


def test_a_worker_killed_mid_job_leaves_it_retryable_and_the_next_worker_finishes_it(
    tmp_path: Path, redis_url: str, workers, start_api
):
    extra = f'queue = "redis"\nredis_url = "{redis_url}"\njob_timeout_seconds = {JOB_TIMEOUT}\nworkers = 1\n'
    (tmp_path / "specloom.toml").write_text(api_toml(extra))
    (tmp_path / "policy.toml").write_text(POLICY)
    api = start_api(tmp_path)
    first = workers(tmp_path)
    body = {
        "tenant_id": "acme",
        "user_id": "alice@acme.example",
        "specification": {"type": "openapi", "spec": (EXAMPLES / "openapi/bookstore.yaml").read_text()},
    }
    with api.client(make_token()) as acme:
        accepted = acme.post("/api/v1/generate", json=body, headers={"Prefer": "respond-async"})
        assert accepted.status_code == 202, accepted.text
        location = accepted.headers["location"]

        def status() -> str:
            answer = acme.get(location)
            return answer.json()["status"] if answer.status_code in (200, 202) else f"HTTP {answer.status_code}"

        wait_until(lambda: status() == "running", 120, "the worker to take the job")
        os.killpg(first.pid, signal.SIGKILL)  # mid-job: the gates run for seconds after the job starts
        first.wait(timeout=30)
        pending = acme.get(location)
        assert pending.status_code == 202 and pending.json()["status"] == "running"  # no result, not half of one

        workers(tmp_path)
        done = wait_until(lambda: (r := acme.get(location)).status_code == 200 and r, JOB_TIMEOUT + 300, "a re-run")
    result = done.json()
    assert result["status"] == "succeeded", result
    assert all(g["passed"] for g in result["validation"]["gates"])
    assert "bookstore/app.py" in {f["path"] for f in result["code"]["files"]}
    with sqlite3.connect(tmp_path / ".specloom/results.db") as db:
        attempts = db.execute("SELECT attempts FROM jobs WHERE id = ?", (result["id"],)).fetchone()[0]
    assert attempts == 2  # the killed attempt, then the one that finished

    with httpx.Client(base_url=api.base, headers={"Authorization": f"Bearer {make_token(tenant='globex')}"}) as other:
        assert other.get(location).status_code == 404


def test_without_redis_the_api_and_the_worker_refuse_to_start_naming_the_setting(tmp_path: Path):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    (tmp_path / "specloom.toml").write_text(api_toml(f'queue = "redis"\nredis_url = "{url}"\n'))
    (tmp_path / "policy.toml").write_text(POLICY)
    for command in (["api", "--port", str(free_port())], ["worker"]):
        done = subprocess.run(
            [sys.executable, "-m", "specloom", *command],
            cwd=tmp_path,
            env=api_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 2, (command, done.stderr[-2000:])
        assert f"api.redis_url: no Redis answers at {url}" in done.stderr
