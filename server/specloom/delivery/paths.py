"""Which generated paths may be written, and where they land: always inside the target, never elsewhere."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from specloom.core.errors import SpecloomError

STATE_DIR = ".specloom"
_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafePath(SpecloomError):
    code = "E-UNSAFE-PATH"
    default_suggestion = (
        "Generated paths must be relative, stay inside the target and avoid .specloom/; "
        "if a symbolic link in the target points elsewhere, remove it or deliver to another folder."
    )

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Refused to write {path!r}: {reason}.")

    def details(self) -> dict:
        return {"path": self.path, "reason": self.reason}


def safe_relative(path: str) -> PurePosixPath:
    """`path` as a normalised relative POSIX path, or UnsafePath if it could escape or hit specloom's own state."""
    if not path:
        raise UnsafePath(path, "the path is empty")
    if "\0" in path:
        raise UnsafePath(path, "the path contains a NUL character")
    # A backslash is a separator on Windows and a name character elsewhere: refused so both agree.
    if "\\" in path:
        raise UnsafePath(path, "the path contains a backslash; use '/' as the separator")
    if _DRIVE.match(path):
        raise UnsafePath(path, "the path starts with a drive letter")
    if path.startswith("/"):
        raise UnsafePath(path, "the path is absolute")
    rel = PurePosixPath(path)
    if ".." in rel.parts:
        raise UnsafePath(path, "the path has a '..' segment")
    if not rel.parts:
        raise UnsafePath(path, "the path names no file")
    # Case-folded: on case-insensitive file systems '.SPECLOOM' is the same folder.
    if rel.parts[0].lower() == STATE_DIR:
        raise UnsafePath(path, f"{STATE_DIR}/ holds specloom's own state")
    return rel


def is_within(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives on Windows
        return False


def resolve_inside(target: Path, rel: str | PurePosixPath) -> Path:
    """Where `rel` lands under `target`, refusing symbolic links that lead outside it.

    Each existing component is checked with `os.path.realpath`, so a link anywhere on the way (or a chain of
    links) is followed to where it really goes. The last component may not be a link at all: replacing it
    would silently turn the user's link into a plain file.
    """
    rel = safe_relative(rel.as_posix() if isinstance(rel, PurePosixPath) else rel)
    root = os.path.realpath(target)
    current = Path(target)
    for index, part in enumerate(rel.parts):
        current = current / part
        if not os.path.islink(current):
            if not os.path.lexists(current):
                break  # nothing below a missing component exists, so there is nothing left to follow
            continue
        shown = "/".join(rel.parts[: index + 1])
        real = os.path.realpath(current)
        if not is_within(real, root):
            raise UnsafePath(str(rel), f"'{shown}' is a symbolic link to {real}, outside the target")
        if index == len(rel.parts) - 1:
            raise UnsafePath(str(rel), f"'{shown}' is a symbolic link; specloom only replaces regular files")
    return Path(target) / rel
