"""Pack backends, by the pack name a manifest gives: a new language is one backend package and one pack folder.

Backends are imported on first use, so discovering packs costs no import of any backend's code.
"""

from __future__ import annotations

import importlib

from specloom.backends.base import PackBackend, Rendering

# pack name -> module whose BACKEND owns it
_MODULES = {
    "python-fastapi": "specloom.backends.python_fastapi",
    "typescript-fastify": "specloom.backends.typescript_fastify",
    "go-nethttp": "specloom.backends.go_nethttp",
}

__all__ = ["PackBackend", "Rendering", "backend_named", "backend_for", "known_backends"]


def known_backends() -> list[str]:
    return sorted(_MODULES)


def backend_named(name: str) -> PackBackend | None:
    module = _MODULES.get(name)
    return importlib.import_module(module).BACKEND if module else None


def backend_for(language: str, framework: str | None) -> PackBackend | None:
    """The backend that renders (language, framework), if any pack does."""
    for name in _MODULES:
        backend = backend_named(name)
        if backend.language == language and backend.framework == framework:
            return backend
    return None
