"""The planner: spec + selection + preferences -> the files generation will produce.

Deterministic: the same inputs give the same plan in the same order. Ranges are
looked up only for the elements a planned file comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specloom.core.findings import Range
from specloom.core.languages import framework_for, language
from specloom.core.locate import join_pointer
from specloom.core.naming import snake
from specloom.core.specs.base import SpecDocument

_GRAMMAR_LANGUAGE = {"c_sharp": "csharp", "tsx": "typescript"}  # codecheck's grammar names -> plan languages


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
    # The template pack chosen for this plan and its render context (templates/layout.py); opaque to the core.
    template: object | None = field(default=None, repr=False, compare=False)

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


def plan(
    spec: SpecDocument,
    operations: list[str] | None = None,
    language: str = "python",
    framework: str | None = None,
    lay_out: bool = True,
) -> Plan:
    """`lay_out=False`: a pack lays the OpenAPI files out (templates/layout.py), so only the selection is checked."""
    result = Plan(spec.path, spec.kind, language, framework_for(language, framework))
    if spec.kind == "openapi":
        _plan_openapi(spec, operations, result, lay_out)
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


def _ext(language_name: str) -> str:
    return language(language_name).extension


def _plan_openapi(spec, selection: list[str] | None, result: Plan, lay_out: bool) -> None:
    """The layout a model is asked for; where a pack renders the spec, its backend lays the files out instead."""
    ops = spec.operations
    if selection:
        known = {op.operation_id for op in ops}
        unknown = [s for s in selection if s not in known]
        if unknown:
            raise PlanError(f"Unknown operation(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
        chosen = set(selection)
        ops = [op for op in ops if op.operation_id in chosen]
    if not lay_out:
        return
    lang = language(result.language)
    package = snake(spec.title or "api")
    info = [plan_source(spec, "/info")] if "info" in spec.data else []
    groups: dict[str, list] = {}
    for op in ops:
        groups.setdefault(_group_name(op), []).append(op)

    def source(module: str) -> str:
        return lang.source_path(package, module)

    files = result.files
    if lang.build_file:
        files.append(PlannedFile(lang.build_file, "build", "ai", list(info)))
    if result.language == "python":
        files.append(PlannedFile(f"{package}/__init__.py", "source", "ai", list(info)))
    if result.language == "rust":  # the crate root that declares every module below
        files.append(PlannedFile("src/lib.rs", "source", "ai", list(info)))
    files.append(PlannedFile(source("app"), "source", "ai", info + [plan_source(spec, op.pointer) for op in ops]))
    schema_names = _referenced_schemas(spec, ops)
    if schema_names:
        models = [plan_source(spec, join_pointer(["components", "schemas", n])) for n in schema_names]
        files.append(PlannedFile(source("models"), "source", "ai", models))
        files.append(PlannedFile(source("repository"), "source", "ai", [plan_source(spec, op.pointer) for op in ops]))
    schemes = sorted({name for op in ops for req in (op.security or []) if isinstance(req, dict) for name in req})
    if schemes:
        pointers = [plan_source(spec, join_pointer(["components", "securitySchemes", s])) for s in schemes]
        files.append(PlannedFile(source("security"), "source", "ai", pointers))
    # Go keeps one package per folder, so its route files sit beside the app rather than under routes/;
    # so do Rust's, which src/lib.rs then declares without a routes/mod.rs.
    route = (
        (lambda group: source(f"{snake(group)}_routes"))
        if result.language in ("go", "rust")
        else (lambda group: source(f"routes/{snake(group)}"))
    )
    for group, group_ops in sorted(groups.items()):
        files.append(PlannedFile(route(group), "source", "ai", [plan_source(spec, op.pointer) for op in group_ops]))
    for group, group_ops in sorted(groups.items()):
        test = lang.test_path(snake(group))
        files.append(PlannedFile(test, "test", "ai", [plan_source(spec, op.pointer) for op in group_ops]))
    files.append(PlannedFile("README.md", "documentation", "ai", list(info)))


def _group_name(op) -> str:
    if op.tags:
        return op.tags[0]
    statics = [s for s in op.path.strip("/").split("/") if s and not s.startswith("{")]
    return statics[0] if statics else "root"


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
    from specloom.core.codecheck import canonical_language

    planned_files = spec.planned_files()
    # The File blocks' language is the plan's: a Rust skeleton is not written in Python.
    grammars = {canonical_language(blocks[0].language) for blocks in planned_files.values()} - {None}
    languages = {_GRAMMAR_LANGUAGE.get(grammar, grammar) for grammar in grammars}
    if len(languages) == 1 and result.language not in languages:
        result.language = languages.pop()
        result.framework = framework_for(result.language, None)
    ext = _ext(result.language)
    for path, blocks in planned_files.items():
        sources = [
            _source(spec, f"/files/{path.replace('~', '~0').replace('/', '~1')}/{b.part}", b.path_range) for b in blocks
        ]
        for constraint in spec.constraints:
            sources.append(_source(spec, f"/constraints/{spec.constraints.index(constraint)}", constraint.range))
        purpose = "test" if re.search(r"(^|/)(test_[^/]*|[^/]*_test\.\w+|[^/]*\.test\.\w+)$", path) else "source"
        result.files.append(PlannedFile(path, purpose, "ai", sources))
    planned = {f.path for f in result.files}
    # An ADR that names its own tests gets those; otherwise one test module per Python module.
    names_tests = any(f.purpose == "test" for f in result.files)
    for f in list(result.files):
        if names_tests or f.purpose != "source" or not f.path.endswith(ext) or result.language != "python":
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
