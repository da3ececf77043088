import json
from pathlib import Path

import pytest

from specloom.delivery import (
    DeliveryError,
    Kind,
    ManifestError,
    SpecInfo,
    UnsafePath,
    deliver,
    deliver_through,
    load_manifest,
    plan_delivery,
)
from specloom.delivery.manifest import sha256_text

SPEC = SpecInfo("openapi.yaml", "spec-hash")
PACKS = {"python-fastapi": "1.0.0"}

APP_V1 = """\
def create(item):
    validate(item)
    return repo.add(item)


def delete(item_id):
    repo.remove(item_id)
    return None
"""
APP_V2 = APP_V1.replace("    return None\n", "    return Response(status_code=204)\n")


def generate(target: Path, files: dict[str, str]):
    plan = plan_delivery(target, files, producers={path: "template:python-fastapi@1.0.0" for path in files})
    return plan, deliver(plan, target, SPEC, PACKS)


def kinds(plan) -> dict[str, Kind]:
    return {a.path: a.kind for a in plan.actions}


def snapshot(target: Path) -> dict[str, bytes]:
    return {str(p.relative_to(target)): p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()}


def test_first_delivery_writes_every_file_and_the_manifest(tmp_path: Path):
    plan, report = generate(tmp_path, {"src/app.py": APP_V1, "pyproject.toml": "[project]\n"})
    assert set(kinds(plan).values()) == {Kind.NEW}
    assert report.delivered and report.written == ["pyproject.toml", "src/app.py"]
    assert (tmp_path / "src/app.py").read_text() == APP_V1
    data = json.loads((tmp_path / ".specloom/manifest.json").read_text())
    assert data["version"] == 1
    assert data["spec"] == {"path": "openapi.yaml", "hash": "spec-hash"}
    assert data["packs"] == PACKS
    assert data["generated_at"]
    assert data["files"]["src/app.py"] == {
        "sha256": sha256_text(APP_V1),
        "producer": "template:python-fastapi@1.0.0",
        "base": APP_V1,
    }
    # nothing of the delivery machinery is left behind
    assert sorted(p.name for p in (tmp_path / ".specloom").iterdir()) == ["lock", "manifest.json"]


def test_regeneration_without_edits_updates(tmp_path: Path):
    generate(tmp_path, {"src/app.py": APP_V1, "README.md": "hi\n"})
    plan, report = generate(tmp_path, {"src/app.py": APP_V2, "README.md": "hi\n"})
    assert kinds(plan) == {"README.md": Kind.UNCHANGED, "src/app.py": Kind.UPDATE}
    assert report.written == ["src/app.py"]
    assert (tmp_path / "src/app.py").read_text() == APP_V2
    assert load_manifest(tmp_path).files["src/app.py"].base == APP_V2


def test_users_edit_survives_a_change_elsewhere(tmp_path: Path):
    generate(tmp_path, {"src/app.py": APP_V1})
    edited = APP_V1.replace("    validate(item)\n", "    validate(item)\n    audit(item)  # mine\n")
    (tmp_path / "src/app.py").write_text(edited)
    plan, report = generate(tmp_path, {"src/app.py": APP_V2})
    assert kinds(plan) == {"src/app.py": Kind.MERGE}
    text = (tmp_path / "src/app.py").read_text()
    assert "audit(item)  # mine" in text and "Response(status_code=204)" in text
    # the base is the generation, so the next run still sees the user's line as theirs
    assert load_manifest(tmp_path).files["src/app.py"].base == APP_V2
    plan, _ = generate(tmp_path, {"src/app.py": APP_V2})
    assert kinds(plan) == {"src/app.py": Kind.UNCHANGED}
    assert "audit(item)  # mine" in (tmp_path / "src/app.py").read_text()


def test_conflicting_edit_is_reported_and_nothing_is_written(tmp_path: Path):
    generate(tmp_path, {"src/app.py": APP_V1, "src/other.py": "a = 1\n"})
    (tmp_path / "src/app.py").write_text(APP_V1.replace("return None", "return 'mine'"))
    before = snapshot(tmp_path)
    plan, report = generate(tmp_path, {"src/app.py": APP_V2, "src/other.py": "a = 2\n"})
    assert kinds(plan) == {"src/app.py": Kind.CONFLICT, "src/other.py": Kind.UPDATE}
    assert not report.delivered and report.written == []
    [action] = report.conflicts
    [conflict] = action.conflicts
    assert conflict.ours == ["    return 'mine'"]
    assert conflict.theirs == ["    return Response(status_code=204)"]
    assert snapshot(tmp_path) == before


