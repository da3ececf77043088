"""Style gate: each present language's formatter and linter (Python: ruff), with the gate's own rules."""

from __future__ import annotations

import asyncio
from pathlib import Path

from specloom.backends.languages import present_languages
from specloom.gates.base import GateConfig, GateResult, guarded, skipped
from specloom.gates.languages import per_language

NAME = "style"
NO_CODE = "no code of a gated language"


class StyleGate:
    name = NAME

    async def run(self, root: Path, cfg: GateConfig, cancel: asyncio.Event | None) -> GateResult:
        languages = present_languages(root)
        if not languages:
            return skipped(self.name, NO_CODE)
        check = per_language(NAME, languages, cfg, lambda lang, tools: lang.style(root, cfg, tools))
        return await guarded(self.name, cfg, cancel, check)
