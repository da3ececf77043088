"""The plan of a generation as its template pack will lay it out: the same paths the render writes.

The core planner knows no pack; for a spec a pack renders, its template files are replaced here by the
pack's own outputs (from the manifest and the render context), so previews name exactly what is delivered.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from specloom.core.locate import join_pointer
from specloom.core.plan import Plan, PlannedFile, plan, plan_source
from specloom.templates.packs import Pack, PackError


def plan_generation(
    spec,
    operations: list[str] | None = None,
    language: str = "python",
    framework: str | None = None,
    overlays: list[Path] | None = None,
    pack_ranges: dict[str, str] | None = None,
    variables: dict[str, object] | None = None,
) -> Plan:
    """The core plan, with the template pack's files as that pack will render them."""
    result = plan(spec, operations, language, framework)
    templated = [f for f in result.files if f.producer.startswith("template:")]
    if spec.kind != "openapi" or not templated:
        return result
    pack = _pack(templated[0].producer.removeprefix("template:").split("@")[0], overlays, pack_ranges or {})
    if pack is None:
        return result  # the execute step names what is wrong with the packs
    try:
        extensions = any(f.producer == "ai" for f in result.files)
        laid_out = pack_files(pack, spec, operations, variables or {}, extensions)
    except PackError as exc:
        laid_out = []
        result.notes.append(f"{pack.ref} cannot render this selection: {exc}")
    by_path = {f.path: f for f in laid_out}
    # The pack's layout replaces the planner's guess; what the pack leaves to a provider stays.
    result.files = laid_out + [f for f in result.files if f.producer == "ai" and f.path not in by_path]
    return result


def pack_files(
    pack: Pack, spec, operations: list[str] | None, variables: dict[str, object], extensions: bool
) -> list[PlannedFile]:
    from specloom.templates.contexts import CONTEXTS
    from specloom.templates.render import outputs

    builder = CONTEXTS.get((pack.language, pack.framework))
    if builder is None:
        raise PackError(f"{pack.ref} is for {pack.language}/{pack.framework}, which this specloom cannot render")
    context, resources, api = builder(pack, spec, operations, variables, extensions)
    if not resources:
        raise PackError(f"it found no CRUD resource to implement: {'; '.join(api.gaps)}")

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


def _pack(name: str, overlays: list[Path] | None, ranges: dict[str, str]) -> Pack | None:
    from specloom.templates.packs import discover, select

    packs, _ = discover(overlays)
    return select(packs, name, ranges.get(name, "*"))