def test_untracked_file_is_never_overwritten(tmp_path: Path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src/app.py").write_text("# my own app\n")
    plan, report = generate(tmp_path, {"src/app.py": APP_V1, "src/new.py": "x = 1\n"})
    assert kinds(plan)["src/app.py"] is Kind.UNTRACKED_EXISTS
    assert not report.delivered
    assert (tmp_path / "src/app.py").read_text() == "# my own app\n"
    assert not (tmp_path / "src/new.py").exists()


def test_untracked_file_identical_to_the_generation_is_adopted(tmp_path: Path):
    (tmp_path / "app.py").write_text(APP_V1)
    plan, report = generate(tmp_path, {"app.py": APP_V1})
    assert kinds(plan) == {"app.py": Kind.UNCHANGED}
    assert report.delivered and "app.py" in load_manifest(tmp_path).files


def test_a_file_in_the_way_of_a_folder_blocks(tmp_path: Path):
    (tmp_path / "src").write_text("not a folder\n")
    plan, report = generate(tmp_path, {"src/app.py": APP_V1})
    assert kinds(plan) == {"src/app.py": Kind.UNTRACKED_EXISTS}
    assert not report.delivered and (tmp_path / "src").read_text() == "not a folder\n"


def test_no_longer_generated_files_are_stale_and_kept(tmp_path: Path):
    generate(tmp_path, {"a.py": "a\n", "b.py": "b\n"})
    plan, report = generate(tmp_path, {"a.py": "a\n"})
    assert kinds(plan) == {"a.py": Kind.UNCHANGED, "b.py": Kind.STALE}
    assert report.stale == ["b.py"] and (tmp_path / "b.py").read_text() == "b\n"
    assert "b.py" in load_manifest(tmp_path).files
    (tmp_path / "b.py").unlink()
    plan, _ = generate(tmp_path, {"a.py": "a\n"})
    assert kinds(plan) == {"a.py": Kind.UNCHANGED}
    assert "b.py" not in load_manifest(tmp_path).files


def test_dry_run_writes_nothing_and_shows_a_diff(tmp_path: Path):
    generate(tmp_path, {"src/app.py": APP_V1})
    before = snapshot(tmp_path)
    plan = plan_delivery(tmp_path, {"src/app.py": APP_V2, "src/new.py": "x = 1"})
    diff = plan.diff()
    assert snapshot(tmp_path) == before
    assert "--- a/src/app.py\n+++ b/src/app.py\n" in diff
    assert "-    return None\n+    return Response(status_code=204)\n" in diff
    assert "--- /dev/null\n+++ b/src/new.py\n@@ -0,0 +1 @@\n+x = 1\n\\ No newline at end of file\n" in diff


def test_dry_run_on_an_empty_target_creates_nothing(tmp_path: Path):
    plan_delivery(tmp_path, {"a.py": "x\n"}).diff()
    assert list(tmp_path.iterdir()) == []


def test_an_edit_after_planning_stops_the_delivery(tmp_path: Path):
    generate(tmp_path, {"a.py": "a\n", "b.py": "b\n"})
    plan = plan_delivery(tmp_path, {"a.py": "a2\n", "b.py": "b2\n"})
    (tmp_path / "b.py").write_text("b mine\n")
    report = deliver(plan, tmp_path, SPEC, PACKS)
    assert not report.delivered and "b.py" in report.reason
    assert (tmp_path / "a.py").read_text() == "a\n" and (tmp_path / "b.py").read_text() == "b mine\n"


def test_executable_bit_is_kept(tmp_path: Path):
    generate(tmp_path, {"run.sh": "echo 1\n"})
    (tmp_path / "run.sh").chmod(0o755)
    generate(tmp_path, {"run.sh": "echo 2\n"})
    assert (tmp_path / "run.sh").stat().st_mode & 0o777 == 0o755


def test_crlf_edit_is_an_edit(tmp_path: Path):
    generate(tmp_path, {"a.txt": "one\ntwo\n"})
    (tmp_path / "a.txt").write_bytes(b"one\r\ntwo\r\n")
    plan = plan_delivery(tmp_path, {"a.txt": "one\ntwo\n"})
    assert kinds(plan) == {"a.txt": Kind.UNCHANGED}  # the user's version is kept, not reverted
    assert plan.diff() == ""


def test_missing_manifest_is_empty_and_corrupt_one_is_a_clear_error(tmp_path: Path):
    assert load_manifest(tmp_path).files == {}
    (tmp_path / ".specloom").mkdir()
    (tmp_path / ".specloom/manifest.json").write_text("{not json")
    with pytest.raises(ManifestError) as info:
        load_manifest(tmp_path)
    assert "manifest.json" in str(info.value) and "Delete" in info.value.suggestion


@pytest.mark.parametrize(
    "files",
    [
        {"../evil": {"sha256": sha256_text(""), "producer": "x", "base": ""}},
        {"a.py": {"sha256": "0" * 64, "producer": "x", "base": "a"}},
        {"a.py": {"sha256": sha256_text("a"), "producer": 1, "base": "a"}},
    ],
)
def test_hostile_or_inconsistent_manifest_is_refused(tmp_path: Path, files):
    data = {"version": 1, "spec": {"path": "", "hash": ""}, "packs": {}, "generated_at": "", "files": files}
    (tmp_path / ".specloom").mkdir()
    (tmp_path / ".specloom/manifest.json").write_text(json.dumps(data))
    with pytest.raises(ManifestError):
        load_manifest(tmp_path)


def test_planning_refuses_while_a_delivery_is_interrupted(tmp_path: Path):
    (tmp_path / ".specloom").mkdir()
    (tmp_path / ".specloom/journal.json").write_text("{}")
    with pytest.raises(DeliveryError, match="interrupted"):
        plan_delivery(tmp_path, {"a.py": "a\n"})


def test_generated_paths_that_collide_are_refused(tmp_path: Path):
    with pytest.raises(UnsafePath):
        plan_delivery(tmp_path, {"a/b.py": "1", "a//b.py": "2"})
    with pytest.raises(UnsafePath):
        plan_delivery(tmp_path, {"a": "1", "a/b.py": "2"})


def write_by_hand(target: Path, written: list):
    """What an editor does with the workspace edit: writes each file itself."""

    def write(actions):
        for action in actions:
            (target / action.path).parent.mkdir(parents=True, exist_ok=True)
            (target / action.path).write_text(action.result)
            written.append(action.path)
        return None

    return write


def test_delivery_through_a_writer_records_the_manifest_once_written(tmp_path: Path):
    written: list = []
    plan = plan_delivery(tmp_path, {"a.py": "a\n", "pkg/b.py": "b\n"})
    report = deliver_through(plan, tmp_path, SPEC, PACKS, write_by_hand(tmp_path, written))
    assert report.delivered and written == ["a.py", "pkg/b.py"]
    assert set(load_manifest(tmp_path).files) == {"a.py", "pkg/b.py"}
    again = plan_delivery(tmp_path, {"a.py": "a\n", "pkg/b.py": "b\n"})
    assert {a.kind for a in again.actions} == {Kind.UNCHANGED}


def test_delivery_through_a_writer_checks_for_edits_since_planning(tmp_path: Path):
    generate(tmp_path, {"a.py": "a\n"})
    plan = plan_delivery(tmp_path, {"a.py": "a2\n"})
    (tmp_path / "a.py").write_text("a mine\n")
    written: list = []
    report = deliver_through(plan, tmp_path, SPEC, PACKS, write_by_hand(tmp_path, written))
    assert not report.delivered and "a.py" in report.reason and written == []
    assert (tmp_path / "a.py").read_text() == "a mine\n"


def test_a_refusing_writer_leaves_no_manifest_and_no_folders(tmp_path: Path):
    target = tmp_path / "out"
    plan = plan_delivery(target, {"a.py": "a\n"})
    report = deliver_through(plan, target, SPEC, PACKS, lambda actions: "the user said no")
    assert not report.delivered and report.reason == "the user said no"
    assert not target.exists()


def test_a_delivery_during_a_writers_delivery_is_refused_by_the_lock(tmp_path: Path):
    generate(tmp_path, {"a.py": "a\n"})
    plan = plan_delivery(tmp_path, {"a.py": "a2\n"})

    def deliver_meanwhile(actions):
        inner = plan_delivery(tmp_path, {"a.py": "a3\n"})
        with pytest.raises(DeliveryError, match="Another delivery"):
            deliver(inner, tmp_path, SPEC, PACKS)
        return None

    assert deliver_through(plan, tmp_path, SPEC, PACKS, deliver_meanwhile).delivered


def test_the_manifest_keeps_each_files_source_hashes(tmp_path: Path):
    sources = {"a.py": {"#/paths/~1a/get": "1" * 64}}
    plan = plan_delivery(tmp_path, {"a.py": "a\n", "b.py": "b\n"}, sources=sources)
    assert deliver(plan, tmp_path, SPEC, PACKS).delivered
    files = load_manifest(tmp_path).files
    assert files["a.py"].sources == {"#/paths/~1a/get": "1" * 64} and files["b.py"].sources == {}
    assert "sources" not in json.loads((tmp_path / ".specloom/manifest.json").read_text())["files"]["b.py"]
