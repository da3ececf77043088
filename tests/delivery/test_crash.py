"""kill -9 during a delivery, at every step of the protocol: each file is entirely old or entirely new."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from specloom.delivery import Kind, SpecInfo, deliver, load_manifest, plan_delivery, recover
from specloom.delivery.manifest import sha256_text

OLD = {"a.py": "def a():\n    return 1\n\n\ndef b():\n    return 2\n", "b.py": "b = 1\n", "pkg/c.py": "c = 1\n"}
NEW = {
    "a.py": "def a():\n    return 1\n\n\ndef b():\n    return 3\n",
    "b.py": "b = 2\n",
    "pkg/c.py": "c = 1\n",
    "pkg/sub/new.py": "new = 1\n",
}
USER_A = OLD["a.py"].replace("    return 1\n", "    return 1  # mine\n")
MERGED_A = NEW["a.py"].replace("    return 1\n", "    return 1  # mine\n")
BEFORE = {"a.py": USER_A, "b.py": OLD["b.py"], "pkg/c.py": OLD["pkg/c.py"], "pkg/sub/new.py": None}
AFTER = {"a.py": MERGED_A, "b.py": NEW["b.py"], "pkg/c.py": NEW["pkg/c.py"], "pkg/sub/new.py": NEW["pkg/sub/new.py"]}
WRITTEN = 3  # a.py (merge), b.py (update), pkg/sub/new.py (new)
STEPS = WRITTEN + 1 + WRITTEN + 1  # staged each, journaled, moved each, manifest

# The child stops at each checkpoint until the parent answers, so the parent can kill it exactly there.
CHILD = """
import importlib, json, sys, time
from pathlib import Path

# importlib: the package re-exports the function deliver(), which hides the module of the same name
d = importlib.import_module("specloom.delivery.deliver")

def pause(step):
    print(step, flush=True)
    sys.stdin.readline()

target, mode = Path(sys.argv[1]), sys.argv[2]
d._checkpoint = (lambda step: time.sleep(0.005)) if mode == "timed" else pause
if mode in ("deliver", "timed"):
    plan = d.plan_delivery(target, json.loads(sys.argv[3]))
    print("ready", flush=True)
    d.deliver(plan, target, d.SpecInfo("spec.yaml", "new"), {"pack": "2"})
else:
    d.recover(target)
