"""Finding the specs in a set of paths or a workspace folder."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from specloom.core.specs import GRAPHQL_EXTENSIONS, MARKDOWN_EXTENSIONS, OPENAPI_EXTENSIONS

SPEC_EXTENSIONS = OPENAPI_EXTENSIONS + GRAPHQL_EXTENSIONS + MARKDOWN_EXTENSIONS
SKIPPED_DIRS = {
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".specloom",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "dist",
    "build",
    "site-packages",
}


def candidate_files(root: Path) -> Iterator[Path]:
    """Files under `root` that could be specs, in a stable order, skipping tool and VCS folders."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.lower().endswith(SPEC_EXTENSIONS):
                yield Path(dirpath) / name


def expand(paths: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for each path; directories expand to their candidate files."""
    out: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend((f, False) for f in candidate_files(path))
        else:
            out.append((path, True))
    return out
