"""The router: which provider does a task, retries, failover, circuit breakers and the deadline.

Retryable failures (429 with its Retry-After, 5xx, timeouts, lost connections, truncated streams)
are retried with exponential backoff and full jitter; every other failure moves straight to the
next provider in the chain. A breaker per provider stops calling one that keeps failing and lets
one trial call through once its cool-down has passed. Every call, and every provider passed over,
is an Attempt for the audit log.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from specloom.core.errors import AllProvidersFailed

from .base import AIProvider, Attempt, Completion, Prompt, ProviderFailure, StreamProgress

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 2  # per provider, after the first call
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 60.0  # a longer Retry-After moves on to the next provider instead

    def backoff(self, retry: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2**retry))


class CircuitBreaker:
    """Closed, open after `threshold` failures in a row, half-open (one trial) after `reset_after` s."""

    def __init__(self, threshold: int = 3, reset_after: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.threshold, self.reset_after, self.clock = threshold, reset_after, clock
        self.failures = 0
        self.opened_at: float | None = None
        self.trial_running = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.clock() - self.opened_at >= self.reset_after else "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self.trial_running:
            self.trial_running = True
            return True
        return False

    def retry_in(self) -> float:
        return 0.0 if self.opened_at is None else max(self.reset_after - (self.clock() - self.opened_at), 0.0)

    def record_success(self) -> None:
        self.failures, self.opened_at, self.trial_running = 0, None, False

    def record_failure(self) -> None:
        self.failures += 1
        if self.trial_running or self.failures >= self.threshold:
            self.opened_at = self.clock()
        self.trial_running = False


@dataclass(slots=True)
class Task:
    """What the router needs to know to choose providers for one piece of work."""

    kind: str  # openapi | adr | graphql | story
    language: str
    context: dict = field(default_factory=dict)
    max_cost_usd: float | None = None


Accept = Callable[[Completion], object]  # raises ProviderFailure when the output is unusable
Repair = Callable[[Prompt, str, str], Prompt]  # (first prompt, the refused answer, why) -> the next prompt


class Orchestrator:
    def __init__(
        self,
        providers: dict[str, AIProvider],
        chain: list[str],
        *,
        policy: RetryPolicy | None = None,
        breaker_threshold: int = 3,
        breaker_reset: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        unknown = [name for name in chain if name not in providers]
        if unknown:
            raise ValueError(f"fallback_chain names unknown provider(s): {', '.join(unknown)}")
        self.providers, self.chain = providers, list(chain)
        self.policy = policy or RetryPolicy()
        self.clock, self.sleep, self.rng = clock, sleep, rng or random.Random()
        self.breakers = {name: CircuitBreaker(breaker_threshold, breaker_reset, clock) for name in providers}

    @property
    def primary(self) -> str | None:
        return self.chain[0] if self.chain else None

    def order(self, prefer: str | None = None) -> list[str]:
        """The chain, starting from `prefer` (the provider a repair goes back to) when given."""
        if prefer in self.chain:
            start = self.chain.index(prefer)
            return self.chain[start:] + self.chain[:start]
        return list(self.chain)

    async def aclose(self) -> None:
        """Close the providers' HTTP clients (the CLI does at exit; the language server at shutdown)."""
        for provider in self.providers.values():
            close = getattr(provider, "aclose", None)
            if close is not None:
                await close()

    async def complete(
        self,
        task: Task,
        prompt: Prompt,
        *,
        round_name: str = "generate",
        prefer: str | None = None,
        deadline: float | None = None,
        accept: Accept | None = None,
        repair: Repair | None = None,
        on_attempt: Callable[[Attempt], None] | None = None,
        on_progress: Callable[[str, int], None] | None = None,
        cancel: asyncio.Event | None = None,
    ) -> tuple[str, Completion, object, list[Attempt]]:
        """(provider name, completion, what `accept` returned, attempts), or AllProvidersFailed.

        When `accept` refuses an answer as malformed, `repair(prompt, answer, problem)` gives the prompt
        of one more round with the same provider (audited as "<round>: output repair").
        """
        attempts: list[Attempt] = []

        def record(attempt: Attempt) -> None:
            attempts.append(attempt)
            if on_attempt is not None:
                on_attempt(attempt)

        for name in self.order(prefer):
            provider = self.providers[name]
            reason = self._pass_over(name, provider, task, prompt)
            if reason:
                record(Attempt(name, provider.model, round_name, "skipped", error=reason))
                continue
            retry, call_prompt, call_round = 0, prompt, round_name
            while True:
                remaining = None if deadline is None else deadline - self.clock()
                if remaining is not None and remaining <= 0:
                    raise _all_failed(self.primary, attempts, "the deadline passed")
                if cancel is not None and cancel.is_set():
                    raise asyncio.CancelledError
                progress = _progress_for(name, on_progress)
                started = time.perf_counter()
                completion = None
                try:
                    context = {"kind": task.kind, "language": task.language} | task.context
                    completion = await _call(provider, call_prompt, context, progress, remaining, cancel)
                    accepted = accept(completion) if accept is not None else None
                except ProviderFailure as failure:
                    if failure.kind != "unsupported":
                        self.breakers[name].record_failure()
                    attempt = _failed(name, provider, call_round, failure, started, retry, completion)
                    record(attempt)
                    if failure.kind == "unsupported":
                        attempt.outcome = "skipped"
                        break
                    if failure.kind == "malformed_output" and repair is not None and call_prompt is prompt:
                        # One round for the same model to mend its answer, told what was wrong, before the next.
                        call_prompt = repair(prompt, completion.text, failure.message)
                        call_round = f"{round_name}: output repair"
                        continue
                    wait = self._wait_before_retry(failure, retry, deadline)
                    if wait is None or not self.breakers[name].allow():
                        break
                    await self.sleep(wait)
                    retry += 1
                    continue
                self.breakers[name].record_success()
                cost = provider.cost_estimate(completion.tokens_in, completion.tokens_out)
                record(
                    Attempt(
                        name,
                        completion.model,
                        call_round,
                        "ok",
                        completion.tokens_in,
                        completion.tokens_out,
                        cost,
                        _ms(started),
                        retry=retry,
                    )
                )
                return name, completion, accepted, attempts
        raise _all_failed(self.primary, attempts)

    def _pass_over(self, name: str, provider: AIProvider, task: Task, prompt: Prompt) -> str | None:
        """Why the router does not call this provider for this task, if it does not.

        The breaker is asked last: in its half-open state asking takes the one trial call.
        """
        capabilities = provider.capabilities()
        if not capabilities.supports(task.language):
            return f"does not generate {task.language}"
        tokens = prompt.estimated_tokens()
        if tokens > capabilities.context_window:
            return f"prompt of about {tokens} tokens exceeds its context window of {capabilities.context_window}"
        if task.max_cost_usd is not None:
            estimate = provider.cost_estimate(tokens, tokens)
            if estimate > task.max_cost_usd:
                return f"estimated ${estimate:.4f} exceeds max_cost_usd ${task.max_cost_usd:.4f}"
        breaker = self.breakers[name]
        if not breaker.allow():
            return f"circuit open after {breaker.failures} failure(s) in a row; next trial in {breaker.retry_in():.0f}s"
        return None

    def _wait_before_retry(self, failure: ProviderFailure, retry: int, deadline: float | None) -> float | None:
        if not failure.retryable or retry >= self.policy.max_retries:
            return None
        if failure.retry_after is not None:
            if failure.retry_after > self.policy.max_retry_after:
                return None
            wait = failure.retry_after
        else:
            wait = self.policy.backoff(retry, self.rng)
        if deadline is not None and self.clock() + wait >= deadline:
            return None
        return wait


