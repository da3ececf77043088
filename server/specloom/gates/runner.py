"""Run the gates on a staging directory, concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from specloom.gates.base import Gate, GateConfig, GateResult
from specloom.gates.security import SecurityGate
from specloom.gates.style import StyleGate
from specloom.gates.syntax import SyntaxGate
from specloom.gates.tests import TestsGate


def default_gates() -> list[Gate]:
    return [SyntaxGate(), StyleGate(), SecurityGate(), TestsGate()]


async def run_gates(
    root: Path,
    cfg: GateConfig | None = None,
    gates: Sequence[Gate] | None = None,
    cancel: asyncio.Event | None = None,
) -> list[GateResult]:
    """One result per gate, in the order given. Each gate keeps to its own budget and stops when `cancel` is set."""
    cfg = cfg or GateConfig()
    root = Path(root)
    return list(await asyncio.gather(*(gate.run(root, cfg, cancel) for gate in gates or default_gates())))


def run_gates_sync(root: Path, cfg: GateConfig | None = None, gates: Sequence[Gate] | None = None) -> list[GateResult]:
    return asyncio.run(run_gates(root, cfg, gates))
