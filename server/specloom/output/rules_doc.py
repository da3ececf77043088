"""docs/rules.md, written from the rule registry so the two never drift.

Run: python -m specloom.output.rules_doc > docs/rules.md
"""

from specloom.core.rules import RULES


def render() -> str:
    lines = [
        "# Finding codes",
        "",
        "Every finding Specloom reports has one of these codes. Generated from `core/rules.py`.",
        "",
    ]
    for rule in RULES.values():
        lines += [
            f"## {rule.code}",
            "",
            f"**{rule.name}** — default severity: {rule.severity.label}.",
            "",
            rule.summary,
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
