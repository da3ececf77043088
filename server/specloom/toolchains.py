"""Prepared toolchain folders (contract 1 of issue 12; the gates branch owns the full module).

This branch needs only the folder root and the error `prepare` raises; the merge keeps the gates branch's file.
"""

from __future__ import annotations

import os
from pathlib import Path


class ToolchainError(Exception):
    """A toolchain that could not be prepared, naming what failed."""


def toolchains_root() -> Path:
    """`$SPECLOOM_TOOLCHAINS`, else `~/.cache/specloom/toolchains`."""
    configured = os.environ.get("SPECLOOM_TOOLCHAINS")
    return Path(configured) if configured else Path.home() / ".cache" / "specloom" / "toolchains"
