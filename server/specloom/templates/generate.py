"""The template provider: a spec rendered through a pack, formatted, with what it could not do."""

from __future__ import annotations

from dataclasses import dataclass, field

from specloom.core.apimodel import ai_operations
from specloom.templates.contexts import CONTEXTS
from specloom.templates.formatting import format_files
from specloom.templates.packs import Pack, PackError
from specloom.templates.render import RenderedFile, render


@dataclass(slots=True)
class RenderResult:
    pack: Pack
    files: list[RenderedFile]
    gaps: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)


def render_context(pack: Pack, spec, operation_ids: list[str] | None, variables: dict[str, object], extensions: bool):
    """What the pack's templates see: (context, resource views, API model); PackError if there is nothing to render."""
    builder = CONTEXTS.get((pack.language, pack.framework))
    if builder is None:
        raise PackError(f"{pack.ref} is for {pack.language}/{pack.framework}, which this specloom cannot render")
    context, resources, api = builder(pack, spec, operation_ids, variables, extensions)
    if not resources:
        raise PackError("there is no CRUD resource to implement: " + "; ".join(api.gaps))
    return context, resources, api


def render_spec(
    pack: Pack, spec, operation_ids: list[str] | None, variables: dict[str, object], extensions: bool | None = None
) -> RenderResult:
    """`extensions`: whether an AI provider adds a router for the operations the templates leave
    (None: whenever there are such operations, as in golden cases)."""
    if extensions is None:
        extensions = bool(ai_operations(spec, operation_ids))
    context, resources, api = render_context(pack, spec, operation_ids, variables, extensions)
    rendered = render(pack, context, resources)
    formatted = format_files({f.path: f.content for f in rendered}, pack.formatter)
    files = [RenderedFile(f.path, formatted[f.path], f.template_id, f.purpose, f.resource) for f in rendered]
    return RenderResult(pack, files, list(api.gaps), pack.dependencies + pack.test_dependencies)
