"""Sandboxed rendering of a pack into files (path -> text), with strict variables."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from specloom.templates.packs import Pack, PackError, TemplateSpec


@dataclass(frozen=True, slots=True)
class RenderedFile:
    path: str
    content: str
    template_id: str
    purpose: str
    resource: str | None = None  # the resource (collection path) a per-resource file was rendered for


def _tomlsafe(text: object) -> str:
    return " ".join(str(text).replace("\\", "\\\\").replace('"', '\\"').split())


def _mdsafe(text: object) -> str:
    return " ".join(str(text).replace("|", "\\|").replace("`", "'").split())


def _tojson(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _uses(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(word)}\b", text) is not None


def environment(pack: Pack):
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(pack.root / "templates")),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(tomlsafe=_tomlsafe, mdsafe=_mdsafe, tojson=_tojson, uses=_uses)
    env.filters.update(backend_of(pack).filters())
    return env


def backend_of(pack: Pack):
    from specloom.backends import backend_named

    backend = backend_named(pack.backend)
    if backend is None:  # load_pack refuses such packs; a Pack built by hand may still name none
        raise PackError(f"{pack.ref} names backend {pack.backend!r}, which this specloom does not have")
    return backend


def output_path(spec: TemplateSpec, values: dict[str, str]) -> str:
    try:
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], spec.output)
    except KeyError as exc:
        raise PackError(f"template {spec.id} output {spec.output!r} names an unknown value {exc}") from exc


def outputs(pack: Pack, context: dict, resources: list) -> list[tuple[TemplateSpec, str, object | None]]:
    """What a render writes, without rendering: (template, path, the resource view of a per-resource file)."""
    found: list[tuple[TemplateSpec, str, object | None]] = []
    for spec in pack.templates:
        if spec.when and not context.get(spec.when):
            continue
        if spec.per == "resource":
            found += [
                (spec, output_path(spec, {**_path_values(context), "resource": rv.module}), rv) for rv in resources
            ]
        else:
            found.append((spec, output_path(spec, _path_values(context)), None))
    return found


def render(pack: Pack, context: dict, resources: list) -> list[RenderedFile]:
    """Render every template of the pack; per-resource templates once per resource view."""
    from jinja2 import TemplateError

    env = environment(pack)
    files: list[RenderedFile] = []
    for spec, path, rv in outputs(pack, context, resources):
        try:
            template = env.get_template(spec.source)
            if rv is not None:
                content = template.render({**context, "rv": rv})
                files.append(RenderedFile(path, content, spec.id, spec.purpose, rv.res.collection_path))
            else:
                files.append(RenderedFile(path, template.render(context), spec.id, spec.purpose))
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            raise PackError(f"template {spec.id} failed to render: {exc}", pack.template_path(spec), line) from exc
    return files


def _path_values(context: dict) -> dict[str, str]:
    return {k: v for k, v in context.items() if isinstance(v, str)}
