from pathlib import Path

from specloom.output.rules_doc import render


def test_rules_doc_is_up_to_date():
    doc = Path(__file__).resolve().parent.parent / "docs/rules.md"
    assert doc.read_text() == render(), "regenerate: python -m specloom.output.rules_doc > docs/rules.md"
