"""TypeScript's gates: not prepared yet, so every gate of TypeScript code fails closed."""

from __future__ import annotations

from pathlib import Path

from specloom.gates.base import GateConfig, GateFinding


class TypeScriptGates:
    language = "typescript"
    suffixes = (".ts", ".mts", ".cts", ".tsx")

    def tool_problem(self, tools: Path) -> str | None:
        return "TypeScript's gate tools (tsc, ESLint, Prettier, Vitest) are not prepared in this version of specloom"

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        """Nothing to prepare yet; tool_problem keeps failing the gates."""

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return []  # never reached: tool_problem always answers

    security = tests = style


GATES = TypeScriptGates()
