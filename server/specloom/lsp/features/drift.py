"""Drift: an open generated file whose own spec elements changed since it was generated gets one notice.

The manifest records a hash of each spec element a file came from (`core.provenance`); the file has
drifted when one of those elements hashes differently now, so edits elsewhere in the spec are silent.
"""

from __future__ import annotations

import os
from pathlib import Path

from specloom.core.findings import Finding, Range
from specloom.core.provenance import drifted
from specloom.core.rules import rule
from specloom.lsp.documents import Analysis

DRIFT = "GEN001"
MAX_LEVELS = 16  # how far up a generated file's folders a target's manifest is looked for


def generated_record(path: str):
    """(target, the file's manifest record, the manifest) of a file specloom generated, else None."""
    from specloom.delivery.manifest import ManifestError, load_manifest, manifest_path

    here = Path(os.path.abspath(path))
    for level, target in enumerate(here.parents):
        if level >= MAX_LEVELS:
            break
        if not manifest_path(target).is_file():
            continue
        try:
            manifest = load_manifest(target)
        except ManifestError:
            return None
        record = manifest.files.get(here.relative_to(target).as_posix())
        return (target, record, manifest) if record is not None else None
    return None


def spec_path_of(manifest, target: Path, root: Path | None) -> str | None:
    written = Path(manifest.spec.path)
    candidates = [written] if written.is_absolute() else [target.parent / written, *([root / written] if root else [])]
    found = next((c for c in candidates if c.is_file()), None)
    return os.path.abspath(found) if found is not None else None


def add_drift(analysis: Analysis, root: Path | None, spec_data_of) -> None:
    """Give a generated file its drift notice, and make it depend on its spec; reads files (a worker thread).

    `spec_data_of(path)` is the spec's current values (the editor's buffer wins), or None.
    """
    found = generated_record(analysis.path)
    if found is None:
        return
    target, record, manifest = found
    spec_path = spec_path_of(manifest, target, root)
    if spec_path is None or not record.sources:
        return
    analysis.dependencies = frozenset({spec_path})
    data = spec_data_of(spec_path)
    changed = drifted(record.sources, data) if data else []  # a spec that does not parse now tells nothing
    if not changed:
        return
    shown = ", ".join(f"`{p.lstrip('#')}`" for p in changed[:3]) + (" …" if len(changed) > 3 else "")
    first_line = Range.of(0, 0, 0, len(analysis.lines[0]) if analysis.lines else 0)
    analysis.findings.append(
        Finding(
            code=DRIFT,
            severity=rule(DRIFT).severity,
            message=f"The spec changed since this was generated — regenerate ({os.path.basename(spec_path)}: {shown}).",
            range=first_line,
            path=analysis.path,
            suggestion=f"Run Generate on {os.path.basename(spec_path)}; your edits here are merged, not lost.",
        )
    )


def spec_data_on_disk(path: str) -> object | None:
    from specloom.core.source import read_source
    from specloom.core.specs.yamldoc import load_data

    source, _ = read_source(path)
    return load_data(source)[0] if source is not None else None


def source_places(path: str, root: Path | None, spec_analysis_of) -> list[tuple[str, str, object]]:
    """(title, spec path, range) of each spec element a generated file came from; reads files (a worker thread).

    `spec_analysis_of(path)` is the spec's last analysis, or None (then its text is read from the disk).
    """
    found = generated_record(path)
    if found is None:
        return []
    target, record, manifest = found
    spec_path = spec_path_of(manifest, target, root)
    if spec_path is None:
        return []
    analysis = spec_analysis_of(spec_path)
    spec = analysis.spec if analysis is not None else None
    if spec is None or getattr(spec, "document", None) is None:
        from specloom.core.source import read_source
        from specloom.core.specs import parse_source

        source, _ = read_source(spec_path)
        spec = parse_source(source, "openapi") if source is not None else None
    if spec is None or getattr(spec, "document", None) is None:
        return []
    names = {"#" + e.pointer.lstrip("#"): e.name for e in spec.elements()}
    out = []
    for pointer in sorted(record.sources):
        located = spec.document.locator.locate(pointer.lstrip("#"))
        if located is not None:
            where = located.key
            name = names.get(pointer, pointer.lstrip("#"))
            out.append((f"from {name} in {os.path.basename(spec_path)}:{where.start.line + 1}", spec_path, where))
    return out
