"""Findings as text, JSON or SARIF 2.1.0."""

from __future__ import annotations

import json
from pathlib import Path

from specloom import __version__
from specloom.core.findings import Finding, Severity
from specloom.core.rules import RULES

_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}


def render_text(files: dict[str, list[Finding]], color: bool = False) -> str:
    lines: list[str] = []
    paint = _painter(color)
    counts = {s: 0 for s in Severity}
    for path, findings in files.items():
        for f in findings:
            counts[f.severity] += 1
            start = f.range.start
            label = paint(f.severity.label, f.severity)
            lines.append(f"{path}:{start.line + 1}:{start.character + 1}: {label} {f.code} {f.message}")
            if f.suggestion:
                lines.append(f"    fix: {f.suggestion}")
            for rel in f.related:
                pos = rel.location.range.start
                lines.append(f"    see: {rel.location.path}:{pos.line + 1}:{pos.character + 1}: {rel.message}")
    summary = (
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFORMATION] + counts[Severity.HINT]} note(s) in {len(files)} file(s)"
    )
    lines.append(summary if lines else f"No problems found in {len(files)} file(s).")
    return "\n".join(lines) + "\n"


def _painter(color: bool):
    codes = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFORMATION: "36", Severity.HINT: "36"}

    def paint(text: str, severity: Severity) -> str:
        return f"\x1b[{codes[severity]}m{text}\x1b[0m" if color else text

    return paint


def render_json(files: dict[str, list[Finding]]) -> str:
    return (
        json.dumps(
            {
                "files": [
                    {"path": path, "findings": [f.to_json() for f in findings]} for path, findings in files.items()
                ]
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def _uri(path: str) -> str:
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


def _region(r) -> dict:
    # SARIF counts from 1; an empty LSP range still covers one column so viewers can show it.
    end_col = (
        r.end.character + 1
        if (r.end.line, r.end.character) != (r.start.line, r.start.character)
        else r.start.character + 2
    )
    return {
        "startLine": r.start.line + 1,
        "startColumn": r.start.character + 1,
        "endLine": r.end.line + 1,
        "endColumn": end_col,
    }


def _exact_region(r) -> dict:
    # For replacements an empty region is an insertion point, not a one-column deletion.
    return {
        "startLine": r.start.line + 1,
        "startColumn": r.start.character + 1,
        "endLine": r.end.line + 1,
        "endColumn": r.end.character + 1,
    }


def render_sarif(files: dict[str, list[Finding]]) -> str:
    used = sorted({f.code for findings in files.values() for f in findings if f.code in RULES})
    index = {code: i for i, code in enumerate(used)}
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "helpUri": RULES[code].help_uri,
            "defaultConfiguration": {"level": _SARIF_LEVEL[RULES[code].severity]},
        }
        for code in used
    ]
    results = []
    for path, findings in files.items():
        for f in findings:
            result = {
                "ruleId": f.code,
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message + (f" Fix: {f.suggestion}" if f.suggestion else "")},
                "locations": [
                    {"physicalLocation": {"artifactLocation": {"uri": _uri(path)}, "region": _region(f.range)}}
                ],
            }
            if f.code in index:
                result["ruleIndex"] = index[f.code]
            if f.related:
                result["relatedLocations"] = [
                    {
                        "id": i,
                        "message": {"text": rel.message},
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(rel.location.path)},
                            "region": _region(rel.location.range),
                        },
                    }
                    for i, rel in enumerate(f.related)
                ]
            if f.fix is not None:
                result["fixes"] = [
                    {
                        "description": {"text": f.fix.title},
                        "artifactChanges": [
                            {
                                "artifactLocation": {"uri": _uri(path)},
                                "replacements": [
                                    {"deletedRegion": _exact_region(e.range), "insertedContent": {"text": e.new_text}}
                                    for e in f.fix.edits
                                ],
                            }
                        ],
                    }
                ]
            results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "specloom",
                        "version": __version__,
                        "informationUri": "https://specloom.dev",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
