"""Re-parsing one block must give exactly what parsing the whole text gives, whatever the edit."""

import random

import pytest
import yaml_rs
from hypothesis import given
from hypothesis import strategies as st

from specloom.core import locate
from specloom.core.source import SourceText
from specloom.core.specs import yaml_incremental
from specloom.core.specs.yamldoc import _normalize, load_data
from tests.helpers import EXAMPLES


@pytest.fixture(autouse=True)
def keeping(monkeypatch):
    monkeypatch.setattr(yaml_incremental._last, "size", 8)


SPECS = ["openapi/bookstore.yaml", "openapi/library.yaml", "openapi/public/petstore-expanded.yaml"]


def full_parse(path: str, text: str):
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - the incremental path must then refuse too
        return "error"
    return _normalize(data, SourceText(path, text), [])


def normalizer(path: str, text: str):
    source = SourceText(path, text)
    return lambda value, findings: _normalize(value, source, findings)


def edited(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    at = rng.randrange(1, len(lines))
    line = lines[at]
    indent = " " * (len(line) - len(line.lstrip(" ")))
    kind = rng.choice(["comment", "append", "delete", "key", "duplicate", "junk", "dedent", "value"])
    if kind == "comment":
        lines.insert(at, indent + "# a note")
    elif kind == "append":
        lines[at] = line + "x"
    elif kind == "delete":
        del lines[at]
    elif kind == "key":
        lines.insert(at, indent + "x-added: 1")
    elif kind == "duplicate":
        lines.insert(at, line)
    elif kind == "junk":
        lines[at] = indent + rng.choice(["{", "]", "- x", ": :", "&anchor x", "*alias", "'unclosed", "\tx: 1"])
    elif kind == "dedent":
        lines[at] = line.lstrip(" ")
    else:
        lines[at] = indent + "description: changed | text"
    return lines


@pytest.mark.parametrize("spec", SPECS)
def test_random_edits_parse_as_the_whole_text_does(spec, monkeypatch):
    monkeypatch.setattr(yaml_incremental, "MIN_CHARS", 0)
    path = str(EXAMPLES / spec)
    original = (EXAMPLES / spec).read_text().split("\n")
    rng = random.Random(spec)
    reused = 0
    for _ in range(300):
        lines = original
        load_data(SourceText(path, "\n".join(lines)))  # remembered as the last parse
        for _ in range(rng.randint(1, 3)):  # a few edits in a row, each against the one before
            lines = edited(lines, rng)
            text = "\n".join(lines)
            expected = full_parse(path, text)
            quick = yaml_incremental.reparse(path, text, normalizer(path, text))
            if quick is not None:
                reused += 1
                assert quick == expected, text
            data, findings = load_data(SourceText(path, text))
            if expected == "error":  # a syntax error, or a duplicate key read last-wins: reported either way
                assert findings
                break
            assert data == expected
    assert reused > 100  # most edits are inside one block: the fast path really ran


def test_a_big_spec_reuses_its_last_parse_for_a_one_line_edit():
    path = EXAMPLES / "openapi/public/plaid-2020-09-14.yml"
    text = path.read_text()
    load_data(SourceText(str(path), text))
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if i > 30_000 and line.strip().startswith("description:"))
    lines[at] += " (edited)"
    new = "\n".join(lines)
    quick = yaml_incremental.reparse(str(path), new, normalizer(str(path), new))
    assert quick is not None and quick == full_parse(str(path), new)


def test_findings_after_edits_match_a_fresh_analysis(monkeypatch):
    """Nothing downstream may change a tree the next edit reuses."""
    from specloom.core.specs import parse_source

    monkeypatch.setattr(yaml_incremental, "MIN_CHARS", 0)
    monkeypatch.setattr(locate, "_RECENT_MIN_LINES", 0)
    monkeypatch.setattr(locate._RECENT_INDENTS, "size", 8)  # positions come from the last version's indents
    path = str(EXAMPLES / "openapi/bookstore.yaml")
    lines = (EXAMPLES / "openapi/bookstore.yaml").read_text().split("\n")
    rng = random.Random(7)
    parse_source(SourceText(path, "\n".join(lines)), "openapi")
    for _ in range(120):
        candidate = edited(lines, rng)
        if full_parse(path, "\n".join(candidate)) == "error":
            continue
        lines = candidate
        text = "\n".join(lines)
        reused = parse_source(SourceText(path, text), "openapi")
        with monkeypatch.context() as fresh:
            fresh.setattr(yaml_incremental, "_last", type(yaml_incremental._last)())
            fresh.setattr(locate, "_RECENT_INDENTS", type(locate._RECENT_INDENTS)())
            expected = parse_source(SourceText(path, text), "openapi")
        assert [f.to_json() for f in reused.findings] == [f.to_json() for f in expected.findings]


@given(
    st.lists(st.sampled_from(["a", "b", "", "  c"]), max_size=12),
    st.lists(st.sampled_from(["a", "b", "", "  c"]), max_size=12),
)
def test_changed_lines_are_the_lines_between_the_longest_common_prefix_and_suffix(old, new):
    first, old_stop, new_stop = locate.changed_lines(old, new)
    prefix = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    assert first == prefix
    assert old[old_stop:] == new[new_stop:] and first <= old_stop and first <= new_stop
    suffix = len(old) - old_stop
    longer = suffix + 1
    assert longer > min(len(old), len(new)) - first or old[len(old) - longer] != new[len(new) - longer]
