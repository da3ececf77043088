"""Delivering generated files into the user's tree: classified, merged, then written atomically and crash-safely.

The caller delivers only what passed every gate. Here the rules are: nothing is written outside the target,
nothing the user wrote is destroyed, and a delivery happens whole or not at all.

`plan_delivery` reads the target and the manifest and classifies each generated file (see `Kind`); it writes
nothing, so `plan.diff()` is the dry run. `deliver` writes nothing if any file conflicts. Otherwise:

1. Lock `.specloom/lock` (one delivery at a time) and finish any interrupted delivery first.
2. Check that the files and the manifest are still as planned, else stop without writing.
3. Stage every file to write, and the new manifest, in `.specloom/staging-<random>` (the same file system
   as the target, so moves are renames), fsyncing each file and then the folder.
4. Write `.specloom/journal.json` (temp file, fsync, rename, fsync folder): the staging folder and each
   move with the target file's hash before and after. **This rename is the commit point**: before it the
   target is untouched and the staging folder is garbage; after it the staged files are complete and the
   delivery only ever rolls forward.
5. Move each staged file into place with `os.replace` (atomic per file), unless the file changed since it
   was planned (the user is typing while we deliver): then it is skipped and keeps its old manifest record.
6. Write the manifest (temp file and rename), delete the journal, remove the staging folder.

A `kill -9` anywhere leaves each file entirely old or entirely new. `recover(target)`, which `deliver` also
runs first, completes a journal found on disk by repeating steps 5–6, where a move whose staged file is
gone was already done; without a journal it only removes leftover staging folders and temp files.
"""

from __future__ import annotations

import contextlib
import difflib
import enum
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from specloom.core.errors import SpecloomError
from specloom.delivery.manifest import (
    MANIFEST_NAME,
    FileRecord,
    Manifest,
    SpecInfo,
    fsync_dir,
    load_manifest,
    manifest_bytes,
    parse_manifest,
    sha256_text,
    write_atomic,
    write_manifest,
)
from specloom.delivery.merge import Conflict, merge3, split_lines
from specloom.delivery.paths import STATE_DIR, UnsafePath, resolve_inside, safe_relative

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one delivery at a time is then up to the caller
    fcntl = None

