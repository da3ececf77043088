"""Tests gate: each present language's test suite passes, and its line coverage meets the threshold."""

from __future__ import annotations

import asyncio
from pathlib import Path

from specloom.backends.languages import present_languages
from specloom.gates.base import GateConfig, GateResult, guarded, skipped
from specloom.gates.languages import per_language
from specloom.gates.style import NO_CODE

NAME = "tests"


class TestsGate:
    name = NAME
    __test__ = False  # not a pytest test class, despite the name

    async def run(self, root: Path, cfg: GateConfig, cancel: asyncio.Event | None) -> GateResult:
        languages = present_languages(root)
        if not languages:
            return skipped(self.name, NO_CODE)
        check = per_language(NAME, languages, cfg, lambda lang, tools: lang.tests(root, cfg, tools))
        return await guarded(self.name, cfg, cancel, check)