async def _call(
    provider: AIProvider,
    prompt: Prompt,
    context: dict,
    progress: StreamProgress | None,
    remaining: float | None,
    cancel: asyncio.Event | None,
) -> Completion:
    call = asyncio.ensure_future(provider.generate(prompt, context, progress))
    waiters = {call}
    stop = None
    if cancel is not None:
        stop = asyncio.ensure_future(cancel.wait())
        waiters.add(stop)
    try:
        done, _ = await asyncio.wait(waiters, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if stop is not None:
            stop.cancel()
    if call in done:
        return call.result()
    call.cancel()
    if cancel is not None and cancel.is_set():
        raise asyncio.CancelledError
    raise ProviderFailure("the overall deadline passed during the call", retryable=False, kind="deadline")


def _progress_for(name: str, on_progress: Callable[[str, int], None] | None) -> StreamProgress | None:
    if on_progress is None:
        return None
    return lambda received: on_progress(name, received)


def _failed(
    name: str,
    provider: AIProvider,
    round_name: str,
    failure: ProviderFailure,
    started: float,
    retry: int,
    completion: Completion | None = None,
):
    # A refused answer was still paid for: its tokens are the completion's.
    tokens_in = completion.tokens_in if completion is not None else failure.tokens_in
    tokens_out = completion.tokens_out if completion is not None else failure.tokens_out
    return Attempt(
        name,
        completion.model if completion is not None else provider.model,
        round_name,
        "error",
        tokens_in,
        tokens_out,
        provider.cost_estimate(tokens_in, tokens_out),
        _ms(started),
        error=f"{failure.kind}: {failure.message}",
        status=failure.status,
        retry=retry,
    )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _all_failed(primary: str | None, attempts: list[Attempt], reason: str = "") -> AllProvidersFailed:
    last: dict[str, str] = {}  # each provider once, with its last error
    for attempt in attempts:
        last[attempt.provider] = attempt.error or attempt.outcome
    return AllProvidersFailed(primary or "none", list(last.items()), reason, attempts)
