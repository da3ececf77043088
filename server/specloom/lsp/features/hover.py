"""Hover text: the files generation would plan for the element under the cursor."""

from __future__ import annotations

import re

from specloom.core.specs.base import Element

MAX_FILES = 12
PREVIEW_LINES = 12
_FENCE_LANGUAGE = {
    ".py": "python",
    ".ts": "typescript",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".cs": "csharp",
    ".toml": "toml",
    ".json": "json",
    ".yaml": "yaml",
    ".md": "markdown",
}


def hover_markdown(analysis, position, config, root) -> tuple[str, Element] | None:
    """The hover of the element at `position` (a core Position) under `config`; reads files, so run it in a thread."""
    if analysis is None or analysis.spec is None:
        return None
    element = analysis.element_at(position)
    if element is None:
        return None
    from specloom.templates.layout import PlanOptions

    target = root / config.generation.output_dir if root is not None else None
    text = planned_files_markdown(analysis, element, target, PlanOptions.from_config(config, root))
    return (text, element) if text is not None else None


def planned_files_markdown(analysis, element: Element, target_root=None, options=None) -> str | None:
    """The planned files of `element` with their state in the target, and the first lines of the main one."""
    plan = analysis.plan(options)
    if plan is None:
        return None
    pointer = "#" + element.pointer if not element.pointer.startswith("#") else element.pointer
    if element.kind in ("adr",):
        files = plan.files
    else:
        files = [
            f
            for f in plan.files
            if any(
                s.pointer == pointer or s.pointer.startswith(pointer + "/") or pointer.startswith(s.pointer + "/")
                for s in f.sources
            )
        ]
    if not files:
        return None
    from specloom.context import existing_files

    lines = [f"**Specloom** — `{element.name}` would produce {len(files)} file(s):", ""]
    shown = files[:MAX_FILES]
    existing = existing_files(target_root, [f.path for f in shown])
    for f in shown:
        state = f" ({existing[f.path].label})" if f.path in existing else " (new)"
        lines.append(f"- `{f.path}` — {f.purpose}, by `{f.producer}`{state}")
    if len(files) > MAX_FILES:
        lines.append(f"- … and {len(files) - MAX_FILES} more")
    lines += _preview(analysis, options, target_root, _main_file(files))
    for note in plan.notes[:3]:
        lines += ["", f"_{note}_"]
    return "\n".join(lines)


def _main_file(files):
    """The most specific source file: an operation's routes rather than the app that mounts every route."""
    sources = [f for f in files if f.purpose == "source"] or files
    return min(sources, key=lambda f: len(f.sources))


def _preview(analysis, options, target_root, planned) -> list[str]:
    if planned.producer.startswith("template:"):
        text, origin = analysis.rendered(options, planned.path), "as the template renders it"
    elif analysis.spec.kind == "adr":
        blocks = [b for b in analysis.spec.file_blocks if b.path == planned.path]
        text, origin = (blocks[0].code if blocks else None), "the ADR's skeleton, which a model completes"
    else:
        text, origin = _on_disk(target_root, planned.path), "as last generated"
    if not text or not text.strip():
        return []
    head = "\n".join(text.strip("\n").splitlines()[:PREVIEW_LINES])
    # A fence longer than any backtick run inside, so spec text cannot close it.
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", head)), default=0))
    language = _FENCE_LANGUAGE.get(planned.path[planned.path.rfind(".") :], "")
    return ["", f"First lines of `{planned.path}` ({origin}):", "", f"{fence}{language}", head, fence]


def _on_disk(target_root, rel: str) -> str | None:
    if target_root is None:
        return None
    from specloom.delivery.paths import UnsafePath, resolve_inside

    try:
        return resolve_inside(target_root, rel).read_text("utf-8")
    except (UnsafePath, OSError, UnicodeDecodeError):
        return None
