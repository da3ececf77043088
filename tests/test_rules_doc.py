from pathlib import Path

from specloom.output.rules_doc import render


def test_rules_doc_is_up_to_date():
    doc = Path(__file__).resolve().parent.parent / "docs/rules.md"
    assert doc.read_text() == render(), "regenerate: python -m specloom.output.rules_doc > docs/rules.md"


def test_every_gate_publishes_a_registered_code():
    from specloom.core.rules import RULES, gate_code
    from specloom.gates import security, style, syntax, tests

    names = [gate.NAME for gate in (syntax, style, security, tests)] + ["template-security"]
    assert all(gate_code(name) in RULES for name in names)
