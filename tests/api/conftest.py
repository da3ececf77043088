"""A workspace with [api] settings and a policy, real signed tokens, and `specloom api` as a real process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import jwt
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ISSUER, AUDIENCE = "https://id.example.com", "specloom"
SECRET = "test-only-hs256-secret-of-enough-length"
POLICY = """[roles.developer]
permissions = ["code:generate", "code:read", "spec:validate"]

[roles.reader]
permissions = ["code:read", "spec:validate"]
"""


def api_toml(extra: str = "") -> str:
    return f"""[identity]
tenant = "unused-by-the-api"

[api]
jwt_secret_env = "SPECLOOM_JWT_SECRET"
jwt_issuer = "{ISSUER}"
jwt_audience = "{AUDIENCE}"
tenant_claim = "tenant_id"
roles_claim = "roles"
policy_file = "policy.toml"
{extra}
"""


def make_token(
    tenant: str = "acme",
    sub: str = "alice@acme.example",
    roles: list[str] | None = None,
    *,
    key: object = SECRET,
    algorithm: str = "HS256",
    headers: dict | None = None,
    **claims,
) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": sub,
        "tenant_id": tenant,
        "roles": ["developer"] if roles is None else roles,
        "iat": now,
        "exp": now + 3600,
    }
    body.update(claims)
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm=algorithm, headers=headers)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


@pytest.fixture
def api_workspace(tmp_path: Path) -> Path:
    (tmp_path / "specloom.toml").write_text(api_toml("max_queue = 8\n"))
    (tmp_path / "policy.toml").write_text(POLICY)
    shutil.copy(EXAMPLES / "openapi/bookstore.yaml", tmp_path / "bookstore.yaml")
    return tmp_path


def api_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}
    return {**env, "SPECLOOM_JWT_SECRET": SECRET, **extra}


class RunningApi:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = root / "api.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "specloom", "api", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
        )
        wait_until(self._up, 60, f"`specloom api` on port {self.port}")

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"`specloom api` exited {self.process.returncode}: {self.log.read_text()}")
        try:
            return httpx.get(self.base + "/api/v1/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=300)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def start_api() -> Iterator[Callable[..., RunningApi]]:
    started: list[RunningApi] = []

    def start(root: Path, env: dict[str, str] | None = None) -> RunningApi:
        api = RunningApi(root, env or api_env())
        started.append(api)
        return api

    yield start
    for api in started:
        api.stop()