print("done", flush=True)
"""


def run_until(tmp_path: Path, target: Path, mode: str, kill_at: int | None) -> list[str]:
    """Run the child; SIGKILL it once it reaches checkpoint number `kill_at` (0-based). Returns the steps seen."""
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen(
        [sys.executable, str(script), str(target), mode, json.dumps(NEW)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    steps = []
    try:
        while (line := child.stdout.readline().strip()) not in ("", "done"):
            if line == "ready":
                continue
            steps.append(line)
            if len(steps) - 1 == kill_at:
                os.kill(child.pid, signal.SIGKILL)
                break
            child.stdin.write("\n")
            child.stdin.flush()
    finally:
        child.wait(timeout=30)
        child.stdin.close()
        child.stdout.close()
    return steps


def prepare(target: Path) -> None:
    plan = plan_delivery(target, OLD)
    deliver(plan, target, SpecInfo("spec.yaml", "old"), {"pack": "1"})
    (target / "a.py").write_text(USER_A)


def contents(target: Path) -> dict[str, str | None]:
    return {rel: (target / rel).read_text() if (target / rel).exists() else None for rel in BEFORE}


def assert_settled(target: Path, expected: dict[str, str | None], spec_hash: str, bases: dict[str, str]) -> None:
    assert contents(target) == expected
    manifest = load_manifest(target)
    assert manifest.spec.hash == spec_hash
    assert {rel: r.base for rel, r in manifest.files.items()} == bases
    assert {rel: r.sha256 for rel, r in manifest.files.items()} == {rel: sha256_text(b) for rel, b in bases.items()}
    assert sorted(p.name for p in (target / ".specloom").iterdir()) == ["lock", "manifest.json"]


def test_child_passes_every_checkpoint(tmp_path: Path):
    target = tmp_path / "t"
    prepare(target)
    steps = run_until(tmp_path, target, "deliver", None)
    assert len(steps) == STEPS and steps[WRITTEN] == "journaled" and steps[-1] == "manifest"
    assert_settled(target, AFTER, "new", NEW)


@pytest.mark.parametrize("kill_at", range(STEPS))
def test_kill_at_any_step_leaves_whole_files_and_recovers(tmp_path: Path, kill_at: int):
    target = tmp_path / "t"
    prepare(target)
    steps = run_until(tmp_path, target, "deliver", kill_at)
    assert len(steps) == kill_at + 1
    for rel, text in contents(target).items():
        assert text in (BEFORE[rel], AFTER[rel]), rel
    committed = kill_at >= WRITTEN
    assert (target / ".specloom/journal.json").exists() == committed
    # the manifest on disk describes the old delivery until the very last step
    assert load_manifest(target).spec.hash == ("new" if steps[-1] == "manifest" else "old")

    recovery = recover(target)
    assert recovery.completed == committed
    if committed:
        assert_settled(target, AFTER, "new", NEW)
    else:
        assert_settled(target, BEFORE, "old", OLD)
    # either way the manifest agrees with the disk: a settled delivery is unchanged, an undone one still to do
    kinds = {a.path: a.kind for a in plan_delivery(target, NEW).actions}
    todo = {"a.py": Kind.MERGE, "b.py": Kind.UPDATE, "pkg/c.py": Kind.UNCHANGED, "pkg/sub/new.py": Kind.NEW}
    assert kinds == (dict.fromkeys(NEW, Kind.UNCHANGED) if committed else todo)


def test_kill_during_recovery_then_recover_again(tmp_path: Path):
    target = tmp_path / "t"
    prepare(target)
    run_until(tmp_path, target, "deliver", WRITTEN + 1)  # after the first move
    run_until(tmp_path, target, "recover", 0)  # after recovery's first move
    for rel, text in contents(target).items():
        assert text in (BEFORE[rel], AFTER[rel]), rel
    assert recover(target).completed
    assert_settled(target, AFTER, "new", NEW)


def test_a_file_edited_between_crash_and_recovery_is_kept(tmp_path: Path):
    target = tmp_path / "t"
    prepare(target)
    run_until(tmp_path, target, "deliver", WRITTEN)  # committed, nothing moved yet
    (target / "b.py").write_text("b = 'mine'\n")
    recovery = recover(target)
    assert recovery.skipped == ["b.py"] and "b.py" not in recovery.moved
    assert (target / "b.py").read_text() == "b = 'mine'\n"
    # b.py keeps its old record, so the next delivery merges the user's edit instead of overwriting it
    assert load_manifest(target).files["b.py"].base == OLD["b.py"]
    assert {a.path: a.kind for a in plan_delivery(target, NEW).actions}["b.py"] is Kind.CONFLICT


@pytest.mark.slow
def test_kill_at_random_times(tmp_path: Path):
    """Between and inside steps: writes, fsyncs and renames interrupted wherever the kill lands."""
    rng = random.Random()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    for trial in range(20):
        target = tmp_path / f"t{trial}"
        prepare(target)
        child = subprocess.Popen(
            [sys.executable, str(script), str(target), "timed", json.dumps(NEW)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, 0.08))  # the steps take about 40 ms, so some kills land after the end
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        for rel, text in contents(target).items():
            assert text in (BEFORE[rel], AFTER[rel]), (trial, rel)
        if recover(target).completed or load_manifest(target).spec.hash == "new":
            assert_settled(target, AFTER, "new", NEW)
        else:
            assert_settled(target, BEFORE, "old", OLD)
