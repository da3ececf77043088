"""The router against the official SDKs, pointed at a local server that speaks their wire protocols."""

from __future__ import annotations

import asyncio

import pytest

from specloom.providers import AllProvidersFailed, Orchestrator, Prompt, RetryPolicy, Task
from specloom.providers.output import parse_output
from specloom.providers.sdk import ADAPTERS, classify
from specloom.providers.template import TemplateProvider

from .answers import ESCAPES, GOOD
from .conftest import KEY
from .wire_server import Fault, InvalidJson, Reply, Truncated

PROMPT = Prompt("system text", "user text")
TASK = Task("adr", "python")
PLANNED = ["ratelimit/bucket.py", "ratelimit/registry.py", "tests/test_bucket.py", "tests/test_registry.py"]


@pytest.fixture
async def make(wire):
    made = []

    def build(name: str, kind: str, timeout: float = 2.0):
        made.append(
            ADAPTERS[kind](
                name,
                model=f"{kind}-model",
                base_url=wire.base_url(kind, name),
                api_key_env=f"{kind.upper()}_KEY",
                timeout=timeout,
            )
        )
        return made[-1]

    yield build
    for provider in made:
        await provider.aclose()


def orchestrator(providers, chain=None, **kwargs) -> Orchestrator:
    kwargs.setdefault("policy", RetryPolicy(max_retries=2, base_delay=0.01))
    by_name = {p.name: p for p in providers}
    return Orchestrator(by_name, chain or list(by_name), **kwargs)


@pytest.mark.parametrize("kind", ["openai", "anthropic", "gemini", "ollama"])
async def test_each_sdk_streams_a_scripted_answer_with_its_usage(wire, make, api_key, kind):
    provider = make("p", kind)
    wire.script("p", Reply("hello from the wire", tokens_in=12, tokens_out=34))
    received = []
    completion = await provider.generate(PROMPT, {}, received.append)
    assert completion.text == "hello from the wire"
    assert (completion.tokens_in, completion.tokens_out) == (12, 34)
    assert received and received[-1] == len("hello from the wire")
    request = wire.calls("p")[0]
    assert KEY in " ".join(request.headers.values())  # the key reaches the provider, and only the provider
    assert "system text" in str(request.body) and "user text" in str(request.body)


async def test_failover_to_the_backup_on_5xx_after_retries(wire, make, api_key):
    primary, backup = make("primary", "openai"), make("backup", "anthropic")
    wire.script("primary", Fault(500), Fault(502), Fault(503))
    wire.script("backup", Reply("from the backup"))
    name, completion, _, attempts = await orchestrator([primary, backup]).complete(TASK, PROMPT)
    assert (name, completion.text) == ("backup", "from the backup")
    assert len(wire.calls("primary")) == 3  # the first call and two retries
    assert [(a.provider, a.outcome, a.status) for a in attempts] == [
        ("primary", "error", 500),
        ("primary", "error", 502),
        ("primary", "error", 503),
        ("backup", "ok", None),
    ]


async def test_no_retry_on_401(wire, make, api_key):
    primary, backup = make("primary", "gemini"), make("backup", "ollama")
    wire.script("primary", Fault(401, "API key not valid"), Reply("never asked"))
    wire.script("backup", Reply("ok"))
    name, _, _, attempts = await orchestrator([primary, backup]).complete(TASK, PROMPT)
    assert name == "backup"
    assert len(wire.calls("primary")) == 1
    assert attempts[0].error.startswith("auth: HTTP 401")


async def test_retry_after_is_honoured(wire, make, api_key):
    primary = make("primary", "openai")
    wire.script("primary", Fault(429, "slow down", {"retry-after": "1"}), Reply("after the wait"))
    name, completion, _, attempts = await orchestrator([primary]).complete(TASK, PROMPT)
    first, second = wire.calls("primary")
    assert completion.text == "after the wait"
    assert second.at - first.at >= 0.95  # the backoff alone would be at most 10 ms
    assert [a.outcome for a in attempts] == ["error", "ok"]


async def test_a_hang_past_the_timeout_and_a_truncated_stream_are_retried(wire, make, api_key):
    primary = make("primary", "anthropic", timeout=1.5)  # room for the good answer on a loaded machine
    wire.script("primary", Reply("too late", delay=5), Truncated("cut " * 50), Reply("third time"))
    _, completion, _, attempts = await orchestrator([primary]).complete(TASK, PROMPT)
    assert completion.text == "third time"
    assert [a.error.split(":")[0] for a in attempts[:2]] == ["timeout", "connection"]


