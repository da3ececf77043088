"""Running one gate's check for every language present in a tree, failing closed when its tools cannot run."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from specloom.backends.base import LanguageGates
from specloom.gates.base import GateConfig, GateFinding, whole_run
from specloom.toolchains import language_folder

Check = Callable[[LanguageGates, Path], Awaitable[list[GateFinding]]]


def toolchain_for(cfg: GateConfig, language: str) -> Path:
    """The folder the language's tools run from: the pipeline's choice, else the language's default."""
    return cfg.toolchains.get(language) or language_folder(language)


async def per_language(gate: str, languages: list[LanguageGates], cfg: GateConfig, check: Check) -> list[GateFinding]:
    """Every language's findings, merged; a language whose tools cannot run is a `tool-missing` error, never a pass."""

    async def one(lang: LanguageGates) -> list[GateFinding]:
        tools = toolchain_for(cfg, lang.language)
        problem = lang.tool_problem(tools)
        if problem is not None:
            return [whole_run(gate, "tool-missing", f"{lang.language}: {problem}")]
        return await check(lang, tools)

    found = await asyncio.gather(*(one(lang) for lang in languages))
    return [finding for findings in found for finding in findings]
