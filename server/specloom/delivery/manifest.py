"""`.specloom/manifest.json`: what specloom last delivered into a target, so it can tell the user's edits apart.

Shape (version 1)::

    {"version": 1,
     "spec": {"path": "...", "hash": "..."},
     "packs": {"python-fastapi": "1.1.0"},
     "generated_at": "2025-01-01T00:00:00+00:00",
     "commands": {"test": "python -m pytest", "serve": "python -m uvicorn ... --port ${PORT:-8000}"},
     "credentials_env": ["BOOKSTORE_API_TOKENS"],
     "files": {"src/app.py": {"sha256": "...", "producer": "template:python-fastapi@1.1.0", "base": "...",
                              "sources": {"#/paths/~1books/get": "<sha256 of that element>"}}}}

`sources` (optional) holds a hash of each spec element the file was generated from (`core.provenance`),
so a later spec edit marks only the files whose own elements changed. `commands` (optional: a pack's
project has them, a model's alone does not) are shell commands run in the project folder; `serve` listens
on $PORT (default 8000), and `credentials_env` names the variables the served project takes credentials from.

`base` is the exact generated content, the base of the next three-way merge. It is stored inline rather than
as separate files under `.specloom/base/`: then the file list, the hashes and the bases change together in
one atomic rename, and no crash can leave a base that disagrees with its record.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from specloom.core.errors import SpecloomError
from specloom.delivery.paths import STATE_DIR, UnsafePath, safe_relative

MANIFEST_VERSION = 1
MANIFEST_NAME = "manifest.json"


class ManifestError(SpecloomError):
    code = "E-MANIFEST"

    def __init__(self, path: Path, problem: str) -> None:
        self.path = str(path)
        super().__init__(
            f"{path}: {problem}",
            f"Delete {path} and generate again. Files specloom wrote earlier are then treated as yours: "
            "they are reported, never overwritten, until you remove or rename them.",
        )

    def details(self) -> dict:
        return {"path": self.path}


@dataclass(frozen=True, slots=True)
class SpecInfo:
    path: str
    hash: str


@dataclass(frozen=True, slots=True)
class FileRecord:
    sha256: str
    producer: str
    base: str
    sources: dict[str, str] = field(default_factory=dict, compare=False)  # spec pointer -> element hash


@dataclass(slots=True)
class Manifest:
    spec: SpecInfo = SpecInfo("", "")
    packs: dict[str, str] = field(default_factory=dict)
    generated_at: str = ""
    files: dict[str, FileRecord] = field(default_factory=dict)
    commands: dict[str, str] = field(default_factory=dict)  # "test", "serve" -> shell command
    credentials_env: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        run = {"commands": self.commands, "credentials_env": self.credentials_env} if self.commands else {}
        return {
            "version": MANIFEST_VERSION,
            "spec": {"path": self.spec.path, "hash": self.spec.hash},
            "packs": dict(sorted(self.packs.items())),
            "generated_at": self.generated_at,
            **run,
            "files": {
                rel: {"sha256": r.sha256, "producer": r.producer, "base": r.base}
                | ({"sources": dict(sorted(r.sources.items()))} if r.sources else {})
                for rel, r in sorted(self.files.items())
            },
        }


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_path(target: Path) -> Path:
    return Path(target) / STATE_DIR / MANIFEST_NAME


def load_manifest(target: Path) -> Manifest:
    """The target's manifest; an empty one when there is none (nothing delivered yet)."""
    path = manifest_path(target)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Manifest()
    except OSError as exc:
        raise ManifestError(path, f"cannot be read ({exc.strerror})") from exc
    return parse_manifest(path, raw)


def parse_manifest(path: Path, raw: bytes) -> Manifest:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(path, f"is corrupt, not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ManifestError(path, "is corrupt: expected a JSON object")
    version = data.get("version")
    if version != MANIFEST_VERSION:
        raise ManifestError(path, f"has version {version!r}; this specloom reads version {MANIFEST_VERSION}")
    try:
        spec = data["spec"]
        files = {}
        for rel, record in data["files"].items():
            # A manifest is input too: a hostile one must not steer delivery outside the target.
            safe_relative(rel)
            sources = {_text(k): _text(v) for k, v in record.get("sources", {}).items()}
            files[rel] = FileRecord(_text(record["sha256"]), _text(record["producer"]), _text(record["base"]), sources)
            if sha256_text(files[rel].base) != files[rel].sha256:
                raise ManifestError(path, f"is corrupt: the stored base of {rel!r} does not match its sha256")
        return Manifest(
            spec=SpecInfo(_text(spec["path"]), _text(spec["hash"])),
            packs={_text(k): _text(v) for k, v in data["packs"].items()},
            generated_at=_text(data["generated_at"]),
            files=files,
            commands={_text(k): _text(v) for k, v in data.get("commands", {}).items()},
            credentials_env=[_text(v) for v in data.get("credentials_env", [])],
        )
    except UnsafePath as exc:
        raise ManifestError(path, f"is corrupt: {exc.message}") from exc
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ManifestError(path, f"is corrupt: missing or mistyped field ({exc})") from exc


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def fsync_dir(path: Path) -> None:
    """Make renames and creations inside `path` durable; Windows cannot open folders, and needs no such step."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write-temp-then-replace: readers (and a crash) see the old bytes or the new ones, never a mix."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def manifest_bytes(manifest: Manifest) -> bytes:
    return (json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(target: Path, manifest: Manifest) -> None:
    write_atomic(manifest_path(target), manifest_bytes(manifest))
