"""User stories: the story sentence, acceptance criteria with exact ranges, STY findings."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specloom.core.findings import Range
from specloom.core.source import SourceText, read_source
from specloom.core.specs.story import StorySpec, looks_like_story, parse_story
from tests.helpers import EXAMPLES


def story(text: str) -> StorySpec:
    return parse_story(SourceText("story.md", text))


def text_at(spec: StorySpec, where: Range) -> str:
    source = spec.source
    return source.text[source.offset(where.start) : source.offset(where.end)]


def codes(spec: StorySpec) -> list[str]:
    return [f.code for f in spec.findings]


def lending() -> StorySpec:
    source, problems = read_source(EXAMPLES / "stories" / "lending.md")
    assert source is not None, problems
    return parse_story(source)


# --- the example story ------------------------------------------------------------


def test_lending_story_sentence():
    spec = lending()
    assert spec.findings == []
    assert spec.kind == "story"
    assert spec.title == "lend a book"
    assert spec.title_range == Range.of(0, 0, 0, 20)
    assert spec.role == "librarian"
    assert spec.want == "lend an available book to a member"
    assert spec.benefit == "loans are tracked"
    assert spec.part_ranges["role"] == Range.of(2, 5, 2, 14)
    assert {part: text_at(spec, r) for part, r in spec.part_ranges.items()} == {
        "role": "librarian",
        "want": "lend an available book to a member",
        "benefit": "loans are tracked",
    }
    assert spec.sentence_range == Range.of(2, 0, 2, 88)


def test_lending_story_has_four_criteria_with_ranges():
    spec = lending()
    assert [c.range for c in spec.criteria] == [
        Range.of(5, 2, 5, 92),
        Range.of(6, 2, 6, 92),
        Range.of(7, 2, 7, 56),
        Range.of(8, 2, 8, 78),
    ]
    assert spec.criteria[2].text == "A member with 5 open loans cannot borrow another book."
    assert all(text_at(spec, c.range) == c.text for c in spec.criteria)


def test_lending_story_elements():
    spec = lending()
    elements = spec.elements()
    assert [(e.kind, e.pointer) for e in elements] == [
        ("story", "#"),
        ("criterion", "#/criteria/0"),
        ("criterion", "#/criteria/1"),
        ("criterion", "#/criteria/2"),
        ("criterion", "#/criteria/3"),
    ]
    assert elements[0].name == "lend a book"
    assert elements[0].selection_range == spec.title_range
    assert elements[1].range == Range.of(5, 2, 5, 92)


# --- the sentence -----------------------------------------------------------------


def test_sentence_is_case_insensitive_spans_lines_and_needs_no_commas():
    spec = story("as an Editor\nI want to publish drafts\nSO THAT readers see them\n\n## Acceptance criteria\n- ok\n")
    assert spec.findings == []
    assert (spec.role, spec.want, spec.benefit) == ("Editor", "publish drafts", "readers see them")
    assert spec.part_ranges["want"] == Range.of(1, 10, 1, 24)
    assert spec.part_ranges["benefit"] == Range.of(2, 8, 2, 24)


def test_sentence_with_emphasis_and_in_a_list_item():
    spec = story(
        "- **As an** admin, **I want** to ban users, **so that** spam stops.\n\nAcceptance criteria:\n\n- ok\n"
    )
    assert (spec.role, spec.want, spec.benefit) == ("admin", "ban users", "spam stops")
    assert text_at(spec, spec.part_ranges["role"]) == "admin"


def test_missing_benefit_is_named():
    spec = story("# Lend\n\nAs a librarian, I want to lend books.\n\n## Acceptance criteria\n- ok\n")
    [finding] = spec.findings
    assert finding.code == "STY001"
    assert "benefit ('so that …')" in finding.message
    assert "role" not in finding.message
    assert finding.range == Range.of(2, 0, 2, 37)
    assert (spec.role, spec.want, spec.benefit) == ("librarian", "lend books", None)


def test_missing_want_and_benefit_are_both_named():
    spec = story("As a librarian.\n\n## Acceptance criteria\n- ok\n")
    [finding] = spec.findings
    assert "goal ('I want …') and the benefit" in finding.message
    assert spec.role == "librarian"


def test_no_sentence_at_all():
    spec = story("# Lend books\n\nLibrarians lend books.\n\n## Acceptance criteria\n- ok\n")
    [finding] = spec.findings
    assert finding.code == "STY001"
    assert finding.range == Range.of(0, 0, 0, 12)
    assert "As a librarian, I want" in finding.suggestion


def test_as_a_inside_a_sentence_or_code_is_not_the_story():
    spec = story(
        "# T\n\nUse a card such as a member card, I want nothing so that x.\n\n"
        "```\nAs a coder, I want code so that it runs.\n```\n\n## Acceptance criteria\n- ok\n"
    )
    assert codes(spec) == ["STY001"]
    assert spec.role is None


def test_the_first_complete_sentence_wins_over_an_earlier_partial_one():
    spec = story("As a guest.\n\nAs a member, I want to borrow, so that I can read.\n\n## Acceptance criteria\n- ok\n")
    assert spec.findings == []
    assert spec.role == "member"


# --- criteria ---------------------------------------------------------------------


def test_no_criteria_is_sty002_on_the_title():
    spec = story("# Lend\n\nAs a librarian, I want to lend, so that loans are tracked.\n")
    [finding] = spec.findings
    assert finding.code == "STY002"
    assert finding.range == Range.of(0, 0, 0, 6)
    assert spec.criteria == []


def test_empty_criteria_section_is_sty002_on_its_heading():
    spec = story("# Lend\n\nAs a librarian, I want to lend, so that x.\n\n### Acceptance Criteria\n\n## Notes\n- n\n")
    [finding] = spec.findings
    assert finding.code == "STY002"
    assert finding.range == Range.of(4, 0, 4, 23)
    assert "section is empty" in finding.message


def test_criteria_section_ends_at_a_heading_of_the_same_level():
    spec = story(
        "As a a, I want b, so that c.\n\n## Acceptance criteria\n- one\n### Detail\n- two\n## Notes\n- three\n"
    )
    assert [c.text for c in spec.criteria] == ["one", "two"]


def test_paragraph_label_and_ordered_task_list():
    spec = story(
        "As a a, I want b, so that c.\n\n**Acceptance Criteria:**\n1. [ ] first\n   continues\n2. [x] second\n"
    )
    assert [c.text for c in spec.criteria] == ["first continues", "second"]
    assert spec.criteria[0].range == Range.of(3, 7, 4, 12)


def test_nested_items_belong_to_their_criterion():
    spec = story("As a a, I want b, so that c.\n\n## Acceptance criteria\n- parent\n  - child\n- next\n")
    assert [c.text for c in spec.criteria] == ["parent child", "next"]
    assert spec.criteria[0].range == Range.of(3, 2, 4, 9)


def test_paragraphs_are_criteria_when_the_section_has_no_list():
    spec = story("As a a, I want b, so that c.\n\nAcceptance criteria:\n\nIt works.\n\nIt is fast.\n")
    assert [c.text for c in spec.criteria] == ["It works.", "It is fast."]
    assert spec.criteria[1].range == Range.of(6, 0, 6, 11)


def test_given_when_then_criteria():
    spec = story(
        "As a a, I want b, so that c.\n\n## Acceptance criteria\n"
        "- Given a member with 5 loans, when they borrow, then it is refused\n"
        "- Scenario: return\n  Given a loan\n  When it is returned\n  Then the book is available\n"
    )
    first, second = spec.criteria
    assert (first.given, first.when, first.then) == ("a member with 5 loans", "they borrow", "it is refused")
    assert (second.given, second.when, second.then) == ("a loan", "it is returned", "the book is available")
    assert second.range == Range.of(4, 2, 7, 28)


def test_gherkin_fence_gives_one_criterion_per_scenario_without_a_heading():
    spec = story(
        "As a a, I want b, so that c.\n\n```gherkin\nFeature: lending\n"
        "Scenario: one\n  Given a\n  When b\n  Then c\nScenario: two\n  Given d\n  When e\n  Then f\n```\n"
    )
    assert spec.findings == []
    assert [(c.given, c.when, c.then) for c in spec.criteria] == [("a", "b", "c"), ("d", "e", "f")]
    assert spec.criteria[0].range == Range.of(4, 0, 7, 8)


def test_plain_lists_outside_a_criteria_section_are_not_criteria():
    spec = story("As a a, I want b, so that c.\n\n- a note\n- another\n")
    assert codes(spec) == ["STY002"]


# --- detection ----------------------------------------------------------------------


def test_looks_like_story():
    assert looks_like_story((EXAMPLES / "stories" / "lending.md").read_text())
    assert looks_like_story("Some intro.\n\n## Acceptance Criteria\n- x\n")
    assert looks_like_story("As an editor\nI want to publish")
    assert not looks_like_story("# Notes\n\nNothing to see here.\n")
    assert not looks_like_story("# ADR 1\n\n## Status\nAccepted\n")


# --- robustness -------------------------------------------------------------------

MD_TOKENS = [
    "#", "##", "As a", "as an", "I want", "so that", "Acceptance criteria", "Acceptance Criteria:", "- ", "* ",
    "1.", "[ ]", "Given", "When", "Then", "Scenario:", "```", "```gherkin", ">", "**", ",", ".", "\n", "\n\n",
    "\r", "\t", "  ", "x", "é", "😀", "===", "---",
]  # fmt: skip


def assert_findings_inside(spec: StorySpec) -> None:
    source = spec.source
    ranges = [f.range for f in spec.findings] + [r for e in spec.elements() for r in (e.range, e.selection_range)]
    for where in ranges:
        for pos in (where.start, where.end):
            assert 0 <= pos.line < len(source.line_starts), where
            assert 0 <= pos.character <= len(source.line_text(pos.line)), where
        assert where.start <= where.end, where


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text):
    assert_findings_inside(story(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MD_TOKENS), max_size=40).map(" ".join))
def test_story_shaped_text_never_raises(text):
    assert_findings_inside(story(text))
