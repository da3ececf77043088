"""The template provider: a spec rendered through a pack, formatted, with what it could not do."""

from __future__ import annotations

from dataclasses import dataclass, field

from specloom.backends import Rendering
from specloom.templates.formatting import format_files
from specloom.templates.packs import Pack
from specloom.templates.render import RenderedFile, backend_of, render


@dataclass(slots=True)
class RenderResult:
    pack: Pack
    files: list[RenderedFile]
    gaps: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)


def render_context(pack: Pack, spec, operation_ids: list[str] | None, variables: dict[str, object], extensions: bool):
    """What the pack's templates see (a `Rendering`); PackError if there is nothing to render."""
    return backend_of(pack).render_context(pack, spec, operation_ids, variables, extensions)


def left_to_ai(pack: Pack, spec, operation_ids: list[str] | None) -> list:
    """The selected operations the pack's templates leave to an AI provider."""
    backend = backend_of(pack)
    chosen = set(operation_ids or ())
    return [
        op for op in spec.operations if (not chosen or op.operation_id in chosen) and backend.template_gap(spec, op)
    ]


def render_spec(
    pack: Pack,
    spec,
    operation_ids: list[str] | None,
    variables: dict[str, object],
    extensions: bool | None = None,
    rendering: Rendering | None = None,
) -> RenderResult:
    """`extensions`: whether an AI provider adds a router for the operations the templates leave
    (None: whenever there are such operations, as in golden cases). `rendering`: the plan's, when it has one."""
    if extensions is None:
        extensions = bool(left_to_ai(pack, spec, operation_ids))
    if rendering is None:
        rendering = render_context(pack, spec, operation_ids, variables, extensions)
    rendered = render(pack, {**rendering.context, "extensions": extensions}, rendering.resources)
    backend = backend_of(pack)
    files = {f.path: f.content for f in rendered}
    if extensions:
        # Empty stand-ins for what a model will write: rustfmt follows `mod extensions;` and formats
        # nothing when the file it names is missing.
        package = str(rendering.context.get("package", ""))
        files = {path: "" for path, _ in backend.extension_files(package)} | files
    formatted = format_files(files, backend.format_commands())
    files = [RenderedFile(f.path, formatted[f.path], f.template_id, f.purpose, f.resource) for f in rendered]
    return RenderResult(pack, files, list(rendering.api.gaps), pack.dependencies + pack.test_dependencies)