JOURNAL_NAME = "journal.json"
JOURNAL_VERSION = 1
_STAGING = re.compile(r"staging-[A-Za-z0-9_]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Kind(enum.StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    UPDATE = "update"  # the file is as generated last time, so the new generation replaces it
    MERGE = "merge"  # the user edited it and the edits merge cleanly with the new generation
    CONFLICT = "conflict"  # the user's edits clash with the new generation: reported, blocks the delivery
    UNTRACKED_EXISTS = "untracked_exists"  # something specloom never generated is in the way: blocks too
    STALE = "stale"  # generated before, not any more: reported and left in place, never deleted


WRITTEN = frozenset({Kind.NEW, Kind.UPDATE, Kind.MERGE})
BLOCKING = frozenset({Kind.CONFLICT, Kind.UNTRACKED_EXISTS})
_RECORDED = frozenset({Kind.NEW, Kind.UNCHANGED, Kind.UPDATE, Kind.MERGE})


class DeliveryError(SpecloomError):
    code = "E-DELIVERY"


@dataclass(slots=True)
class FileAction:
    path: str
    kind: Kind
    generated: str | None  # the new generation; None for stale files
    current: str | None  # the file's text as planned; None when there is no file or no text
    result: str | None = None  # what is written; None when nothing is
    producer: str = ""
    conflicts: list[Conflict] = field(default_factory=list)
    note: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # spec pointer -> element hash, for the manifest

    def to_json(self) -> dict:
        out: dict = {"path": self.path, "kind": self.kind.value}
        if self.note:
            out["note"] = self.note
        if self.conflicts:
            out["conflicts"] = [c.to_json() for c in self.conflicts]
        return out


@dataclass(slots=True)
class DeliveryPlan:
    actions: list[FileAction]
    manifest: Manifest  # the one the plan was made against
    run: dict = field(default_factory=dict)  # how the delivered project is run (PackBackend.run_commands)

    @property
    def conflicts(self) -> list[FileAction]:
        return [a for a in self.actions if a.kind in BLOCKING]

    @property
    def blocked(self) -> bool:
        return bool(self.conflicts)

    def diff(self) -> str:
        """A unified diff of every file the delivery would write, for `--dry-run`."""
        return "".join(_unified(a.path, a.current, a.result) for a in self.actions if a.kind in WRITTEN)

    def to_json(self) -> dict:
        return {"blocked": self.blocked, "files": [a.to_json() for a in self.actions]}


@dataclass(slots=True)
class DeliveryReport:
    delivered: bool
    actions: list[FileAction]
    reason: str = ""  # why nothing was written
    skipped: list[str] = field(default_factory=list)  # changed on disk while delivering, so left alone

    @property
    def written(self) -> list[str]:
        if not self.delivered:
            return []
        return [a.path for a in self.actions if a.kind in WRITTEN and a.path not in self.skipped]

    @property
    def conflicts(self) -> list[FileAction]:
        return [a for a in self.actions if a.kind in BLOCKING]

    @property
    def stale(self) -> list[str]:
        return [a.path for a in self.actions if a.kind is Kind.STALE]

    def to_json(self) -> dict:
        return {
            "delivered": self.delivered,
            "reason": self.reason,
            "written": self.written,
            "skipped": self.skipped,
            "files": [a.to_json() for a in self.actions],
        }


@dataclass(slots=True)
class Recovery:
    completed: bool  # an interrupted delivery was found and finished
    moved: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def plan_delivery(
    target: Path,
    files: Mapping[str, str],
    manifest: Manifest | None = None,
    producers: Mapping[str, str] | None = None,
    sources: Mapping[str, dict[str, str]] | None = None,
    run: Mapping | None = None,
) -> DeliveryPlan:
    """Classify each generated file (relative path → content) against the target; writes nothing.

    `sources` (path → {spec pointer: element hash}) is recorded in the manifest with each file, and `run`
    ({"test", "serve", "credentials_env"}) as the manifest's `commands` and `credentials_env`.

    Raises UnsafePath for a path that could land outside the target, and DeliveryError while an interrupted
    delivery is pending (its files are half old, half new, so nothing sensible can be planned against them).
    """
    target = Path(target)
    state = _state_dir(target)
    if (state / JOURNAL_NAME).exists():
        raise DeliveryError(
            f"An interrupted delivery into {target} has not been finished.",
            "Call recover() on the target (delivering does it first), then plan again.",
        )
    manifest = load_manifest(target) if manifest is None else manifest
    wanted: dict[str, tuple[str, str]] = {}
    for path, content in files.items():
        rel = str(safe_relative(path))
        if rel in wanted:
            raise UnsafePath(path, f"it names the same file as {wanted[rel][0]!r}")
        wanted[rel] = (path, content)
    folders = {str(p) for rel in wanted for p in PurePosixPath(rel).parents} - {"."}
    if clash := sorted(folders & wanted.keys()):
        raise UnsafePath(clash[0], "it is generated both as a file and as a folder")

    actions = []
    for rel, (path, generated) in wanted.items():
        producer = (producers or {}).get(path, "unknown")
        action = _classify(target, rel, generated, producer, manifest.files.get(rel))
        action.sources = dict((sources or {}).get(path, {}))
        actions.append(action)
    for rel in manifest.files.keys() - wanted.keys():
        if os.path.lexists(target / rel):
            note = "no longer generated; left in place, delete it if you do not need it"
            actions.append(FileAction(rel, Kind.STALE, None, None, note=note))
    actions.sort(key=lambda a: a.path)
    return DeliveryPlan(actions, manifest, dict(run or {}))


def _classify(target: Path, rel: str, generated: str, producer: str, record: FileRecord | None) -> FileAction:
    dest = resolve_inside(target, rel)
    if blocker := _file_in_the_way(target, rel):
        note = f"'{blocker}' is a file, so the folder this one goes in cannot be made"
        return FileAction(rel, Kind.UNTRACKED_EXISTS, generated, None, producer=producer, note=note)
    if not os.path.lexists(dest):
        note = "deleted since the last delivery; generated again" if record else ""
        return FileAction(rel, Kind.NEW, generated, None, generated, producer, note=note)
    current, problem = _read_text(dest)
    if current is None:
        kind = Kind.CONFLICT if record else Kind.UNTRACKED_EXISTS
        return FileAction(rel, kind, generated, None, producer=producer, note=problem)
    if current == generated:
        return FileAction(rel, Kind.UNCHANGED, generated, current, producer=producer)
    if record is None:
        note = "specloom did not create this file, so it is never overwritten; move it away or rename it"
        return FileAction(rel, Kind.UNTRACKED_EXISTS, generated, current, producer=producer, note=note)
    if current == record.base:
        return FileAction(rel, Kind.UPDATE, generated, current, generated, producer)
    merged = merge3(record.base, current, generated)
    if merged.conflicts:
        note = "your edits and the new generation change the same lines"
        return FileAction(rel, Kind.CONFLICT, generated, current, None, producer, merged.conflicts, note)
    if merged.text == current:
        note = "your edits are kept; the new generation changes nothing else here"
        return FileAction(rel, Kind.UNCHANGED, generated, current, producer=producer, note=note)
    return FileAction(rel, Kind.MERGE, generated, current, merged.text, producer)


def _file_in_the_way(target: Path, rel: str) -> str | None:
    for parent in reversed(PurePosixPath(rel).parents[:-1]):
        path = target / parent
        if os.path.lexists(path) and not path.is_dir():
            return str(parent)
    return None


def _read_text(dest: Path) -> tuple[str | None, str]:
    if not dest.is_file():
        return None, "something other than a file is at this path"
    try:
        # Bytes, not read_text: universal newlines would hide a CRLF edit from the comparison.
        return dest.read_bytes().decode("utf-8"), ""
    except UnicodeDecodeError:
        return None, "the file there is not UTF-8 text"


def _unified(path: str, old: str | None, new: str) -> str:
    lines = difflib.unified_diff(
        split_lines(old or ""), split_lines(new), "/dev/null" if old is None else f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def deliver(plan: DeliveryPlan, target: Path, spec_info: SpecInfo, packs: Mapping[str, str]) -> DeliveryReport:
    """Write the plan into `target` following the protocol in the module docstring, or write nothing."""
    target = Path(target)
    if plan.blocked:
        reason = (
            f"{len(plan.conflicts)} file(s) clash with your edits or with files specloom did not create; "
            "nothing was written"
        )
        return DeliveryReport(False, plan.actions, reason)
    target.mkdir(parents=True, exist_ok=True)
    state = _state_dir(target, create=True)
    with _locked(state):
        _finish_pending(target, state)
        if changed := _changed_since_plan(plan, target):
            reason = f"{changed} changed after the delivery was planned; nothing was written, plan again"
            return DeliveryReport(False, plan.actions, reason)
        journal = _stage(state, plan, _next_manifest(plan, spec_info, packs))
        _checkpoint("journaled")
        _moved, skipped = _roll_forward(target, state, journal)
    return DeliveryReport(True, plan.actions, skipped=skipped)


def deliver_through(
    plan: DeliveryPlan,
    target: Path,
    spec_info: SpecInfo,
    packs: Mapping[str, str],
    write: Callable[[list[FileAction]], str | None],
) -> DeliveryReport:
    """Deliver with `write` (say, an editor's workspace edit) in place of the staged moves.

    The same lock, recovery and changed-since-planned check as `deliver`; `write` gets the actions to
    write and returns why it did not (None: written). Only then is the manifest recorded.
    """
    target = Path(target)
    if plan.blocked:
        reason = f"{len(plan.conflicts)} file(s) clash with your edits or with files specloom did not create"
        return DeliveryReport(False, plan.actions, reason)
    created = [p for p in (target, target / STATE_DIR) if not p.exists()]
    target.mkdir(parents=True, exist_ok=True)
    state = _state_dir(target, create=True)
    with _locked(state):
        _finish_pending(target, state)
        if changed := _changed_since_plan(plan, target):
            reason = f"{changed} changed after the delivery was planned; nothing was written, plan again"
            return DeliveryReport(False, plan.actions, reason)
        refused = write([a for a in plan.actions if a.kind in WRITTEN])
        if refused is None:
            write_manifest(target, _next_manifest(plan, spec_info, packs))
            return DeliveryReport(True, plan.actions)
    if created:  # nothing was delivered: take away the folders made for the lock, if they are still empty
        with contextlib.suppress(OSError):
            (state / "lock").unlink()
            for folder in reversed(created):
                folder.rmdir()
    return DeliveryReport(False, plan.actions, refused)


def recover(target: Path) -> Recovery:
    """Finish a delivery a crash interrupted (roll forward) and remove what an unfinished staging left behind."""
    target = Path(target)
    state = _state_dir(target)
    if not state.is_dir():
        return Recovery(False)
    with _locked(state):
        return _finish_pending(target, state)


def _checkpoint(step: str) -> None:
    """A seam for the crash tests, which replace it to kill the process between steps; does nothing here."""


def _state_dir(target: Path, create: bool = False) -> Path:
    state = target / STATE_DIR
    # A link here would move staging, journal and manifest writes wherever it points.
    if state.is_symlink():
        raise UnsafePath(STATE_DIR, "it is a symbolic link; specloom keeps its state only in a real folder")
    if create:
        state.mkdir(exist_ok=True)
    return state


@contextlib.contextmanager
def _locked(state: Path) -> Iterator[None]:
    with open(state / "lock", "a+b") as lock:
        if fcntl is not None:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise DeliveryError(
                    f"Another delivery into {state.parent} is running.", "Wait for it to finish, then try again."
                ) from None
        yield  # the lock goes with the file descriptor, also when the process is killed


def _finish_pending(target: Path, state: Path) -> Recovery:
    journal_file = state / JOURNAL_NAME
    recovery = Recovery(False)
    if journal_file.exists():
        moved, skipped = _roll_forward(target, state, _load_journal(journal_file))
        recovery = Recovery(True, moved, skipped)
    # Without a journal, staging folders and temp files are from deliveries that never reached the commit point.
    for leftover in state.iterdir():
        if leftover.is_dir() and not leftover.is_symlink() and _STAGING.fullmatch(leftover.name):
            shutil.rmtree(leftover)
        elif leftover.name.endswith(".tmp"):
            leftover.unlink()
    return recovery


def _changed_since_plan(plan: DeliveryPlan, target: Path) -> str | None:
    if load_manifest(target).to_json() != plan.manifest.to_json():
        return f"{STATE_DIR}/{MANIFEST_NAME}"
    for action in plan.actions:
        if action.kind is Kind.STALE:
            continue
        dest = resolve_inside(target, action.path)
        now = _read_text(dest)[0] if os.path.lexists(dest) else None
        if now != action.current or (action.kind is Kind.NEW and os.path.lexists(dest)):
            return action.path
    return None


def _next_manifest(plan: DeliveryPlan, spec_info: SpecInfo, packs: Mapping[str, str]) -> Manifest:
    files = {}
    for action in plan.actions:
        if action.kind in _RECORDED:
            # The base is the generation, not the merge: the next merge must see the user's edits as edits.
            record = FileRecord(sha256_text(action.generated), action.producer, action.generated, action.sources)
            files[action.path] = record
        elif action.kind is Kind.STALE:
            files[action.path] = plan.manifest.files[action.path]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    commands = {key: plan.run[key] for key in ("test", "serve") if key in plan.run}
    return Manifest(spec_info, dict(packs), now, files, commands, list(plan.run.get("credentials_env", [])))


def _stage(state: Path, plan: DeliveryPlan, manifest: Manifest) -> dict:
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=state))
    moves = []
    for number, action in enumerate(a for a in plan.actions if a.kind in WRITTEN):
        _write_durable(staging / str(number), action.result.encode("utf-8"))
        before = sha256_text(action.current) if action.current is not None else None
        moves.append({"from": str(number), "to": action.path, "before": before, "after": sha256_text(action.result)})
        _checkpoint(f"staged {action.path}")
    _write_durable(staging / MANIFEST_NAME, manifest_bytes(manifest))
    fsync_dir(staging)
    journal = {"version": JOURNAL_VERSION, "staging": staging.name, "moves": moves}
    write_atomic(state / JOURNAL_NAME, json.dumps(journal, indent=2).encode("utf-8"))
    return journal


