"""Quality gates: generated code reaches the user only if every gate passes on its staging directory."""

from specloom.gates.base import Gate, GateConfig, GateFinding, GateResult
from specloom.gates.runner import default_gates, run_gates, run_gates_sync

__all__ = ["Gate", "GateConfig", "GateFinding", "GateResult", "default_gates", "run_gates", "run_gates_sync"]
