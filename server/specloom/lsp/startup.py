"""A cache of the methods attrs compiles for lsprotocol's classes, so the server starts fast.

Importing lsprotocol.types defines about 600 attrs classes, and attrs generates and compiles their
`__init__`, `__eq__` and friends from source text each time: half of the server's start-up. The
source is the same on every start, so the compiled code objects are kept in a marshal file in the
user's cache folder, keyed by the attrs and Python versions. Anything unexpected (another attrs
internals, an unreadable or corrupt cache) falls back to plain compiling.
"""

from __future__ import annotations

import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def cache_file() -> Path:
    from importlib.metadata import version

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    tag = f"attrs-{version('attrs')}-py{sys.version_info.major}{sys.version_info.minor}-{sys.implementation.name}"
    return base / "specloom" / f"{tag}.marshal"


def install_code_cache(path: Path | None = None) -> Callable[[], None]:
    """Route attrs' compiling through the cache; call before lsprotocol is imported.

    Returns what saves the cache when it learnt something: call it once the server is built.
    """
    try:
        from attr import _make
    except ImportError:
        return lambda: None
    compile_and_eval = getattr(_make, "_compile_and_eval", None)
    if compile_and_eval is None or compile_and_eval.__code__.co_varnames[:4] != ("script", "globs", "locs", "filename"):
        return lambda: None  # attrs' internals changed: start the slow way rather than guess
    path = path or cache_file()
    codes = _load(path)
    known = len(codes)

    def cached_compile_and_eval(script, globs, locs=None, filename=""):
        key = f"{filename}\0{script}"
        code = codes.get(key)
        if code is None:
            code = codes[key] = compile(script, filename, "exec")
        eval(code, globs, locs)  # noqa: S307 - attrs' own generated code, as attrs itself runs it

    _make._compile_and_eval = cached_compile_and_eval

    def save() -> None:
        if len(codes) > known:
            _save(path, codes)

    return save


def _load(path: Path) -> dict:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(path: Path, codes: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(marshal.dumps(codes))
        os.replace(handle.name, path)  # another server starting at once reads the old file or this one, whole
    except OSError:
        pass  # a read-only home: the next start compiles again
