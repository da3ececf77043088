"""The AIProvider contract, what a provider returns, and how its failures are classified.

Adapters translate their SDK's exceptions into ProviderFailure, so the orchestrator decides
retries and fallback on one vocabulary: retryable (429, 5xx, timeouts, lost connections) or not
(bad key, invalid request, content policy, unusable output).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Protocol, runtime_checkable

from specloom.core.errors import SpecloomError

# Called with the number of characters received so far, so long generations show progress.
StreamProgress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Prompt:
    system: str
    user: str

    def estimated_tokens(self) -> int:
        # About four characters a token for English and code; close enough to route on.
        return (len(self.system) + len(self.user)) // 4 + 1


@dataclass(frozen=True, slots=True)
class Capabilities:
    languages: frozenset[str] | None = None  # None: any language
    context_window: int = 128_000

    def supports(self, language: str) -> bool:
        return self.languages is None or language in self.languages


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass(frozen=True, slots=True)
class Pricing:
    """US dollars per million tokens."""

    input_per_million: float = 0.0
    output_per_million: float = 0.0

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        return round((tokens_in * self.input_per_million + tokens_out * self.output_per_million) / 1_000_000, 6)


class ProviderFailure(SpecloomError):
    """One provider call that did not produce usable output."""

    code = "E-PROVIDER"

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
        kind: str = "error",  # rate_limited | server_error | timeout | connection | auth | invalid_request | ...
        tokens_in: int = 0,
        tokens_out: int = 0,
    ) -> None:
        super().__init__(message, "See the provider's status page, or let the fallback chain move on.")
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        self.kind = kind
        self.tokens_in = tokens_in
        self.tokens_out = tokens_out

    def __str__(self) -> str:
        return self.message


class Unsupported(ProviderFailure):
    """The provider cannot do this task at all (the template provider asked for an ADR, say)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False, kind="unsupported")


@runtime_checkable
class AIProvider(Protocol):
    name: str
    model: str

    async def generate(self, prompt: Prompt, context: dict, on_progress: StreamProgress | None = None) -> Completion:
        """Raise ProviderFailure when no usable completion came back."""
        ...

    def capabilities(self) -> Capabilities: ...

    def cost_estimate(self, tokens_in: int, tokens_out: int = 0) -> float: ...

    async def health(self) -> str:
        """ "ok", or why the provider cannot be used now (the key is never part of it)."""
        ...


@dataclass(slots=True)
class Attempt:
    """One call to one provider, as the audit log records it."""

    provider: str
    model: str
    round: str  # "generate", "repair 1", ...
    outcome: str  # ok | error | skipped
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    error: str | None = None
    status: int | None = None
    retry: int = 0

    def to_json(self) -> dict:
        return asdict(self)
