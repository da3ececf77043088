"""Go's gates: not prepared yet, so every gate of Go code fails closed."""

from __future__ import annotations

from pathlib import Path

from specloom.gates.base import GateConfig, GateFinding


class GoGates:
    language = "go"
    suffixes = (".go",)

    def tool_problem(self, tools: Path) -> str | None:
        return "Go's gate tools (go vet, staticcheck, gosec, go test) are not prepared in this version of specloom"

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        """Nothing to prepare yet; tool_problem keeps failing the gates."""

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return []  # never reached: tool_problem always answers

    security = tests = style


GATES = GoGates()
