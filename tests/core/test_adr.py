"""ADRs: MADR and Nygard structure, technical blocks, checks, the index, and code-block syntax checks."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specloom.core.codecheck import canonical_language, syntax_errors
from specloom.core.findings import Position, Range, Severity
from specloom.core.source import SourceText
from specloom.core.specs import detect_kind, parse_path
from specloom.core.specs.adr import AdrIndex, file_path_problem, looks_like_adr, normalize_adr_id, parse_adr

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RATE_LIMITER = EXAMPLES / "adr/0003-rate-limiter.md"
EVENT_LOG = EXAMPLES / "adr/0004-event-log.md"

NYGARD = """# 7. Use Postgres

## Status

Accepted

## Context

We need a database.

## Decision

We will use Postgres.
"""


def adr(text: str, path: str = "docs/adr/0007-example.md"):
    return parse_adr(SourceText(path, text))


def codes(spec) -> list[str]:
    return [f.code for f in spec.findings]


def text_at(source: SourceText, where: Range) -> str:
    return source.text[source.offset(where.start) : source.offset(where.end)]


def apply_fix(text: str, fix) -> str:
    source = SourceText("x.md", text)
    for edit in sorted(fix.edits, key=lambda e: e.range.start, reverse=True):
        text = text[: source.offset(edit.range.start)] + edit.new_text + text[source.offset(edit.range.end) :]
    return text


# --- the examples ------------------------------------------------------------------


def test_rate_limiter_example_is_a_clean_madr4_adr():
    spec, findings = parse_path(RATE_LIMITER)
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert (spec.adr_id, spec.number, spec.version, spec.status) == ("ADR-0003", 3, "1.1.0", "accepted")
    assert (spec.format, spec.madr_version) == ("madr", 4)
    assert spec.title == "ADR-0003: Token-bucket rate limiter for the public API"
    assert spec.title_range == Range.of(6, 0, 6, 56)
    assert text_at(spec.source, spec.status_range) == "accepted"
    assert spec.front_matter["decision-makers"] == "platform team"


def test_rate_limiter_file_blocks_and_constraints():
    spec, _ = parse_path(RATE_LIMITER)
    blocks = spec.file_blocks
    assert [(b.path, b.language, b.part) for b in blocks] == [
        ("ratelimit/bucket.py", "python", 1),
        ("ratelimit/registry.py", "python", 1),
    ]
    assert blocks[0].path_range == Range.of(52, 8, 52, 27)
    assert blocks[0].code.startswith("from dataclasses import dataclass\n")
    assert "# File:" not in blocks[0].code
    assert list(spec.planned_files()) == ["ratelimit/bucket.py", "ratelimit/registry.py"]
    assert [c.title for c in spec.constraints] == ["Injected clock", "Coverage"]
    assert spec.constraints[0].text.startswith("The limiter MUST take its clock as a parameter")
    assert spec.constraints[0].text.endswith("so tests are deterministic.")
    assert spec.constraints[1].text == "Generated code MUST reach 95% line coverage."
    assert spec.constraints[1].range == Range.of(47, 0, 49, 44)


def test_rate_limiter_elements_use_the_documented_pointers():
    spec, _ = parse_path(RATE_LIMITER)
    elements = {e.pointer: e for e in spec.elements()}
    assert elements["#"].kind == "adr" and elements["#"].selection_range == spec.title_range
    assert elements["#/sections/0"].name == "Context and Problem Statement"
    assert elements["#/constraints/1"].name == "Coverage"
    bucket = elements["#/files/ratelimit~1bucket.py/1"]
    assert bucket.kind == "file" and bucket.selection_range == Range.of(52, 8, 52, 27)
    assert bucket.range.start == Position(51, 0) and bucket.range.end.line == 70


def test_event_log_example_is_nygard_and_reports_the_missing_openapi_file():
    spec, findings = parse_path(EVENT_LOG)
    assert (spec.adr_id, spec.format, spec.status) == ("ADR-0004", "nygard", "proposed")
    assert spec.title == "4. Append-only event log for orders"
    broken = [f for f in findings if f.code == "ADR006"]
    assert len(broken) == 1
    assert broken[0].range == Range.of(15, 62, 15, 87)
    assert text_at(spec.source, broken[0].range) == "../../openapi/orders.yaml"
    assert [link.kind for link in spec.links] == ["openapi"]
    assert set(codes(spec)) == {"ADR006"}


def test_examples_are_detected_as_adrs():
    for path in (RATE_LIMITER, EVENT_LOG):
        assert detect_kind(str(path), path.read_text()) == "adr"
    story = (EXAMPLES / "stories/lending.md").read_text()
    assert not looks_like_adr(story, "stories/lending.md")
    assert not looks_like_adr("# Notes\n\nSome text about a decision.\n", "notes.md")


# --- structure ---------------------------------------------------------------------


def test_headings_inside_fences_do_not_count_and_setext_headings_do():
    text = (
        "ADR-0009: Setext title\n"
        "======================\n\n"
        "Status\n------\n\nAccepted\n\n"
        "## Context\n\n~~~markdown\n## Decision\n~~~\n\n"
        "    ## Consequences (indented code, not a heading)\n"
    )
    spec = adr(text)
    assert spec.title == "ADR-0009: Setext title" and spec.adr_id == "ADR-0009"
    assert spec.title_range == Range.of(0, 0, 0, 22)
    assert [s.title for s in spec.sections] == ["Status", "Context"]
    assert spec.sections[0].heading_range == Range.of(3, 0, 3, 6)
    assert spec.status == "accepted"
    missing = sorted(f.message for f in spec.findings if f.code == "ADR001")
    assert len(missing) == 2 and "'Consequences'" in missing[0] and "'Decision'" in missing[1]


def test_ids_come_from_the_title_or_else_the_file_name():
    assert adr("# ADR-012 Something\n").adr_id == "ADR-0012"
    assert adr("# adr 5: lower case\n").number == 5
    untitled = adr("No heading at all.\n", path="docs/adr/adr-012-foo.md")
    assert untitled.adr_id == "ADR-0012" and untitled.title is None
    assert "ADR007" in codes(untitled)
    assert adr("# Just words\n", path="notes.md").adr_id is None


def test_madr_versions_are_told_apart():
    madr2 = "# Use X\n\n* Status: accepted\n\n## Context and Problem Statement\n\n## Considered Options\n\n"
    madr2 += "## Decision Outcome\n\n### Positive Consequences\n"
    spec2 = adr(madr2)
    assert (spec2.format, spec2.madr_version, spec2.status) == ("madr", 2, "accepted")
    assert text_at(spec2.source, spec2.status_range) == "accepted"
    madr3 = "---\nstatus: proposed\ndeciders: me\n---\n# Use X\n\n## Context and Problem Statement\n"
    assert adr(madr3).madr_version == 3


def test_spec_block_gives_version_and_status():
    text = NYGARD.replace("## Status\n\nAccepted\n\n", "") + (
        "\n## Consequences\n\nNone.\n\n## Technical Specification\n\n"
        "Document: ADR-0007\nVersion: 2.0.0\nStatus: Accepted\n"
    )
    spec = adr(text)
    assert spec.spec_block == {"Document": "ADR-0007", "Version": "2.0.0", "Status": "Accepted"}
    assert spec.version == "2.0.0" and spec.status == "accepted"
    assert text_at(spec.source, spec.status_range) == "Accepted"
    assert "ADR001" not in codes(spec)
    fenced = adr(text.replace("Document:", "```text\nDocument:") + "```\n")
    assert fenced.spec_block == spec.spec_block and text_at(fenced.source, fenced.status_range) == "Accepted"


def test_front_matter_yaml_error_is_a_finding_at_its_line():
    spec = adr("---\nstatus: [accepted\n---\n# ADR-1: X\n")
    syntax = [f for f in spec.findings if f.code == "SYN001"]
    assert len(syntax) == 1 and syntax[0].range.start.line in (1, 2)
    assert spec.front_matter == {} and spec.title == "ADR-1: X"


# --- File blocks -------------------------------------------------------------------


def test_rust_file_block_with_slash_comment():
    spec = adr(NYGARD + "\n```rust\n// File: src/lib.rs\npub fn answer() -> u32 { 42 }\n```\n")
    (block,) = spec.file_blocks
    assert (block.path, block.language, block.code) == ("src/lib.rs", "rust", "pub fn answer() -> u32 { 42 }\n")
    assert text_at(spec.source, block.path_range) == "src/lib.rs"
    assert not [f for f in spec.findings if f.code in ("ADR005", "ADR008")]


def test_a_hash_comment_is_not_a_file_line_in_rust():
    spec = adr(NYGARD + "\n```rust\n# File: src/lib.rs\nfn main() {}\n```\n")
    assert spec.file_blocks == []


def test_consecutive_blocks_for_one_file_are_its_parts():
    text = NYGARD + (
        "\n```python\n# File: ./app/models.py\nclass A:\n    ...\n```\n"
        "\n```python\n# File: app/models.py\nclass B:\n    ...\n```\n"
        "\n```go\n// File: cmd/main.go\npackage main\n```\n"
    )
    spec = adr(text)
    parts = [(b.path, b.part) for b in spec.file_blocks]
    assert parts == [("app/models.py", 1), ("app/models.py", 2), ("cmd/main.go", 1)]
    planned = spec.planned_files()
    assert list(planned) == ["app/models.py", "cmd/main.go"]
    assert [b.code for b in planned["app/models.py"]] == ["class A:\n    ...\n", "class B:\n    ...\n"]
    pointers = [e.pointer for e in spec.elements() if e.kind == "file"]
    assert pointers == ["#/files/app~1models.py/1", "#/files/app~1models.py/2", "#/files/cmd~1main.go/1"]
    assert text_at(spec.source, spec.file_blocks[0].path_range) == "app/models.py"


def test_file_path_leaving_the_workspace_is_refused():
    spec = adr(NYGARD + "\n```sh\n# File: ../../etc/passwd\nroot:x:0:0\n```\n")
    (finding,) = [f for f in spec.findings if f.code == "ADR004"]
    assert finding.severity is Severity.ERROR
    assert text_at(spec.source, finding.range) == "../../etc/passwd"
    assert finding.pointer == "#/files/..~1..~1etc~1passwd/1"
    assert spec.planned_files() == {}


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", "~/x.py", "C:/x.py", "src\\x.py", "a/../../x.py", "a\0b.py", "src/", "", "a/.."],
)
def test_unsafe_file_paths(path):
    assert file_path_problem(path) is not None


@pytest.mark.parametrize("path", ["x.py", "src/a/b.rs", "a/../b.py", "a/./b.py", ".github/ci.yml"])
def test_safe_file_paths(path):
    assert file_path_problem(path) is None


def test_file_blocks_in_other_comment_styles_and_unknown_languages():
    text = NYGARD + (
        "\n```sql\n-- File: db/schema.sql\ncreate table t (id int);\n```\n"
        "\n```c\n/* File: src/main.c */\nint main(void) { return 0; }\n```\n"
        "\n```\n# File: notes.txt\nplain\n```\n"
    )
    spec = adr(text)
    assert [b.path for b in spec.file_blocks] == ["db/schema.sql", "src/main.c", "notes.txt"]
    unchecked = [f for f in spec.findings if f.code == "ADR008"]
    assert len(unchecked) == 3 and all(f.severity is Severity.INFORMATION for f in unchecked)
    assert text_at(spec.source, unchecked[0].range) == "sql"
    assert text_at(spec.source, unchecked[2].range) == "```"


# --- syntax of code blocks -----------------------------------------------------------


def test_python_syntax_error_is_reported_at_its_line_in_the_markdown():
    text = NYGARD + "\n```python\n# File: app/x.py\ndef ok():\n    return 1\n\nprint('é' +)\n```\n"
    spec = adr(text)
    (finding,) = [f for f in spec.findings if f.code == "ADR005"]
    line = text.split("\n").index("print('é' +)")
    assert finding.range == Range.of(line, 10, line, 11)
    assert text_at(spec.source, finding.range) == "+"
    assert "`+`" in finding.message and finding.pointer == "#/files/app~1x.py/1"


def test_syntax_errors_map_through_list_indentation():
    text = NYGARD + "\n1. Code:\n\n   ```ts\n   const x: number = ;\n   ```\n"
    spec = adr(text)
    (finding,) = [f for f in spec.findings if f.code == "ADR005"]
    assert text_at(spec.source, finding.range) == "="
    assert finding.range.start.character == 19


def test_plain_code_blocks_are_checked_too_but_unknown_languages_are_not():
    spec = adr(NYGARD + "\n```java\nclass A { void f() { int x = } }\n```\n\n```cobol\nNOT CODE (\n```\n")
    assert codes(spec).count("ADR005") == 1 and "ADR008" not in codes(spec)


def test_codecheck_languages_and_columns():
    assert canonical_language("C#") == "c_sharp" and canonical_language("golang") == "go"
    assert canonical_language("py3") == "python" and canonical_language("cobol") is None
    assert syntax_errors("x = 1", "brainfuck") is None
    assert syntax_errors("def f():\n    ...\n", "py") == []
    assert syntax_errors('s = "ü"\nf(s +)\n', "python") == [(1, 4, 1, 5, "unexpected `+`")]
    assert syntax_errors("fn main() { let x = 1 }", "rs") == [(0, 21, 0, 21, "missing `;`")]
    for language, good, bad in [
        ("go", "package main\nfunc main() {}\n", "package main\nfunc main( {}\n"),
        ("java", "class A {}", "class A {"),
        ("cs", "class C { void M() { } }", "class C { void M() { var x = 1 } }"),
        ("tsx", "const a = <div>hi</div>;", "const a = <div>hi;"),
    ]:
        assert syntax_errors(good, language) == [], language
        assert syntax_errors(bad, language), language
    assert syntax_errors("const a = <div>hi</div>;", "ts")  # JSX needs the tsx grammar


# --- status ------------------------------------------------------------------------


def test_unknown_status_with_a_fix_for_a_typo():
    spec = adr(NYGARD.replace("Accepted", "Acepted"))
    (finding,) = [f for f in spec.findings if f.code == "ADR002"]
    assert finding.severity is Severity.WARNING and text_at(spec.source, finding.range) == "Acepted"
    assert "Accepted" in apply_fix(spec.source.text, finding.fix)
    assert "ADR002" not in codes(adr(apply_fix(spec.source.text, finding.fix)))


def test_unknown_status_without_a_close_match_has_no_fix():
    spec = adr(NYGARD.replace("Accepted", "Pending review"))
    (finding,) = [f for f in spec.findings if f.code == "ADR002"]
    assert finding.fix is None and "pending review" in finding.message


def test_superseded_needs_a_successor():
    assert "ADR003" in codes(adr(NYGARD.replace("Accepted", "Superseded")))
    for status in ("Superseded by ADR-0009", "Superseded by [the new one](0009-new.md)", "superseded by adr 9"):
        spec = adr(NYGARD.replace("Accepted", status))
        assert spec.status_kind == "superseded" and "ADR003" not in codes(spec) and "ADR002" not in codes(spec)
    front = adr("---\nstatus: superseded\n---\n# ADR-1: X\n\n## Context and Problem Statement\n")
    assert "ADR003" in codes(front)
    assert text_at(front.source, front.status_range) == "superseded"


# --- required sections -------------------------------------------------------------


def test_nygard_without_consequences_gets_a_finding_with_a_fix():
    spec = adr(NYGARD)
    (finding,) = [f for f in spec.findings if f.code == "ADR001"]
    assert finding.severity is Severity.ERROR and "'Consequences'" in finding.message
    assert finding.range == spec.title_range
    assert finding.fix.title == "Add '## Consequences' section"
    fixed = apply_fix(NYGARD, finding.fix)
    assert fixed.startswith(NYGARD) and "\n\n## Consequences\n\n" in fixed
    assert "ADR001" not in codes(adr(fixed))


def test_missing_madr_section_is_inserted_before_the_next_one():
    text = "# ADR-2: X\n\n## Context and Problem Statement\n\nWhy.\n\n## Decision Outcome\n\nChosen.\n"
    spec = adr(text)
    (finding,) = [f for f in spec.findings if f.code == "ADR001"]
    assert "'Considered Options'" in finding.message
    fixed = apply_fix(text, finding.fix)
    assert fixed.index("## Considered Options") < fixed.index("## Decision Outcome")
    assert codes(adr(fixed)) == []


# --- links -------------------------------------------------------------------------


def test_links_relative_to_the_adr_folder():
    path = str(EXAMPLES / "adr/0009-links.md")
    text = NYGARD + (
        "\n## Consequences\n\nSee [the API](../openapi/bookstore.yaml#/paths), [old](0004-event-log.md),\n"
        "[web](https://example.com/x.yaml), [top](#context), `../openapi/bookstor.yaml` and\n"
        '![diagram](img/missing.png "Title").\n\n[ref]: <../openapi/bookstore.yaml>\n'
    )
    spec = parse_adr(SourceText(path, text))
    assert [(link.target, link.kind) for link in spec.links] == [
        ("../openapi/bookstore.yaml#/paths", "openapi"),
        ("0004-event-log.md", "adr"),
        ("https://example.com/x.yaml", "openapi"),
        ("#context", "other"),
        ("../openapi/bookstor.yaml", "openapi"),
        ("img/missing.png", "other"),
        ("../openapi/bookstore.yaml", "openapi"),
    ]
    assert spec.links[0].text == "the API"
    broken = [f for f in spec.findings if f.code == "ADR006"]
    assert [text_at(spec.source, f.range) for f in broken] == ["../openapi/bookstor.yaml", "img/missing.png"]
    assert broken[0].fix.edits[0].new_text == "../openapi/bookstore.yaml"
    assert broken[1].fix is None


def test_link_syntax_inside_code_is_not_a_link():
    spec = adr(NYGARD + "\nUse `[x](nowhere.md)` literally.\n\n```text\n[y](nowhere.md)\n```\n")
    assert spec.links == []


# --- index -------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_index_resolves_ids_and_versions(tmp_path):
    write(tmp_path / "docs/adr/0003-rate-limiter.md", RATE_LIMITER.read_text())
    write(tmp_path / "docs/adr/0003-rate-limiter-v2.md", RATE_LIMITER.read_text().replace("1.1.0", "2.0.0"))
    write(tmp_path / "docs/adr/README.md", "# Decisions\n\nAn index.\n")
    write(tmp_path / "docs/decisions/adr-012-queues.md", NYGARD.replace("7. Use Postgres", "ADR-012: Queues"))
    write(tmp_path / "elsewhere/0020-extra.md", NYGARD.replace("7.", "20."))
    index = AdrIndex.build(tmp_path, extra_paths=["elsewhere"])
    assert sorted(spec.adr_id for spec in index.adrs) == ["ADR-0003", "ADR-0003", "ADR-0012", "ADR-0020"]
    for spelling in ("ADR-012", "adr-0012", "0012", "12", "ADR 12"):
        assert index.resolve(spelling).title == "ADR-012: Queues"
    assert index.resolve("ADR-3", "1.1.0").version == "1.1.0"
    assert index.resolve("adr-0003", "v2.0.0").version == "2.0.0"
    assert index.resolve("0003") is None  # two versions: which one is ambiguous
    assert len(index.matches("ADR-3")) == 2
    assert index.resolve("ADR-3", "9.9.9") is None
    assert index.resolve("ADR-20").adr_id == "ADR-0020"
    assert index.resolve("ADR-99") is None and index.resolve("not an id") is None


def test_normalize_adr_id():
    assert normalize_adr_id("adr_7") == "ADR-0007"
    assert normalize_adr_id("ADR-12345") == "ADR-12345"
    assert normalize_adr_id("ADR-x") is None


# --- robustness and speed ----------------------------------------------------------


def assert_ranges_inside(spec):
    lines = spec.source.text.split("\n")

    def inside(where: Range) -> None:
        assert where.start <= where.end, where
        for pos in (where.start, where.end):
            assert 0 <= pos.line < len(lines) and 0 <= pos.character <= len(lines[pos.line]), where

    for finding in spec.findings:
        inside(finding.range)
        for edit in finding.fix.edits if finding.fix else ():
            inside(edit.range)
    for element in spec.elements():
        inside(element.range)
        inside(element.selection_range)
    for block in spec.file_blocks:
        assert text_at(spec.source, block.path_range) == block.path


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300).map(lambda s: s.replace("\0", "")))
def test_arbitrary_text_never_raises(text):
    assert_ranges_inside(adr(text))


MARKDOWN_PIECES = st.sampled_from(
    [
        "# ADR-0001: Title",
        "## Status",
        "Superseded",
        "Acepted",
        "## Context",
        "### Consequences",
        "Setext\n===",
        "---",
        "---\nstatus: accepted\nversion: 1.0\n---",
        "```python",
        "~~~rust",
        "   ```ts",
        "```",
        "~~~",
        "# File: a/b.py",
        "// File: ../x.rs",
        "/* File: `c.c` */",
        "def f(:",
        "fn x() {",
        "CONSTRAINT: Speed",
        "**CONSTRAINT:** Size",
        "Document: ADR-1\nVersion: 2",
        "* Status: draft",
        "> quoted ```py",
        "- item\n\n      ```go\n      func (",
        "[link](../missing.yaml)",
        "`a/b.graphql`",
        "[ref]: <x.md>",
        "\t```py\n\tx = (\n\t```",
        "é ü 𝄞",
        "\r",
        "",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=12)), max_size=25))
def test_random_markdown_never_raises(pieces):
    text = "\n".join(pieces).replace("\0", "")
    # A path in a real folder, so link targets are looked up on disk too.
    assert_ranges_inside(adr(text, path=str(EXAMPLES / "adr/0099-fuzz.md")))


def test_a_2000_line_adr_parses_cleanly():
    # Its speed is measured by bench/bench_core.py, not asserted here.
    text = RATE_LIMITER.read_text()
    body = text.split("\n", 7)[7]
    big = "\n".join((text + body * 30).split("\n")[:2000])
    spec = parse_adr(SourceText("big.md", big))
    assert len(spec.file_blocks) > 50 and not [f for f in spec.findings if f.severity is Severity.ERROR]


def test_a_missing_spec_block_line_is_added_even_when_the_block_ends_the_file_without_a_newline():
    text = "CONSTRAINT: Speed\nDocument: ADR-1\nVersion: 2"
    [missing] = [f for f in adr(text, path=str(EXAMPLES / "adr/0099-fuzz.md")).findings if f.code == "ADR009"]
    assert apply_fix(text, missing.fix) == text + "\nStatus: Draft"
    assert_ranges_inside(adr(text, path=str(EXAMPLES / "adr/0099-fuzz.md")))
