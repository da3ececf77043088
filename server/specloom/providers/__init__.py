"""AI providers behind one protocol, and the orchestrator that routes, retries and fails over.

Nothing here imports an SDK until a provider is used.
"""

from __future__ import annotations

from specloom.core.errors import AllProvidersFailed

from .base import (
    AIProvider,
    Attempt,
    Capabilities,
    Completion,
    Pricing,
    Prompt,
    ProviderFailure,
    Unsupported,
)
from .orchestrator import CircuitBreaker, Orchestrator, RetryPolicy, Task

__all__ = [
    "AIProvider",
    "AllProvidersFailed",
    "Attempt",
    "Capabilities",
    "CircuitBreaker",
    "Completion",
    "Orchestrator",
    "Pricing",
    "Prompt",
    "ProviderFailure",
    "RetryPolicy",
    "Task",
    "Unsupported",
    "build_providers",
    "build_orchestrator",
]


def build_providers(config) -> dict[str, AIProvider]:
    """Every provider the configuration defines, plus the built-in `template` one."""
    from .sdk import ADAPTERS
    from .template import TemplateProvider

    providers: dict[str, AIProvider] = {"template": TemplateProvider()}
    for name, settings in config.providers.items():
        if settings.kind == "template":
            providers[name] = TemplateProvider()
            continue
        providers[name] = ADAPTERS[settings.kind](
            name,
            model=settings.model,
            base_url=settings.base_url,
            api_key_env=settings.api_key_env,
            timeout=settings.timeout,
            max_tokens=settings.max_tokens,
            capabilities=Capabilities(
                languages=frozenset(settings.languages) if settings.languages else None,
                context_window=settings.context_window,
            ),
            pricing=Pricing(settings.input_cost_per_million, settings.output_cost_per_million),
        )
    return providers


def build_orchestrator(config, providers: dict[str, AIProvider] | None = None) -> Orchestrator:
    generation = config.generation
    providers = providers if providers is not None else build_providers(config)
    orchestrator = Orchestrator(
        providers,
        generation.fallback_chain,
        policy=RetryPolicy(max_retries=generation.max_retries, base_delay=generation.retry_base_delay),
    )
    for name, settings in config.providers.items():
        breaker = orchestrator.breakers[name]
        breaker.threshold, breaker.reset_after = settings.breaker_threshold, settings.breaker_reset_seconds
    return orchestrator
