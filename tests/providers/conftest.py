from __future__ import annotations

import pytest

from .wire_server import WireServer

KEY = "sk-specloom-test-0123456789abcdef"


@pytest.fixture
def wire():
    with WireServer() as server:
        yield server


@pytest.fixture
def api_key(monkeypatch):
    for name in ("OPENAI_KEY", "ANTHROPIC_KEY", "GEMINI_KEY", "OLLAMA_KEY"):
        monkeypatch.setenv(name, KEY)
    return KEY


def provider_toml(wire: WireServer, providers: dict[str, str], chain: list[str], **generation) -> str:
    """specloom.toml text for providers {name: kind} served by `wire`, each under its own name."""
    lines = []
    for name, kind in providers.items():
        lines += [
            f"[providers.{name}]",
            f'kind = "{kind}"',
            f'model = "{kind}-test-model"',
            f'base_url = "{wire.base_url(kind, name)}"',
            f'api_key_env = "{kind.upper()}_KEY"',
            "timeout = 2",
            "",
        ]
    lines += ["[generation]", f"fallback_chain = {chain!r}".replace("'", '"')]
    lines += [f"{key} = {value!r}" for key, value in generation.items()]
    return "\n".join(lines) + "\n"
