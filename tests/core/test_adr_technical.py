"""Technical ADRs in the seed's shape: a specification block, CONSTRAINTs and `File:` blocks, no decision sections."""

from __future__ import annotations

from pathlib import Path

from specloom.core.plan import plan
from specloom.core.source import SourceText
from specloom.core.specs import detect_kind, parse_path
from specloom.core.specs.adr import AdrIndex, parse_adr

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ADR_021 = EXAMPLES / "adr/ADR-021-v2-notification-delivery-part2-technical.md"

BLOCK = """\
# Rate limits, technical part

Document Specification Block

Document: rate-limits-technical
Version: 1.4.0
Status: Accepted

"""


def technical(body: str, block: str = BLOCK):
    return parse_adr(SourceText("docs/adr/limits.md", block + body))


def apply_fix(text: str, fix) -> str:
    source = SourceText("x", text)
    for edit in sorted(fix.edits, key=lambda e: e.range.start, reverse=True):
        text = text[: source.offset(edit.range.start)] + edit.new_text + text[source.offset(edit.range.end) :]
    return text


def test_adr_021_is_a_clean_technical_adr_with_its_version_files_and_constraints():
    assert detect_kind(str(ADR_021), ADR_021.read_text()) == "adr"
    spec, findings = parse_path(ADR_021)
    assert findings == []
    assert (spec.format, spec.adr_id, spec.version, spec.status) == ("technical", "ADR-0021", "2.0.1", "draft")
    assert [c.title for c in spec.constraints] == [
        "At-Least-Once Delivery",
        "Channel Isolation",
        "No Secrets In Payloads",
    ]
    assert all(c.text for c in spec.constraints)
    planned = plan(spec)
    assert [(f.path, f.purpose) for f in planned.files] == [
        ("notify/dispatcher.py", "source"),
        ("notify/channels.py", "source"),
        ("notify/models.py", "source"),
        ("tests/test_dispatcher.py", "test"),  # the ADR names its tests, so no others are invented
    ]


def test_adr_021_resolves_by_id_and_version():
    index = AdrIndex.build(EXAMPLES, ["adr"])
    assert index.resolve("ADR-021", "2.0.1").path == str(EXAMPLES / "adr" / ADR_021.name)
    assert index.resolve("ADR-021", "2.0.2") is None


def test_a_spec_block_with_constraints_alone_is_detected_but_plain_notes_are_not():
    text = BLOCK + "CONSTRAINT: Bounded memory\n\nAt most one bucket per client.\n"
    assert detect_kind("notes/limits.md", text) == "adr"
    assert detect_kind("notes/limits.md", BLOCK + "Some notes.\n") is None
    without_status = text.replace("Status: Accepted\n", "")
    assert detect_kind("notes/limits.md", without_status) is None


def test_a_missing_version_line_is_an_error_whose_fix_adds_it():
    text = BLOCK.replace("Version: 1.4.0\n", "") + "CONSTRAINT: Bounded\n\nOne bucket per client.\n"
    spec = parse_adr(SourceText("docs/adr/limits.md", text))
    [missing] = [f for f in spec.findings if f.code == "ADR009"]
    assert "`Version:`" in missing.message and missing.range.start.line == 4
    fixed = parse_adr(SourceText("docs/adr/limits.md", apply_fix(text, missing.fix)))
    assert fixed.version == "1.0.0" and not [f for f in fixed.findings if f.code == "ADR009"]


def test_an_empty_status_line_is_named():
    spec = technical("CONSTRAINT: Bounded\n\nOne bucket per client.\n", BLOCK.replace("Accepted", ""))
    empty = [f.message for f in spec.findings if f.code == "ADR009"]
    assert empty == ["The specification block's `Status:` line is empty."]


def test_technical_adrs_need_no_context_or_decision_sections():
    spec = technical("## 1. Constraints\n\nCONSTRAINT: Bounded\n\nOne bucket per client.\n")
    assert spec.format == "technical" and spec.findings == []


def test_a_constraint_with_no_text_is_warned():
    spec = technical("CONSTRAINT: Bounded memory\n\n## 2. Next\n\nText.\n")
    [empty] = [f for f in spec.findings if f.code == "ADR010"]
    assert "Bounded memory" in empty.message and empty.range.start.line == 8


def test_a_repeated_file_block_and_a_conflicting_one_are_reported():
    code = "```python\n# File: app/limits.py\ndef limit() -> int:\n    return 1\n```\n\n"
    rust = "```rust\n// File: app/limits.py\nfn limit() -> i32 { 1 }\n```\n"
    spec = technical("CONSTRAINT: Bounded\n\nOne.\n\n" + code + code + rust)
    found = {f.code: f for f in spec.findings if f.code in ("ADR011", "ADR012")}
    assert "repeats part 1" in found["ADR011"].message
    assert "is rust but part 1 is python" in found["ADR012"].message
    assert found["ADR011"].related[0].location.range.start.line == found["ADR011"].range.start.line - 6


def test_a_name_defined_in_two_parts_of_one_python_file_conflicts():
    first = "```python\n# File: app/limits.py\nclass Limit:\n    pass\n```\n\n"
    second = "```python\n# File: app/limits.py\nclass Limit:\n    size = 2\n```\n"
    spec = technical(first + second)
    [conflict] = [f for f in spec.findings if f.code == "ADR012"]
    assert "defines `Limit` again; part 1 already does" in conflict.message


def test_a_block_that_does_not_parse_is_reported_in_a_technical_adr():
    spec = technical("```python\n# File: app/limits.py\ndef limit(:\n```\n")
    assert [f.code for f in spec.findings] == ["ADR005"]


def test_a_rust_only_adr_plans_rust_files_whatever_the_default_language():
    spec = technical("```rust\n// File: src/limits.rs\npub fn limit() -> i32 { 1 }\n```\n")
    planned = plan(spec, language="python")
    assert planned.language == "rust" and [f.path for f in planned.files] == ["src/limits.rs"]
