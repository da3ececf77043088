"""Line-based three-way merge (diff3) of the user's edits with a new generation, in pure Python.

base = what specloom generated last time, ours = the user's file now, theirs = what it generates now.
Both sides are aligned to base with difflib; base lines that both kept unchanged are stable, and each stretch
between stable lines is resolved on its own: whichever side left it as in base takes the other's version,
identical changes are taken once, and anything else is a conflict. So edits merge cleanly when at least one
unchanged line separates them, as with `git merge-file`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

MARKERS = ("<<<<<<< yours", "||||||| generated before", "=======", ">>>>>>> generated now")


@dataclass(slots=True)
class Conflict:
    start_line: int  # 0-based line in the user's file (ours) where the conflicting stretch starts
    ours: list[str]
    theirs: list[str]
    base: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"start_line": self.start_line, "ours": self.ours, "theirs": self.theirs, "base": self.base}


@dataclass(slots=True)
class MergeResult:
    text: str  # the merge; conflicting stretches appear between diff3-style markers
    conflicts: list[Conflict]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge3(base: str, ours: str, theirs: str) -> MergeResult:
    a, o, t = split_lines(base), split_lines(ours), split_lines(theirs)
    to_ours, to_theirs = _alignment(a, o), _alignment(a, t)
    out: list[str] = []
    conflicts: list[Conflict] = []
    i = j = k = 0
    while True:
        stable = i
        while stable < len(a) and not (stable in to_ours and stable in to_theirs):
            stable += 1
        # Alignments are monotonic, so the next stable line lies at or after where each side stands.
        jo, kt = (to_ours[stable], to_theirs[stable]) if stable < len(a) else (len(o), len(t))
        _resolve(a[i:stable], o[j:jo], t[k:kt], j, out, conflicts)
        if stable == len(a):
            break
        out.append(o[jo])
        i, j, k = stable + 1, jo + 1, kt + 1
    return MergeResult("".join(out), conflicts)


def split_lines(text: str) -> list[str]:
    # Split on "\n" only (str.splitlines also splits on form feeds and U+2028), keeping the endings.
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _alignment(a: list[str], b: list[str]) -> dict[int, int]:
    # autojunk off: generated code repeats lines ("", "}", "    return") and they must still align.
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return {block.a + n: block.b + n for block in matcher.get_matching_blocks() for n in range(block.size)}


def _resolve(
    base: list[str], ours: list[str], theirs: list[str], at: int, out: list[str], conflicts: list[Conflict]
) -> None:
    if ours in (base, theirs):
        out.extend(theirs)
    elif theirs == base:
        out.extend(ours)
    else:
        conflicts.append(Conflict(at, _bare(ours), _bare(theirs), _bare(base)))
        for marker, lines in zip(MARKERS, (ours, base, theirs, []), strict=True):
            out.append(marker + "\n")
            out.extend(lines)
            if lines and not lines[-1].endswith("\n"):
                out.append("\n")  # so the next marker starts its own line


def _bare(lines: list[str]) -> list[str]:
    return [line.removesuffix("\n").removesuffix("\r") for line in lines]
