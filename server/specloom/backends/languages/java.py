"""Java's gates: not prepared yet, so every gate of Java code fails closed."""

from __future__ import annotations

from pathlib import Path

from specloom.gates.base import GateConfig, GateFinding


class JavaGates:
    language = "java"
    suffixes = (".java",)

    def tool_problem(self, tools: Path) -> str | None:
        return "Java's gate tools (Maven, JaCoCo) are not prepared in this version of specloom"

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        """Nothing to prepare yet; tool_problem keeps failing the gates."""

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return []  # never reached: tool_problem always answers

    security = tests = style


GATES = JavaGates()
