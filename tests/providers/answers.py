"""Scripted model answers for ADR-0003 (the token-bucket rate limiter), in the output contract."""

BUCKET = '''\
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    capacity: int
    refill_per_second: float
    clock: Callable[[], float]
    _tokens: float = field(init=False)
    _updated: float = field(init=False)

    def __post_init__(self) -> None:
        if self.capacity <= 0 or self.refill_per_second <= 0:
            raise ValueError("capacity and refill_per_second must be positive")
        self._tokens = float(self.capacity)
        self._updated = self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self._tokens = min(self.capacity, self._tokens + max(now - self._updated, 0.0) * self.refill_per_second)
        self._updated = now

    def try_acquire(self, tokens: int = 1) -> bool:
        """Take tokens if available; never blocks."""
        self._refill()
        if tokens <= self._tokens:
            self._tokens -= tokens
            return True
        return False

    def retry_after(self, tokens: int = 1) -> float:
        """Seconds until `tokens` would be available."""
        self._refill()
        return max(tokens - self._tokens, 0.0) / self.refill_per_second
'''

REGISTRY = '''\
from collections.abc import Callable

from ratelimit.bucket import TokenBucket


class BucketRegistry:
    """One bucket per client key, created on first use."""

    def __init__(self, capacity: int, refill_per_second: float, clock: Callable[[], float]) -> None:
        self._capacity = capacity
        self._refill_per_second = refill_per_second
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def bucket_for(self, client_key: str) -> TokenBucket:
        bucket = self._buckets.get(client_key)
        if bucket is None:
            bucket = TokenBucket(self._capacity, self._refill_per_second, self._clock)
            self._buckets[client_key] = bucket
        return bucket
'''

TEST_BUCKET = """\
import pytest

from ratelimit.bucket import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_up_to_capacity_then_rejects():
    bucket = TokenBucket(3, 1.0, FakeClock())
    assert [bucket.try_acquire() for _ in range(4)] == [True, True, True, False]


def test_refill_over_time():
    clock = FakeClock()
    bucket = TokenBucket(2, 2.0, clock)
    assert bucket.try_acquire(2)
    clock.now = 0.5
    assert bucket.try_acquire()
    assert not bucket.try_acquire()


def test_retry_after_is_time_to_refill():
    clock = FakeClock()
    bucket = TokenBucket(1, 4.0, clock)
    assert bucket.retry_after() == 0.0
    assert bucket.try_acquire()
    assert bucket.retry_after() == pytest.approx(0.25)


def test_rejects_nonsense_settings():
    with pytest.raises(ValueError):
        TokenBucket(0, 1.0, FakeClock())
"""

TEST_REGISTRY = """\
from ratelimit.registry import BucketRegistry


def test_one_bucket_per_client():
    registry = BucketRegistry(1, 1.0, lambda: 0.0)
    first = registry.bucket_for("a")
    assert registry.bucket_for("a") is first
    assert registry.bucket_for("b") is not first
    assert first.try_acquire()
    assert registry.bucket_for("b").try_acquire()
"""


def answer(bucket: str = BUCKET) -> str:
    return (
        "Here is the implementation.\n\n"
        f"```python\n# File: ratelimit/bucket.py\n{bucket}```\n\n"
        f"```python\n# File: ratelimit/registry.py\n{REGISTRY}```\n\n"
        f"```python\n# File: tests/test_bucket.py\n{TEST_BUCKET}```\n\n"
        f"```python\n# File: tests/test_registry.py\n{TEST_REGISTRY}```\n"
    )


GOOD = answer()
# Fails ruff: an unused import (F401), which the repair loop sends back to the model.
FAILS_RUFF = answer("import os\n" + BUCKET)
ESCAPES = GOOD.replace("# File: ratelimit/registry.py", "# File: ../outside/registry.py")
SECRET = answer(BUCKET + '\nAPI_TOKEN = "ghp_' + "A1b2C3d4E5f6G7h8I9j0" * 2 + '"\n')