async def test_the_breaker_opens_and_recovers(wire, make, api_key):
    now = [0.0]
    primary, backup = make("primary", "openai"), make("backup", "ollama")
    router = orchestrator(
        [primary, backup],
        policy=RetryPolicy(max_retries=0),
        breaker_threshold=2,
        breaker_reset=30,
        clock=lambda: now[0],
    )
    wire.script("primary", Fault(500), Fault(500))
    wire.script("backup", Reply("b1"), Reply("b2"), Reply("b3"))
    for _ in range(2):
        assert (await router.complete(TASK, PROMPT))[0] == "backup"
    assert router.breakers["primary"].state == "open"
    name, _, _, attempts = await router.complete(TASK, PROMPT)
    assert name == "backup" and len(wire.calls("primary")) == 2  # open: not called at all
    assert attempts[0].outcome == "skipped" and "circuit open" in attempts[0].error
    now[0] = 31.0
    wire.script("primary", Reply("recovered"))
    name, completion, _, _ = await router.complete(TASK, PROMPT)
    assert (name, completion.text) == ("primary", "recovered")
    assert router.breakers["primary"].state == "closed"


async def test_all_providers_failed_names_the_primary_and_every_provider_tried(wire, make, api_key):
    providers = [
        make("primary", "openai"),
        make("second", "anthropic"),
        make("third", "gemini", timeout=0.3),
        make("fourth", "ollama"),
        TemplateProvider(),
    ]
    wire.script("primary", Fault(401, "bad key"))
    wire.script("second", Fault(400, "invalid request: max_tokens"))
    wire.script("third", *[Reply("slow", delay=1)] * 3)
    wire.script("fourth", InvalidJson())
    with pytest.raises(AllProvidersFailed) as caught:
        await orchestrator(providers).complete(TASK, PROMPT)
    message = caught.value.message
    assert "primary: primary" in message
    for name, why in [("primary", "401"), ("second", "400"), ("third", "timeout"), ("fourth", "unusable response")]:
        assert f"{name}: " in message and why in message.split(f"{name}: ", 1)[1]
    assert "template: unsupported: no template pack renders adr for python" in message
    assert KEY not in message


async def test_output_leaving_the_target_falls_over_to_the_next_provider(wire, make, api_key):
    primary, backup = make("primary", "openai"), make("backup", "anthropic")
    wire.script("primary", Reply(ESCAPES))
    wire.script("backup", Reply(GOOD))
    name, _, parsed, attempts = await orchestrator([primary, backup]).complete(
        TASK, PROMPT, accept=lambda c: parse_output(c.text, PLANNED)
    )
    assert name == "backup" and sorted(parsed.files) == sorted(PLANNED)
    assert "'..' segment" in attempts[0].error and len(wire.calls("primary")) == 1


async def test_the_deadline_stops_the_chain(wire, make, api_key):
    primary = make("primary", "openai", timeout=5)
    wire.script("primary", Reply("late", delay=3))
    router = orchestrator([primary])
    started = router.clock()
    with pytest.raises(AllProvidersFailed, match="deadline"):
        await router.complete(TASK, PROMPT, deadline=started + 0.3)
    assert router.clock() - started < 2  # not the 3 s the provider takes, nor its 5 s timeout


async def test_a_missing_key_variable_is_named_and_skipped_fast(wire, make, monkeypatch):
    monkeypatch.delenv("OPENAI_KEY", raising=False)
    primary = make("primary", "openai")
    assert await primary.health() == "missing key: set OPENAI_KEY"
    with pytest.raises(AllProvidersFailed, match="OPENAI_KEY is not set"):
        await orchestrator([primary]).complete(TASK, PROMPT)
    assert wire.calls("primary") == []


async def test_cancel_during_a_provider_call_stops_at_once(wire, make, api_key):
    primary = make("primary", "ollama", timeout=10)
    wire.script("primary", Reply("slow", delay=5))
    cancel = asyncio.Event()
    router = orchestrator([primary])
    started = router.clock()
    asyncio.get_running_loop().call_later(0.2, cancel.set)
    with pytest.raises(asyncio.CancelledError):
        await router.complete(TASK, PROMPT, cancel=cancel)
    assert router.clock() - started < 2


def test_retry_after_as_an_http_date_and_in_milliseconds():
    import email.utils
    import time

    class Response:
        def __init__(self, headers):
            self.headers = headers

    class RateLimited(Exception):
        status_code = 429

        def __init__(self, headers):
            super().__init__("slow down")
            self.response = Response(headers)

    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= classify(RateLimited({"retry-after": later})).retry_after <= 30
    assert classify(RateLimited({"retry-after-ms": "1500"})).retry_after == 1.5
    assert classify(RateLimited({"retry-after": "soon"})).retry_after is None
