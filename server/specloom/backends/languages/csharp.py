"""CSharp's gates: not prepared yet, so every gate of CSharp code fails closed."""

from __future__ import annotations

from pathlib import Path

from specloom.gates.base import GateConfig, GateFinding


class CSharpGates:
    language = "csharp"
    suffixes = (".cs",)

    def tool_problem(self, tools: Path) -> str | None:
        return "CSharp's gate tools (dotnet build, dotnet format, dotnet test) are not wired yet"

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        """Nothing to prepare yet; tool_problem keeps failing the gates."""

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return []  # never reached: tool_problem always answers

    security = tests = style


GATES = CSharpGates()
