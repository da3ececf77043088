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

LENDING = """\
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

MAX_OPEN_LOANS = 5


class LendingError(Exception):
    pass


@dataclass
class Loan:
    book_id: str
    member_id: str
    returned_at: datetime | None = None


@dataclass
class Library:
    clock: Callable[[], datetime]
    available: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    loans: list[Loan] = field(default_factory=list)

    def open_loans(self, member_id: str) -> list[Loan]:
        return [loan for loan in self.loans if loan.member_id == member_id and loan.returned_at is None]

    def lend(self, book_id: str, member_id: str) -> Loan:
        if member_id not in self.members:
            raise LendingError(f"unknown member {member_id}")
        current = next((loan for loan in self.loans if loan.book_id == book_id and loan.returned_at is None), None)
        if current is not None:
            raise LendingError(f"{book_id} is already lent to {current.member_id}")
        if len(self.open_loans(member_id)) >= MAX_OPEN_LOANS:
            raise LendingError(f"{member_id} already has {MAX_OPEN_LOANS} open loans")
        self.available.discard(book_id)
        loan = Loan(book_id, member_id)
        self.loans.append(loan)
        return loan

    def give_back(self, loan: Loan) -> None:
        loan.returned_at = self.clock()
        self.available.add(loan.book_id)
"""

TEST_LENDING = """\
from datetime import datetime

import pytest

from src.lend_a_book import LendingError, Library

NOON = datetime(2026, 11, 27, 12, 0)


def library() -> Library:
    return Library(clock=lambda: NOON, available={"b1", "b2"}, members={"m1", "m2"})


def test_lending_an_available_book_creates_a_loan_and_marks_it_unavailable():
    lib = library()
    loan = lib.lend("b1", "m1")
    assert loan in lib.loans and "b1" not in lib.available


def test_lending_a_lent_book_is_refused_naming_the_current_loan():
    lib = library()
    lib.lend("b1", "m1")
    with pytest.raises(LendingError, match="already lent to m1"):
        lib.lend("b1", "m2")


def test_a_member_with_five_open_loans_cannot_borrow_another():
    lib = library()
    for number in range(5):
        lib.lend(f"x{number}", "m1")
    with pytest.raises(LendingError, match="5 open loans"):
        lib.lend("b2", "m1")


def test_returning_marks_the_book_available_and_records_the_time():
    lib = library()
    loan = lib.lend("b1", "m1")
    lib.give_back(loan)
    assert "b1" in lib.available and loan.returned_at == NOON


def test_an_unknown_member_is_refused():
    with pytest.raises(LendingError, match="unknown member"):
        library().lend("b1", "nobody")
"""

STORY = (
    f"```python\n# File: src/lend_a_book.py\n{LENDING}```\n\n"
    f"```python\n# File: tests/test_lend_a_book.py\n{TEST_LENDING}```\n"
)

INVENTORY = """\
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from ..errors import not_found
from ..repository import Repositories
from ..security import require_auth

router = APIRouter(tags=["extensions"])


class Inventory(BaseModel):
    shelfId: int
    books: int


def get_repositories(request: Request) -> Repositories:
    return request.app.state.repositories


@router.post(
    "/shelves/{shelfId}/inventory",
    operation_id="takeInventory",
    response_model=Inventory,
    dependencies=[Depends(require_auth)],
)
def take_inventory(
    shelf_id: Annotated[int, Path(alias="shelfId")], repos: Annotated[Repositories, Depends(get_repositories)]
) -> Inventory:
    if repos.shelves.get(str(shelf_id)) is None:
        raise not_found("shelfId", shelf_id)
    books = sum(1 for book in repos.books.list() if book.shelfId == shelf_id)
    return Inventory(shelfId=shelf_id, books=books)
"""

TEST_INVENTORY = """\
def test_inventory_counts_the_books_on_the_shelf(client):
    shelf = client.post("/shelves", json={"label": "A"}).json()
    other = client.post("/shelves", json={"label": "B"}).json()
    client.post(f"/shelves/{shelf['id']}/books", json={"title": "Dune", "language": "en"})
    client.post(f"/shelves/{other['id']}/books", json={"title": "Emma", "language": "en"})
    answer = client.post(f"/shelves/{shelf['id']}/inventory")
    assert answer.status_code == 200
    assert answer.json() == {"shelfId": shelf["id"], "books": 1}


def test_inventory_of_a_missing_shelf_is_404(client):
    assert client.post("/shelves/999/inventory").status_code == 404


def test_inventory_needs_the_api_key(anonymous):
    assert anonymous.post("/shelves/1/inventory").status_code == 401
"""

EXTENSIONS = (
    f"```python\n# File: library/routes/extensions.py\n{INVENTORY}```\n\n"
    f"```python\n# File: tests/test_extensions.py\n{TEST_INVENTORY}```\n"
)

# ADR-021 (the notification dispatcher, a technical ADR in the seed's shape), in the output contract.
NOTIFY_MODELS = """\
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


class ChannelKind(StrEnum):  # the ADR's `(str, Enum)`, as ruff's UP042 wants it
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"


class Notification(BaseModel):
    id: str
    channel: ChannelKind
    recipient: str
    body: str
    created_at: datetime


class DeliveryReport(BaseModel):
    notification_id: str
    delivered: bool
    attempts: int
    dead_lettered: bool
    last_error: str | None = None
"""

