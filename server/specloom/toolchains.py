"""Toolchain folders: where each language's gate tools are prepared once, so a gate run never downloads.

`<root>/<pack>@<version>` for a pack's language, `<root>/<language>@<specloom version>` for the others;
the root is $SPECLOOM_TOOLCHAINS or ~/.cache/specloom/toolchains. Preparing is the language's own
(`LanguageGates.prepare`); this module chooses the folders and serialises preparations of one folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from specloom import __version__
from specloom.backends.base import ToolchainError
from specloom.backends.languages import gated_languages, gates_for

if TYPE_CHECKING:
    from specloom.templates.packs import Pack

__all__ = ["ToolchainError", "folders_for", "language_folder", "pack_folder", "prepare", "toolchains_root"]


def toolchains_root() -> Path:
    return Path(os.environ.get("SPECLOOM_TOOLCHAINS") or Path.home() / ".cache" / "specloom" / "toolchains")


def pack_folder(pack: Pack) -> Path:
    return toolchains_root() / pack.ref


def language_folder(language: str) -> Path:
    return toolchains_root() / f"{language}@{__version__}"


def folders_for(pack: Pack | None) -> dict[str, Path]:
    """Every gated language's folder: the pack's own for its language, the language default for the rest."""
    folders = {name: language_folder(name) for name in gated_languages()}
    if pack is not None:
        folders[pack.language] = pack_folder(pack)
    return folders


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    # Two generations preparing one folder at once would interleave installs into it.
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".prepare.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def prepare(language: str, folder: Path, pack_toolchain: Path | None = None) -> str | None:
    """Prepare `folder` for `language`'s gates (the language's `prepare`, a no-op when it is ready): None when
    the tools can then run, else what still stops them (its `tool_problem`). ToolchainError when it failed."""
    gates = gates_for(language)
    if gates is None:
        raise ToolchainError(f"no gates for the language '{language}': known are {', '.join(gated_languages())}")
    with _locked(folder):
        gates.prepare(folder, pack_toolchain if pack_toolchain is not None and pack_toolchain.is_dir() else None)
    return gates.tool_problem(folder)


def prepare_pack(pack: Pack) -> str | None:
    return prepare(pack.language, pack_folder(pack), pack.root / "toolchain")