def _write_durable(path: Path, data: bytes) -> None:
    with open(path, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _roll_forward(target: Path, state: Path, journal: dict) -> tuple[list[str], list[str]]:
    staging = state / journal["staging"]
    moved: list[str] = []
    skipped: list[str] = []
    folders: set[Path] = set()
    for move in journal["moves"]:
        source = staging / move["from"]
        if not source.exists():
            continue  # moved before the interruption
        try:
            dest = resolve_inside(target, move["to"])
        except UnsafePath:
            skipped.append(move["to"])  # a link appeared on the way since planning: never follow it
            continue
        now = _hash_file(dest)
        if now not in (move["before"], move["after"]):
            skipped.append(move["to"])
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if now is not None:
            os.chmod(source, stat.S_IMODE(os.stat(dest).st_mode))  # keep an executable bit the user set
        os.replace(source, dest)
        folders.add(dest.parent)
        moved.append(move["to"])
        _checkpoint(f"moved {move['to']}")
    for folder in folders:
        fsync_dir(folder)
    staged_manifest = staging / MANIFEST_NAME
    if staged_manifest.exists():
        manifest = parse_manifest(staged_manifest, staged_manifest.read_bytes())
        if skipped:
            # A skipped file still holds what the old manifest describes, so its old record stays.
            old = load_manifest(target)
            for rel in skipped:
                if rel in old.files:
                    manifest.files[rel] = old.files[rel]
                else:
                    manifest.files.pop(rel, None)
        write_manifest(target, manifest)
        _checkpoint("manifest")
    (state / JOURNAL_NAME).unlink()
    fsync_dir(state)
    shutil.rmtree(staging, ignore_errors=True)
    return moved, skipped


def _hash_file(path: Path) -> str | None:
    if not os.path.lexists(path):
        return None
    if not path.is_file():
        return "not-a-file"  # matches no hash, so the move is skipped
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load_journal(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        valid = (
            data["version"] == JOURNAL_VERSION
            and _STAGING.fullmatch(data["staging"])
            and all(
                move["from"].isdigit()
                and safe_relative(move["to"])
                and (move["before"] is None or _SHA256.fullmatch(move["before"]))
                and _SHA256.fullmatch(move["after"])
                for move in data["moves"]
            )
        )
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, UnsafePath):
        valid = False
    if not valid:
        raise DeliveryError(
            f"{path} is corrupt, so the interrupted delivery it describes cannot be finished.",
            f"Delete {path} and the {STATE_DIR}/staging-* folders, then generate again: files already moved "
            "are then merged like your own edits.",
        )
    return data
