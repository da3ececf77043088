"""Toolchain folders: where a pack's (or a language's) pinned tools and caches are prepared once.

A stand-in of the gates branch's module with the contract's names only (the lead keeps that branch's version).
"""

from __future__ import annotations

import os
from pathlib import Path


class ToolchainError(Exception):
    """A toolchain could not be prepared; the message names what failed."""


def toolchains_root() -> Path:
    configured = os.environ.get("SPECLOOM_TOOLCHAINS")
    return Path(configured) if configured else Path.home() / ".cache" / "specloom" / "toolchains"
