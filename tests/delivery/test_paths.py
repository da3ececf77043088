import os
from pathlib import Path, PurePosixPath

import pytest

from specloom.delivery import UnsafePath, deliver, plan_delivery, resolve_inside, safe_relative
from specloom.delivery.manifest import SpecInfo

UNSAFE = [
    "../x",
    "/etc/passwd",
    "a/../../b",
    "a/..",
    "C:\\x",
    "C:/x",
    "c:x",
    "a\\b",
    "a\0b",
    "",
    ".",
    ".specloom/manifest.json",
    ".SPECLOOM/journal.json",
]


@pytest.mark.parametrize("path", UNSAFE)
def test_unsafe_paths_are_refused(path):
    with pytest.raises(UnsafePath) as info:
        safe_relative(path)
    assert info.value.path == path
    assert info.value.reason


@pytest.mark.parametrize(
    ("path", "expected"),
    [("a/b.py", "a/b.py"), ("./a//b.py", "a/b.py"), (".specloomrc", ".specloomrc"), ("x/.specloom/y", "x/.specloom/y")],
)
def test_safe_paths_are_normalised(path, expected):
    assert safe_relative(path) == PurePosixPath(expected)


def test_symlink_leading_outside_is_refused_and_nothing_is_written(tmp_path: Path):
    target, outside = tmp_path / "target", tmp_path / "outside"
    target.mkdir()
    outside.mkdir()
    os.symlink(outside, target / "src")
    with pytest.raises(UnsafePath, match="outside the target"):
        resolve_inside(target, "src/app.py")
    with pytest.raises(UnsafePath):
        plan_delivery(target, {"ok.py": "x = 1\n", "src/app.py": "print('pwned')\n"})
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == ["src"]


def test_chained_links_are_followed_to_where_they_really_go(tmp_path: Path):
    target, outside = tmp_path / "target", tmp_path / "outside"
    (target / "real").mkdir(parents=True)
    outside.mkdir()
    os.symlink(outside, target / "real" / "away")
    os.symlink(target / "real", target / "hop")
    assert resolve_inside(target, "hop/file.py") == target / "hop" / "file.py"  # a link that stays inside is fine
    with pytest.raises(UnsafePath):
        resolve_inside(target, "hop/away/file.py")


def test_a_link_as_the_file_itself_is_refused(tmp_path: Path):
    (tmp_path / "real.py").write_text("x = 1\n")
    os.symlink(tmp_path / "real.py", tmp_path / "link.py")
    with pytest.raises(UnsafePath, match="symbolic link"):
        resolve_inside(tmp_path, "link.py")


def test_a_link_planted_after_planning_stops_the_delivery(tmp_path: Path):
    target, outside = tmp_path / "target", tmp_path / "outside"
    target.mkdir()
    outside.mkdir()
    plan = plan_delivery(target, {"src/app.py": "x = 1\n"})
    os.symlink(outside, target / "src")
    with pytest.raises(UnsafePath):
        deliver(plan, target, SpecInfo("spec.yaml", "h"), {})
    assert list(outside.iterdir()) == []


def test_state_folder_as_a_link_is_refused(tmp_path: Path):
    target, outside = tmp_path / "target", tmp_path / "outside"
    target.mkdir()
    outside.mkdir()
    os.symlink(outside, target / ".specloom")
    with pytest.raises(UnsafePath, match=".specloom"):
        plan_delivery(target, {"a.py": "x = 1\n"})
    assert list(outside.iterdir()) == []
