"""The plan of a generation as its template pack will lay it out: the same paths the render writes.

The core planner knows no pack. Here the backend for the plan's (language, framework) picks its pack,
decides what its templates leave to a model, and computes the render context once; the plan keeps that
choice (`Plan.template`), so the pipeline and previews render from it without choosing again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from specloom.backends import PackBackend, Rendering, backend_for
from specloom.core.languages import framework_for
from specloom.core.locate import join_pointer
from specloom.core.plan import Plan, PlannedFile, plan, plan_source
from specloom.templates.packs import Pack, PackError


@dataclass(slots=True)
class PlanOptions:
    """What decides a plan besides the spec: the same settings generation reads."""

    language: str = "python"
    framework: str | None = None
    operations: list[str] | None = None
    overlays: list[Path] = field(default_factory=list)
    pack_ranges: dict[str, str] = field(default_factory=dict)
    variables: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config, root: Path | None) -> PlanOptions:
        gen = config.generation
        return cls(
            language=gen.language,
            framework=gen.framework,
            operations=list(gen.operations) if gen.operations else None,
            overlays=[root / o for o in gen.template_overlays] if root is not None else [],
            pack_ranges=dict(gen.templates),
            variables=dict(gen.variables),
        )


@dataclass(slots=True)
class TemplateChoice:
    """The pack a plan renders through: chosen once, with why it may not be usable."""

    backend: PackBackend
    version_range: str
    pack: Pack | None  # None: no usable version (see `errors`)
    errors: list[PackError]  # every pack refused at discovery
    refused: list[PackError]  # of those, the ones of this backend's pack: a user's pack that must stop the run
    available: list[Pack] = field(default_factory=list)  # every pack found, to name when none fits
    rendering: Rendering | None = None  # None: the pack cannot render this selection (the plan's notes say why)
    left_to_ai: list = field(default_factory=list)  # operations the templates leave to a model


def plan_generation(spec, options: PlanOptions | None = None) -> Plan:
    """The core plan, with the template pack's files as that pack will render them."""
    options = options or PlanOptions()
    framework = framework_for(options.language, options.framework)
    backend = backend_for(options.language, framework) if spec.kind == "openapi" else None
    # Where a pack lays the files out, the core's own layout would only be thrown away.
    result = plan(spec, options.operations, options.language, options.framework, lay_out=backend is None)
    if spec.kind != "openapi":
        return result
    if backend is None:
        result.notes.append(
            f"No template pack for {result.language}/{result.framework}: every file comes from an AI provider."
        )
        return result
    choice = _choose_pack(backend, options)
    result.template = choice
    if choice.pack is None:
        available = ", ".join(p.ref for p in choice.available) or "none"
        result.notes.append(f"No usable {backend.name}@{choice.version_range} pack (available: {available}).")
        return result  # the execute step names the missing or refused pack
    chosen = set(options.operations or ())
    selected = [op for op in spec.operations if not chosen or op.operation_id in chosen]
    package = backend.package(spec, options.variables)
    ai_files = []
    left = [(op, gap) for op in selected if (gap := backend.template_gap(spec, op))]
    choice.left_to_ai = [op for op, _ in left]
    if left:
        extension_files = backend.extension_files(package)
        module = next(path for path, purpose in extension_files if purpose == "source")
        for op, gap in left:
            result.notes.append(
                f"{op.operation_id} ({op.method.upper()} {op.path}): {gap}; an AI provider implements it in {module}."
            )
        sources = [plan_source(spec, op.pointer) for op in choice.left_to_ai]
        ai_files = [PlannedFile(path, purpose, "ai", list(sources)) for path, purpose in extension_files]
    try:
        choice.rendering = backend.render_context(
            choice.pack, spec, options.operations, options.variables, bool(choice.left_to_ai)
        )
        laid_out = _pack_files(choice.pack, spec, choice.rendering)
        # What the API model left out beyond the operations above (no item schema, a parent not selected…).
        left = tuple(f"{op.operation_id}: " for op in choice.left_to_ai)
        result.notes += [gap for gap in choice.rendering.api.gaps if not gap.startswith(left)]
    except PackError as exc:
        choice.rendering, laid_out = None, []
        result.notes.append(f"{choice.pack.ref} cannot render this selection: {exc}")
    result.files = laid_out + ai_files
    return result


def render_planned_file(spec, options: PlanOptions, path: str) -> str | None:
    """One template file of the plan as the pack renders it (before the formatter), or None."""
    from jinja2 import TemplateError

    from specloom.templates.render import environment, outputs

    choice = plan_generation(spec, options).template
    if choice is None or choice.rendering is None:
        return None
    context, resources = choice.rendering.context, choice.rendering.resources
    try:
        for template, out, view in outputs(choice.pack, context, resources):
            if out == path:
                source = environment(choice.pack).get_template(template.source)
                return source.render({**context, "rv": view} if view is not None else context)
    except (PackError, TemplateError):
        return None  # the plan's notes and the generation say why
    return None


def _choose_pack(backend: PackBackend, options: PlanOptions) -> TemplateChoice:
    from specloom.templates.packs import discover, select

    packs, errors = discover(options.overlays)
    refused = [e for e in errors if e.path is not None and backend.name in Path(e.path).parts]
    version_range = options.pack_ranges.get(backend.name, "*")
    pack = select(packs, backend.name, version_range)
    return TemplateChoice(backend, version_range, pack, errors, refused, packs)


def _pack_files(pack: Pack, spec, rendering: Rendering) -> list[PlannedFile]:
    from specloom.templates.render import outputs

    api = rendering.api
    info = [plan_source(spec, "/info")] if "info" in spec.data else []
    all_ops = [plan_source(spec, op.pointer) for res in api.resources for op in res.ops]
    # Per-resource files come from their resource's operations, the others by what they hold.
    by_category = {
        "persistence": all_ops,
        "models": [
            plan_source(spec, join_pointer(["components", "schemas", name]))
            for name in api.models
            if name in ((spec.data.get("components") or {}).get("schemas") or {})
        ],
        "security": [plan_source(spec, join_pointer(["components", "securitySchemes", s.name])) for s in api.security],
    }
    producer = f"template:{pack.ref}"
    files = []
    for template, path, view in outputs(pack, rendering.context, rendering.resources):
        if view is not None:
            sources = [plan_source(spec, op.pointer) for op in view.res.ops]
        else:
            sources = info + all_ops if template.id == "app" else list(by_category.get(template.category, info))
        files.append(PlannedFile(path, template.purpose, producer, sources))
    clash = sorted(path for path, count in Counter(f.path for f in files).items() if count > 1)
    if clash:
        raise PackError(f"two resources would be written to the same file(s) {', '.join(clash)}")
    return files
