"""Each language's gates, by language name: the style, security and tests gates run every present language's.

Modules are imported on first use, like the pack backends.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from specloom.backends.base import LanguageGates

# language -> module whose GATES gates its code
_MODULES = {
    name: f"specloom.backends.languages.{name}" for name in ("python", "typescript", "go", "rust", "java", "csharp")
}


def gated_languages() -> list[str]:
    return list(_MODULES)


def gates_for(language: str) -> LanguageGates | None:
    module = _MODULES.get(language)
    return importlib.import_module(module).GATES if module else None


def present_languages(root: Path) -> list[LanguageGates]:
    """The languages whose code is in the tree under `root`, in registry order."""
    from specloom.gates.base import project_files  # here: the gates package imports this registry

    every = [gates_for(name) for name in _MODULES]
    suffixes = {suffix for lang in every for suffix in lang.suffixes}
    found = {path.name[path.name.rfind(".") :] for path in project_files(root, tuple(suffixes))}
    return [lang for lang in every if found.intersection(lang.suffixes)]