NOTIFY_CHANNELS = """\
from typing import Protocol

from notify.models import Notification


class Channel(Protocol):
    name: str

    async def send(self, notification: Notification) -> None:
        \"\"\"Raises ChannelError on a failure worth retrying.\"\"\"


class ChannelError(Exception):
    def __init__(self, channel: str, retryable: bool, message: str) -> None:
        super().__init__(f"{channel}: {message}")
        self.channel = channel
        self.retryable = retryable
"""

NOTIFY_DISPATCHER = """\
from notify.channels import Channel, ChannelError
from notify.models import DeliveryReport, Notification


class Dispatcher:
    \"\"\"Routes each notification to its channel with retries and a dead-letter list.\"\"\"

    def __init__(self, channels: dict[str, Channel], max_attempts: int = 3) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._channels = channels
        self._max_attempts = max_attempts
        self.dead_letters: list[DeliveryReport] = []

    async def dispatch(self, notification: Notification) -> DeliveryReport:
        channel = self._channels.get(notification.channel.value)
        if channel is None:
            return self._dead(notification, 0, f"no channel {notification.channel.value}")
        last_error = ""
        for attempt in range(1, self._max_attempts + 1):
            try:
                await channel.send(notification)
            except ChannelError as error:
                last_error = str(error)
                if not error.retryable:
                    return self._dead(notification, attempt, last_error)
            else:
                return DeliveryReport(
                    notification_id=notification.id, delivered=True, attempts=attempt, dead_lettered=False
                )
        return self._dead(notification, self._max_attempts, last_error)

    def _dead(self, notification: Notification, attempts: int, error: str) -> DeliveryReport:
        report = DeliveryReport(
            notification_id=notification.id, delivered=False, attempts=attempts, dead_lettered=True, last_error=error
        )
        self.dead_letters.append(report)
        return report
"""

NOTIFY_TEST = """\
import asyncio
from datetime import datetime

import pytest

from notify.channels import ChannelError
from notify.dispatcher import Dispatcher
from notify.models import ChannelKind, Notification


class Recorder:
    def __init__(self, name: str, failures: list[ChannelError] | None = None, hang: asyncio.Event | None = None):
        self.name = name
        self.failures = list(failures or [])
        self.hang = hang
        self.sent: list[str] = []

    async def send(self, notification: Notification) -> None:
        if self.hang is not None:
            await self.hang.wait()
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(notification.id)


def note(number: int, channel: ChannelKind = ChannelKind.EMAIL) -> Notification:
    return Notification(id=f"n{number}", channel=channel, recipient="r", body="b", created_at=datetime(2026, 1, 1))


def test_a_failing_channel_does_not_delay_the_others():
    async def scenario():
        stuck = asyncio.Event()
        dispatcher = Dispatcher({"sms": Recorder("sms", hang=stuck), "email": Recorder("email")})
        slow = asyncio.create_task(dispatcher.dispatch(note(1, ChannelKind.SMS)))
        report = await asyncio.wait_for(dispatcher.dispatch(note(2)), timeout=5)
        assert report.delivered and not slow.done()
        stuck.set()
        assert (await slow).delivered

    asyncio.run(scenario())


def test_retryable_failures_are_retried_then_delivered():
    channel = Recorder("email", [ChannelError("email", True, "busy")])
    report = asyncio.run(Dispatcher({"email": channel}).dispatch(note(1)))
    assert (report.delivered, report.attempts, channel.sent) == (True, 2, ["n1"])


def test_dead_lettered_after_max_attempts():
    failures = [ChannelError("email", True, "down") for _ in range(3)]
    dispatcher = Dispatcher({"email": Recorder("email", failures)}, max_attempts=3)
    report = asyncio.run(dispatcher.dispatch(note(1)))
    assert report.dead_lettered and report.attempts == 3 and "down" in report.last_error
    assert dispatcher.dead_letters == [report]


def test_a_permanent_failure_is_dead_lettered_at_once():
    channel = Recorder("email", [ChannelError("email", False, "bad address")])
    report = asyncio.run(Dispatcher({"email": channel}).dispatch(note(1)))
    assert report.dead_lettered and report.attempts == 1


def test_an_unknown_channel_is_dead_lettered_not_lost():
    report = asyncio.run(Dispatcher({}).dispatch(note(1, ChannelKind.PUSH)))
    assert report.dead_lettered and report.attempts == 0


def test_max_attempts_must_be_positive():
    with pytest.raises(ValueError):
        Dispatcher({}, max_attempts=0)
"""


def notify_answer(tests: dict[str, str] | None = None, leave_out: str = "") -> str:
    files = {
        "notify/dispatcher.py": NOTIFY_DISPATCHER,
        "notify/channels.py": NOTIFY_CHANNELS,
        "notify/models.py": NOTIFY_MODELS,
        **(tests if tests is not None else {"tests/test_dispatcher.py": NOTIFY_TEST}),
    }
    return "\n\n".join(f"```python\n# File: {path}\n{code}```" for path, code in files.items() if path != leave_out)


NOTIFY = notify_answer()
