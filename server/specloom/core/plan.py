"""The planner: spec + selection + preferences -> the files generation will produce.

Deterministic: the same inputs give the same plan in the same order. Ranges are
looked up only for the elements a planned file comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specloom.core.findings import Range
from specloom.core.locate import join_pointer
from specloom.core.specs.base import SpecDocument

# Packs the planner knows how to lay out; any other language/framework is produced by an AI provider.
TEMPLATE_PACKS = {("python", "fastapi"): "python-fastapi@1.1.0"}
DEFAULT_FRAMEWORK = {
    "python": "fastapi",
    "typescript": "express",
    "go": "net/http",
    "rust": "axum",
    "java": "spring",
    "csharp": "aspnetcore",
}
_EXTENSION = {"python": ".py", "typescript": ".ts", "go": ".go", "rust": ".rs", "java": ".java", "csharp": ".cs"}
_TEMPLATE_METHODS = {"get", "post", "put", "patch", "delete"}


@dataclass(frozen=True, slots=True)
class PlanSource:
    pointer: str
    range: Range
    path: str

    def to_json(self) -> dict:
        return {"pointer": self.pointer, "range": self.range.to_json(), "path": self.path}


@dataclass(slots=True)
class PlannedFile:
    path: str
    purpose: str  # "source" | "test" | "config" | "documentation" | "build"
    producer: str  # "template:<pack>@<version>" or "ai"
    sources: list[PlanSource] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "purpose": self.purpose,
            "producer": self.producer,
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(slots=True)
class Plan:
    spec: str
    kind: str
    language: str
    framework: str | None
    files: list[PlannedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what templates cannot implement, and why

    def to_json(self) -> dict:
        return {
            "spec": self.spec,
            "kind": self.kind,
            "language": self.language,
            "framework": self.framework,
            "files": [f.to_json() for f in self.files],
            "notes": self.notes,
        }


class PlanError(ValueError):
    """The selection names operations the spec does not have."""


def snake(text: str) -> str:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    out = re.sub(r"[^0-9a-zA-Z]+", "_", words).strip("_").lower()
    if not out:
        return "api"
    return "_" + out if out[0].isdigit() else out


def plan(
    spec: SpecDocument, operations: list[str] | None = None, language: str = "python", framework: str | None = None
) -> Plan:
    framework = framework or DEFAULT_FRAMEWORK.get(language)
    result = Plan(spec.path, spec.kind, language, framework)
    if spec.kind == "openapi":
        _plan_openapi(spec, operations, result)
    elif spec.kind == "adr":
        _plan_adr(spec, result)
    elif spec.kind == "graphql":
        _plan_graphql(spec, result)
    elif spec.kind == "story":
        _plan_story(spec, result)
    return result


def _source(spec: SpecDocument, pointer: str, range_: Range) -> PlanSource:
    return PlanSource("#" + pointer if not pointer.startswith("#") else pointer, range_, spec.path)


def plan_source(spec: SpecDocument, pointer: str) -> PlanSource:
    """The element of a YAML or JSON spec a planned file comes from: its pointer and the range of its key."""
    return _source(spec, pointer, spec.locate(pointer).key)


def _ext(language: str) -> str:
    return _EXTENSION.get(language, ".txt")


def _plan_openapi(spec, selection: list[str] | None, result: Plan) -> None:
    from specloom.core.apimodel import template_gap  # apimodel names things with plan's `snake`

    ops = spec.operations
    if selection:
        known = {op.operation_id for op in ops}
        unknown = [s for s in selection if s not in known]
        if unknown:
            raise PlanError(f"Unknown operation(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
        chosen = set(selection)
        ops = [op for op in ops if op.operation_id in chosen]
    pack = TEMPLATE_PACKS.get((result.language, result.framework or ""))
    producer = f"template:{pack}" if pack else "ai"
    if not pack:
        result.notes.append(
            f"No template pack for {result.language}/{result.framework}: every file comes from an AI provider."
        )
    package = snake(spec.title or "api")
    ext = _ext(result.language)
    src_root = package if result.language == "python" else "src"

    info = [plan_source(spec, "/info")] if "info" in spec.data else []
    groups: dict[str, list] = {}
    left_to_ai = []  # operations the pack's CRUD templates do not implement
    for op in ops:
        crud_gap = template_gap(op) if pack else None
        if crud_gap:
            left_to_ai.append(op)
            result.notes.append(
                f"{op.operation_id} ({op.method.upper()} {op.path}): {crud_gap}; an AI provider implements it "
                f"in {src_root}/routes/extensions{ext}."
            )
            continue
        groups.setdefault(_group_name(op), []).append(op)
        reason = _template_gap(spec, op)
        if reason and pack:
            result.notes.append(
                f"{op.operation_id} ({op.method.upper()} {op.path}): {reason}; an AI provider implements it."
            )

    files = result.files
    if result.language == "python":
        files.append(PlannedFile("pyproject.toml", "build", producer, list(info)))
        files.append(PlannedFile(f"{src_root}/__init__.py", "source", producer, list(info)))
    files.append(
        PlannedFile(f"{src_root}/app{ext}", "source", producer, info + [plan_source(spec, op.pointer) for op in ops])
    )
    schema_names = _referenced_schemas(spec, ops)
    if schema_names:
        files.append(
            PlannedFile(
                f"{src_root}/models{ext}",
                "source",
                producer,
                [plan_source(spec, join_pointer(["components", "schemas", n])) for n in schema_names],
            )
        )
        files.append(
            PlannedFile(
                f"{src_root}/repository{ext}", "source", producer, [plan_source(spec, op.pointer) for op in ops]
            )
        )
    schemes = sorted({name for op in ops for req in (op.security or []) if isinstance(req, dict) for name in req})
    if schemes:
        files.append(
            PlannedFile(
                f"{src_root}/security{ext}",
                "source",
                producer,
                [plan_source(spec, join_pointer(["components", "securitySchemes", s])) for s in schemes],
            )
        )
    for group, group_ops in sorted(groups.items()):
        files.append(
            PlannedFile(
                f"{src_root}/routes/{snake(group)}{ext}",
                "source",
                producer,
                [plan_source(spec, op.pointer) for op in group_ops],
            )
        )
    test_dir = "tests"
    for group, group_ops in sorted(groups.items()):
        test_name = f"test_{snake(group)}{ext}" if result.language == "python" else f"{snake(group)}.test{ext}"
        files.append(
            PlannedFile(
                f"{test_dir}/{test_name}", "test", producer, [plan_source(spec, op.pointer) for op in group_ops]
            )
        )
    if left_to_ai:
        ai_sources = [plan_source(spec, op.pointer) for op in left_to_ai]
        files.append(PlannedFile(f"{src_root}/routes/extensions{ext}", "source", "ai", ai_sources))
        files.append(PlannedFile(f"{test_dir}/test_extensions{ext}", "test", "ai", list(ai_sources)))
    files.append(PlannedFile("README.md", "documentation", producer, list(info)))


def _group_name(op) -> str:
    if op.tags:
        return op.tags[0]
    statics = [s for s in op.path.strip("/").split("/") if s and not s.startswith("{")]
    return statics[0] if statics else "root"


def _template_gap(spec, op) -> str | None:
    """Why the template pack cannot implement an operation by itself, if it cannot."""
    if op.method not in _TEMPLATE_METHODS:
        return f"{op.method.upper()} has no CRUD meaning"
    media = set()
    if op.request_body and isinstance(op.request_body.get("content"), dict):
        media |= set(op.request_body["content"])
    for response in op.responses.values():
        if isinstance(response.get("content"), dict):
            media |= set(response["content"])
    odd = sorted(m for m in media if m != "application/json" and not m.endswith("+json"))
    if odd:
        return f"media type {', '.join(odd)} is not JSON"
    return None


def _referenced_schemas(spec, ops) -> list[str]:
    """Component schemas reachable from the selected operations, in spec order."""
    prefix = "#/components/schemas/"
    found: set[str] = set()
    stack: list = []
    for op in ops:
        stack.extend(p.schema for p in op.parameters)
        stack.append(op.request_body or {})
        stack.extend(op.responses.values())
    schemas = spec.schemas
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                name = ref[len(prefix) :]
                if name not in found and name in schemas:
                    found.add(name)
                    stack.append(schemas[name])
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return [name for name in schemas if name in found]


def _plan_adr(spec, result: Plan) -> None:
    ext = _ext(result.language)
    for path, blocks in spec.planned_files().items():
        sources = [
            _source(spec, f"/files/{path.replace('~', '~0').replace('/', '~1')}/{b.part}", b.path_range) for b in blocks
        ]
        for constraint in spec.constraints:
            sources.append(_source(spec, f"/constraints/{spec.constraints.index(constraint)}", constraint.range))
        purpose = "test" if re.search(r"(^|/)(test_[^/]*|[^/]*_test\.\w+|[^/]*\.test\.\w+)$", path) else "source"
        result.files.append(PlannedFile(path, purpose, "ai", sources))
    planned = {f.path for f in result.files}
    for f in list(result.files):
        if f.purpose != "source" or not f.path.endswith(ext) or result.language != "python":
            continue
        module = f.path.rsplit("/", 1)[-1][: -len(ext)]
        if module == "__init__":
            continue
        test_path = f"tests/test_{module}.py"
        if test_path not in planned:
            planned.add(test_path)
            result.files.append(PlannedFile(test_path, "test", "ai", list(f.sources)))
    if not result.files:
        result.notes.append("The ADR has no `File:` blocks, so there is nothing to generate from it.")


def _plan_graphql(spec, result: Plan) -> None:
    ext = _ext(result.language)
    result.notes.append("No template pack for GraphQL yet: an AI provider produces these files.")
    types = [_source(spec, f"/types/{t.name}", t.name_range) for t in spec.types]
    ops = [_source(spec, f"/operations/{o.root}/{o.name}", o.range) for o in spec.operations]
    result.files.append(PlannedFile(f"src/types{ext}", "source", "ai", types))
    result.files.append(PlannedFile(f"src/resolvers{ext}", "source", "ai", ops))
    result.files.append(PlannedFile(f"tests/test_resolvers{ext}", "test", "ai", ops))


def _plan_story(spec, result: Plan) -> None:
    ext = _ext(result.language)
    name = snake(spec.title or "story")
    criteria = [_source(spec, f"/criteria/{i}", c.range) for i, c in enumerate(spec.criteria)]
    result.files.append(PlannedFile(f"src/{name}{ext}", "source", "ai", criteria))
    result.files.append(PlannedFile(f"tests/test_{name}{ext}", "test", "ai", criteria))
