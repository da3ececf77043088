"""Rust's gates: not prepared yet, so every gate of Rust code fails closed."""

from __future__ import annotations

from pathlib import Path

from specloom.gates.base import GateConfig, GateFinding


class RustGates:
    language = "rust"
    suffixes = (".rs",)

    def tool_problem(self, tools: Path) -> str | None:
        return "Rust's gate tools (cargo fmt, cargo clippy, cargo test, cargo-llvm-cov) are not wired yet"

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        """Nothing to prepare yet; tool_problem keeps failing the gates."""

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return []  # never reached: tool_problem always answers

    security = tests = style


GATES = RustGates()
