"""Pack backends, by the pack name a manifest gives: a new language is one backend package and one pack folder.

The backend of pack `name` is the package `specloom.backends.<name with - as _>`, whose `BACKEND` owns it; no
list names them, so adding one edits nothing here. Backends are imported on first use, so discovering packs
costs no import of any backend's code.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from specloom.backends.base import PackBackend, Rendering

# Packages here that are no pack's backend.
_NOT_PACKS = {"languages"}

__all__ = ["PackBackend", "Rendering", "backend_named", "backend_for", "known_backends"]


def known_backends() -> list[str]:
    found = pkgutil.iter_modules([str(Path(__file__).parent)])
    return sorted(m.name.replace("_", "-") for m in found if m.ispkg and m.name not in _NOT_PACKS)


def backend_named(name: str) -> PackBackend | None:
    if name not in known_backends():
        return None
    return importlib.import_module(f"{__name__}.{name.replace('-', '_')}").BACKEND


def backend_for(language: str, framework: str | None) -> PackBackend | None:
    """The backend that renders (language, framework), if any pack does."""
    for name in known_backends():
        backend = backend_named(name)
        if backend.language == language and backend.framework == framework:
            return backend
    return None
