import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specloom.delivery.merge import merge3

BASE = """\
def create(item):
    validate(item)
    return repo.add(item)


def delete(item_id):
    repo.remove(item_id)
    return None
"""


def test_edits_to_different_functions_merge():
    ours = BASE.replace("    validate(item)\n", "    validate(item)\n    audit(item)  # mine\n")
    theirs = BASE.replace("    return None\n", "    return Response(status_code=204)\n")
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert "audit(item)  # mine" in result.text
    assert "Response(status_code=204)" in result.text
    assert "return None" not in result.text


def test_edits_to_the_same_line_conflict_with_both_sides():
    ours = BASE.replace("return repo.add(item)", "return repo.add(item, flush=True)")
    theirs = BASE.replace("return repo.add(item)", "return await repo.add(item)")
    result = merge3(BASE, ours, theirs)
    assert not result.clean
    [conflict] = result.conflicts
    assert conflict.start_line == 2
    assert conflict.ours == ["    return repo.add(item, flush=True)"]
    assert conflict.theirs == ["    return await repo.add(item)"]
    assert conflict.base == ["    return repo.add(item)"]
    assert "<<<<<<< yours\n    return repo.add(item, flush=True)\n||||||| generated before\n" in result.text
    assert ">>>>>>> generated now\n" in result.text


def test_identical_changes_are_taken_once():
    changed = BASE.replace("validate(item)", "check(item)")
    assert merge3(BASE, changed, changed).text == changed


def test_missing_final_newline_and_crlf_survive():
    base = "a\r\nb\r\nc"
    ours = "A\r\nb\r\nc"
    theirs = "a\r\nb\r\nC"
    assert merge3(base, ours, theirs).text == "A\r\nb\r\nC"


def test_conflict_markers_start_their_own_lines():
    result = merge3("x", "ours", "theirs")
    assert result.text == "<<<<<<< yours\nours\n||||||| generated before\nx\n=======\ntheirs\n>>>>>>> generated now\n"


lines = st.lists(st.text(alphabet="ab \n", max_size=6), max_size=12).map("".join)


@given(lines, lines)
def test_unchanged_side_takes_the_other(base, other):
    assert merge3(base, base, other).text == other
    assert merge3(base, other, base).text == other
    assert merge3(base, other, other).text == other


@st.composite
def disjoint_edits(draw):
    """A base of unique lines and edits by two sides, each separated from the other side's by a kept line."""
    size = draw(st.integers(1, 25))
    base = [f"line {i}\n" for i in range(size)]
    edits = []  # (start, end, side): base[start:end] is replaced
    position = 0
    fresh = iter(range(10_000))
    while position <= size:
        start = draw(st.integers(position, size))
        end = draw(st.integers(start, min(size, start + 3)))
        side = draw(st.sampled_from(["ours", "theirs"]))
        new = [f"{side} {next(fresh)}\n" for _ in range(draw(st.integers(0, 3)))]
        if new or end > start:
            edits.append((start, end, side, new))
        position = end + 1  # at least one untouched line before the next edit
    return base, edits


def apply(base, edits, sides):
    out, position = [], 0
    for start, end, side, new in edits:
        if side in sides:
            out += base[position:start] + new
            position = end
    return "".join(out + base[position:])


@given(disjoint_edits())
def test_non_overlapping_edits_are_both_kept(case):
    base, edits = case
    result = merge3("".join(base), apply(base, edits, {"ours"}), apply(base, edits, {"theirs"}))
    assert result.clean
    assert result.text == apply(base, edits, {"ours", "theirs"})


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (BASE.replace("validate(item)\n", "validate(item)\n    audit(item)\n"), BASE.replace("None", "204")),
        (BASE.replace("def create", "async def create"), BASE.replace("repo.remove", "await repo.remove")),
        (BASE, BASE.replace("validate(item)\n", "")),
        (BASE.replace("return repo.add(item)", "return 1"), BASE.replace("return repo.add(item)", "return 2")),
    ],
)
def test_agrees_with_git_merge_file(tmp_path: Path, ours, theirs):
    for name, text in (("ours", ours), ("base", BASE), ("theirs", theirs)):
        (tmp_path / name).write_text(text)
    labels = ["-L", "yours", "-L", "generated before", "-L", "generated now"]
    git = subprocess.run(
        ["git", "merge-file", "-p", "--diff3", *labels, "ours", "base", "theirs"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    result = merge3(BASE, ours, theirs)
    assert git.returncode == len(result.conflicts)
    assert git.stdout == result.text
