"""The plan of a generation as its template pack will lay it out: the same paths the render writes.

The core planner knows no pack; for a spec a pack renders, its template files are replaced here by the
pack's own outputs (from the manifest and the render context), so previews name exactly what is delivered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

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
            framework=gen.framework if gen.language == "python" else None,
            operations=list(gen.operations) if gen.operations else None,
            overlays=[root / o for o in gen.template_overlays] if root is not None else [],
            pack_ranges=dict(gen.templates),
            variables=dict(gen.variables),
        )


def plan_generation(spec, options: PlanOptions | None = None) -> Plan:
    """The core plan, with the template pack's files as that pack will render them."""
    options = options or PlanOptions()
    result = plan(spec, options.operations, options.language, options.framework)
    pack = _template_pack(result, options)
    if spec.kind != "openapi" or pack is None:
        return result  # without a usable pack, the execute step names what is wrong
    try:
        extensions = any(f.producer == "ai" for f in result.files)
        laid_out = pack_files(pack, spec, options.operations, options.variables, extensions)
    except PackError as exc:
        laid_out = []
        result.notes.append(f"{pack.ref} cannot render this selection: {exc}")
    by_path = {f.path: f for f in laid_out}
    # The pack's layout replaces the planner's guess; what the pack leaves to a provider stays.
    result.files = laid_out + [f for f in result.files if f.producer == "ai" and f.path not in by_path]
    return result


def render_planned_file(spec, options: PlanOptions, path: str) -> str | None:
    """One template file of the plan as the pack renders it (before the formatter), or None."""
    from jinja2 import TemplateError

    from specloom.templates.generate import render_context
    from specloom.templates.render import environment, outputs

    core = plan(spec, options.operations, options.language, options.framework)
    pack = _template_pack(core, options)
    if pack is None:
        return None
    try:
        extensions = any(f.producer == "ai" for f in core.files)
        context, resources, _ = render_context(pack, spec, options.operations, options.variables, extensions)
        for template, out, view in outputs(pack, context, resources):
            if out == path:
                source = environment(pack).get_template(template.source)
                return source.render({**context, "rv": view} if view is not None else context)
    except (PackError, TemplateError):
        return None  # the plan's notes and the generation say why
    return None


def pack_files(
    pack: Pack, spec, operations: list[str] | None, variables: dict[str, object], extensions: bool
) -> list[PlannedFile]:
    from specloom.templates.generate import render_context
    from specloom.templates.render import outputs

    context, resources, api = render_context(pack, spec, operations, variables, extensions)

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
    for template, path, view in outputs(pack, context, resources):
        if view is not None:
            sources = [plan_source(spec, op.pointer) for op in view.res.ops]
        else:
            sources = info + all_ops if template.id == "app" else list(by_category.get(template.category, info))
        files.append(PlannedFile(path, template.purpose, producer, sources))
    clash = sorted(path for path, count in Counter(f.path for f in files).items() if count > 1)
    if clash:
        raise PackError(f"two resources would be written to the same file(s) {', '.join(clash)}")
    return files


def _template_pack(result: Plan, options: PlanOptions) -> Pack | None:
    from specloom.templates.packs import discover, select

    templated = [f for f in result.files if f.producer.startswith("template:")]
    if not templated:
        return None
    name = templated[0].producer.removeprefix("template:").split("@")[0]
    packs, _ = discover(options.overlays)
    return select(packs, name, options.pack_ranges.get(name, "*"))
