"""OpenAPI 3.0 / 3.1 documents: parse, resolve, index elements, check.

Every element and finding carries a JSON pointer; ranges are computed from it on
demand (see specloom.core.locate), so a 3 MB spec costs nothing for the parts
nobody asks about.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from specloom.core.findings import Finding, Fix, Location, Range, RelatedInfo, Severity, TextEdit
from specloom.core.locate import Located, join_pointer, split_pointer
from specloom.core.rules import rule
from specloom.core.source import DEFAULT_MAX_BYTES, SourceText
from specloom.core.specs.base import Element, SpecDocument
from specloom.core.specs.openapi_refs import RefResolver, Target, Unresolved, lookup
from specloom.core.specs.yamldoc import Document

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE_PARAM = re.compile(r"\{([^{}/]+)\}")


@dataclass(slots=True)
class Parameter:
    name: str
    location: str
    required: bool
    schema: dict
    pointer: str  # where it is used (the operation's or path item's list entry)


@dataclass(slots=True)
class Operation:
    method: str
    path: str
    operation_id: str
    declared_id: bool
    pointer: str
    summary: str
    tags: list[str]
    parameters: list[Parameter]
    request_body: dict | None
    responses: dict[str, dict]
    security: list | None
    logic: str | None = None  # `x-specloom-logic`: behaviour in words, for an AI provider to implement

    @property
    def path_pointer(self) -> str:
        return join_pointer(["paths", self.path])


@dataclass(slots=True)
class OpenAPISpec(SpecDocument):
    document: Document | None = None
    version: str | None = None
    operations: list[Operation] = field(default_factory=list)
    resolver: RefResolver | None = None
    converted_from: str | None = None  # "2.0" when read through its OpenAPI 3.0 conversion (swagger.py)

    @property
    def data(self) -> dict:
        return self.document.data if self.document and isinstance(self.document.data, dict) else {}

    @property
    def title(self) -> str:
        info = self.data.get("info")
        return str(info.get("title", "")) if isinstance(info, dict) else ""

    @property
    def schemas(self) -> dict:
        components = self.data.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        return schemas if isinstance(schemas, dict) else {}

    def locate(self, pointer: str) -> Located:
        assert self.document is not None
        return self.document.locator.nearest(pointer)[1]

    def range_of(self, pointer: str) -> Range:
        return self.locate(pointer).full

    def deref(self, value: object) -> object:
        return self.resolver.deref(value) if self.resolver else value

    def operation(self, operation_id: str) -> Operation | None:
        return next((op for op in self.operations if op.operation_id == operation_id), None)

    def elements(self) -> list[Element]:
        out: list[Element] = []
        for op in self.operations:
            where = self.locate(op.pointer)
            out.append(
                Element("operation", f"{op.method.upper()} {op.path}", op.pointer, self.path, where.full, where.key)
            )
            for param in op.parameters:
                loc = self.locate(param.pointer)
                out.append(Element("parameter", param.name, param.pointer, self.path, loc.full, loc.key))
            if op.request_body is not None:
                ptr = op.pointer + "/requestBody"
                loc = self.locate(ptr)
                out.append(Element("requestBody", op.operation_id, ptr, self.path, loc.full, loc.key))
            for code in op.responses:
                ptr = op.pointer + "/responses/" + code
                loc = self.locate(ptr)
                out.append(Element("response", f"{op.operation_id} {code}", ptr, self.path, loc.full, loc.key))
        for name, schema in self.schemas.items():
            ptr = join_pointer(["components", "schemas", name])
            loc = self.locate(ptr)
            out.append(Element("schema", name, ptr, self.path, loc.full, loc.key))
            properties = schema.get("properties") if isinstance(schema, dict) else None
            if isinstance(properties, dict):
                for prop in properties:
                    pptr = join_pointer(["components", "schemas", name, "properties", prop])
                    ploc = self.locate(pptr)
                    out.append(Element("property", f"{name}.{prop}", pptr, self.path, ploc.full, ploc.key))
        return out


# --- helpers ------------------------------------------------------------------


@cache
def _validator(version: str):
    import jsonschema_rs

    text = resources.files("specloom.core.specs").joinpath(f"oas_schemas/oas-{version}.json").read_text("utf-8")
    return jsonschema_rs.validator_for(json.loads(text))


def _singular(word: str) -> str:
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(word) > 1:
        return word[:-1]
    return word


def _camel(words: list[str]) -> str:
    parts = [p for w in words for p in re.split(r"[^0-9A-Za-z]+", w) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def derive_operation_id(method: str, path: str, taken: set[str]) -> str:
    """A readable operationId in the style of listBooks / getBook / createBook."""
    segments = [s for s in path.strip("/").split("/") if s]
    statics = [s for s in segments if not _TEMPLATE_PARAM.fullmatch(s)]
    on_item = bool(segments) and bool(_TEMPLATE_PARAM.fullmatch(segments[-1]))
    resource = statics[-1] if statics else "root"
    owners = [_singular(s) for s in statics[:-1]]
    verbs = {
        "get": "get" if on_item else "list",
        "post": "create",
        "put": "replace",
        "patch": "update",
        "delete": "delete",
    }
    if method in verbs:
        noun = _singular(resource) if (on_item or method != "get") else resource
        if (
            method == "post"
            and statics
            and len(segments) >= 2
            and not on_item
            and _TEMPLATE_PARAM.fullmatch(segments[-2])
        ):
            noun = _singular(resource)
        base = verbs[method] + _camel(owners + [noun])
    else:
        base = method + _camel(statics or ["root"])
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate


# --- the parser -----------------------------------------------------------------


class _Checker:
    def __init__(self, spec: OpenAPISpec):
        self.spec = spec
        self.doc = spec.document
        self.findings = spec.findings

    def add(
        self,
        code: str,
        message: str,
        pointer: str,
        *,
        at: str = "key",
        suggestion: str | None = None,
        related: tuple[RelatedInfo, ...] = (),
        fix: Fix | None = None,
        doc: Document | None = None,
        severity: Severity | None = None,
        range_: Range | None = None,
    ) -> None:
        doc = doc or self.doc
        _, loc = doc.locator.nearest(pointer)
        self.findings.append(
            Finding(
                code=code,
                severity=severity or rule(code).severity,
                message=message,
                range=range_ or getattr(loc, at),
                path=doc.path,
                suggestion=suggestion,
                pointer="#" + pointer,
                related=related,
                fix=fix,
            )
        )

    def related(self, pointer: str, message: str) -> RelatedInfo:
        return RelatedInfo(Location(self.doc.path, self.doc.locator.nearest(pointer)[1].key), message)


def parse_openapi(
    source: SourceText, max_file_bytes: int = DEFAULT_MAX_BYTES, open_texts: Mapping[str, str] | None = None
) -> OpenAPISpec:
    """`open_texts` (absolute path -> text) replaces the disk for referenced files open in an editor."""
    document = Document(source)
    spec = OpenAPISpec(kind="openapi", source=source, findings=list(document.findings), document=document)
    data = document.data
    checker = _Checker(spec)
    if data is None:
        return spec
    if not isinstance(data, dict):
        checker.add(
            "OAS002",
            "The document is not a mapping, so it cannot be an OpenAPI description.",
            "",
            suggestion="Start the file with `openapi: 3.1.0` followed by `info:` and `paths:`.",
        )
        return spec
    if str(data.get("swagger", "")).startswith("2."):
        from specloom.core.specs.swagger import convert_document

        checker.add(
            "OAS003",
            f"Swagger {data['swagger']}: read as its OpenAPI 3.0 conversion; findings are placed in this file.",
            "/swagger",
            suggestion="`specloom convert FILE` writes the OpenAPI 3.0 document next to it.",
        )
        document = spec.document = checker.doc = convert_document(document)
        spec.converted_from = str(data["swagger"])
        data = document.data
    if "swagger" in data:
        checker.add(
            "OAS001",
            f"This is a Swagger {data.get('swagger')} document; Specloom reads OpenAPI 3.0 and 3.1.",
            "/swagger",
            suggestion="Convert it with `npx swagger2openapi FILE -o openapi.yaml`, then check the result.",
        )
        return spec
    version = str(data.get("openapi", ""))
    if re.match(r"3\.0\.\d+$", version):
        spec.version = "3.0"
    elif re.match(r"3\.1\.\d+$", version):
        spec.version = "3.1"
    else:
        where = "/openapi" if "openapi" in data else ""
        checker.add(
            "OAS002",
            f"Unsupported `openapi` version {version!r}." if version else "The `openapi` field is missing.",
            where,
            at="value" if where else "key",
            suggestion="Set `openapi: 3.1.0` (or 3.0.3).",
        )
        return spec
    spec.resolver = RefResolver(document, max_file_bytes, open_texts)
    specific = _collect_operations(spec, checker)
    _check_schema(spec, checker, specific)
    _check_refs(spec, checker)
    _check_text(spec, checker)
    _check_closed_allof(spec, checker)
    if spec.converted_from:
        spec.findings[:] = [_as_written_in_swagger(f) for f in spec.findings]
    return spec


# Fixes whose text is the same in Swagger 2.0 (an operationId, a response with a description).
_SWAGGER_SAFE_FIXES = {"OAS111", "OAS117"}


def _as_written_in_swagger(finding: Finding) -> Finding:
    """A finding on a converted 2.0 document, in 2.0 terms: its refs as written, no 3.0-only fix."""
    from dataclasses import replace

    from specloom.core.specs.swagger import source_ref

    return replace(
        finding,
        message=source_ref(finding.message).replace("components.securitySchemes", "securityDefinitions"),
        suggestion=source_ref(finding.suggestion).replace("components.securitySchemes", "securityDefinitions")
        if finding.suggestion
        else None,
        fix=finding.fix if finding.code in _SWAGGER_SAFE_FIXES else None,
    )


def _check_schema(spec: OpenAPISpec, checker: _Checker, covered: set[str]) -> None:
    validator = _validator(spec.version)
    seen: set[tuple[str, str]] = set()
    for error in validator.iter_errors(spec.data):
        parts = [str(p) for p in error.instance_path]
        pointer = join_pointer(parts)
        if pointer in covered:
            continue  # a more specific check already speaks about this place
        message = _schema_message(error)
        if (pointer, message) in seen:
            continue
        seen.add((pointer, message))
        checker.add(
            "OAS100",
            message,
            pointer,
            at="key" if parts else "key",
            suggestion=f"See the OpenAPI {spec.version} specification for the shape of this object.",
        )


def _schema_message(error) -> str:
    kind = type(error.kind).__name__
    where = "/".join(str(p) for p in error.instance_path) or "the document"
    if kind == "Required":
        return f"Missing required property `{error.kind.property}` in {where}."
    if kind == "AdditionalProperties":
        unexpected = ", ".join(f"`{p}`" for p in error.kind.unexpected)
        return f"Property {unexpected} is not allowed in {where}."
    if kind in ("OneOfNotValid", "AnyOfNotValid"):
        detail = _best_branch_message(error)
        return f"{where} matches none of the allowed shapes" + (f": {detail}" if detail else ".")
    message = error.message
    if len(message) > 160:
        message = re.sub(r"^(\{.*\}|\[.*\]|\".*\")\s", "This value ", message, flags=re.S)[:300]
    return message


def _best_branch_message(error) -> str:
    context = getattr(error.kind, "context", None) or []
    branches = [b for b in context if b]
    if not branches:
        return ""
    best = min(branches, key=len)
    return best[0].message[:200] + "."


def _collect_operations(spec: OpenAPISpec, checker: _Checker) -> set[str]:
    """Index operations and run the per-operation checks; returns pointers they cover."""
    covered: set[str] = set()
    paths = spec.data.get("paths")
    if not isinstance(paths, dict):
        return covered
    resolver = spec.resolver
    declared_ids: dict[str, list[str]] = {}
    pending_missing: list[tuple[Operation, str]] = []
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        path_pointer = join_pointer(["paths", path])
        item = resolver.deref(item)
        if not isinstance(item, dict):
            continue
        shared = _parameters(spec, item.get("parameters"), path_pointer + "/parameters")
        template = _TEMPLATE_PARAM.findall(path)
        for method in HTTP_METHODS:
            raw = item.get(method)
            if not isinstance(raw, dict):
                continue
            pointer = f"{path_pointer}/{method}"
            own = _parameters(spec, raw.get("parameters"), pointer + "/parameters")
            merged = {(p.name, p.location): p for p in shared}
            merged.update({(p.name, p.location): p for p in own})
            op_id = raw.get("operationId")
            responses = raw.get("responses") if isinstance(raw.get("responses"), dict) else {}
            op = Operation(
                method=method,
                path=path,
                operation_id=op_id if isinstance(op_id, str) else "",
                declared_id=isinstance(op_id, str) and bool(op_id),
                pointer=pointer,
                summary=str(raw.get("summary") or ""),
                tags=[t for t in raw.get("tags") or [] if isinstance(t, str)],
                parameters=list(merged.values()),
                request_body=resolver.deref(raw["requestBody"]) if isinstance(raw.get("requestBody"), dict) else None,
                responses={str(code): resolver.deref(r) for code, r in responses.items() if isinstance(r, dict)},
                security=raw.get("security", spec.data.get("security")),
                logic=raw["x-specloom-logic"] if isinstance(raw.get("x-specloom-logic"), str) else None,
            )
            spec.operations.append(op)
            if op.declared_id:
                declared_ids.setdefault(op.operation_id, []).append(pointer)
            else:
                pending_missing.append((op, pointer))
            _check_path_parameters(spec, checker, op, template)
            _check_responses(checker, op, raw, covered)
            _check_auth_responses(spec, checker, op, raw)
            _check_request_body(spec, checker, op, raw)
    taken = set(declared_ids)
    for op, pointer in pending_missing:
        op.operation_id = derive_operation_id(op.method, op.path, taken)
        taken.add(op.operation_id)
        checker.add(
            "OAS111",
            f"{op.method.upper()} {op.path} has no operationId; generated code would call it `{op.operation_id}`.",
            pointer,
            suggestion=f"Add `operationId: {op.operation_id}`.",
            fix=_insert_child_fix(
                spec, pointer, f"operationId: {op.operation_id}", f"Add operationId '{op.operation_id}'"
            ),
        )
    for op_id, pointers in declared_ids.items():
        if len(pointers) < 2:
            continue
        for pointer in pointers:
            others = tuple(checker.related(p + "/operationId", "also declared here") for p in pointers if p != pointer)
            checker.add(
                "OAS110",
                f"operationId `{op_id}` is used by {len(pointers)} operations; each must be unique.",
                pointer + "/operationId",
                at="value",
                related=others,
                suggestion="Rename one of them, e.g. after its method and path.",
            )
    return covered


def _parameters(spec: OpenAPISpec, raw: object, pointer: str) -> list[Parameter]:
    out: list[Parameter] = []
    if not isinstance(raw, list):
        return out
    for index, entry in enumerate(raw):
        param = spec.resolver.deref(entry)
        if isinstance(param, dict) and isinstance(param.get("name"), str) and isinstance(param.get("in"), str):
            # A named component schema stays a reference, so generators can use its name.
            schema = param.get("schema", {})
            if not (isinstance(schema, dict) and str(schema.get("$ref", "")).startswith("#/components/schemas/")):
                schema = spec.resolver.deref(schema)
            out.append(
                Parameter(
                    param["name"],
                    param["in"],
                    bool(param.get("required")),
                    schema if isinstance(schema, dict) else {},
                    f"{pointer}/{index}",
                )
            )
    return out


def _check_path_parameters(spec: OpenAPISpec, checker: _Checker, op: Operation, template: list[str]) -> None:
    declared = {p.name for p in op.parameters if p.location == "path"}
    for name in template:
        if name in declared:
            continue
        key = spec.document.locator.nearest(op.path_pointer)[1].key
        key_text = spec.source.line_text(key.start.line)[key.start.character : key.end.character]
        offset = key_text.find("{" + name + "}")
        where = (
            Range.of(
                key.start.line,
                key.start.character + offset,
                key.start.line,
                key.start.character + offset + len(name) + 2,
            )
            if offset >= 0
            else key
        )
        checker.add(
            "OAS112",
            f"Path parameter `{{{name}}}` of {op.method.upper()} {op.path} is not declared.",
            op.pointer,
            range_=where,
            suggestion=f"Declare it: `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}`.",
            fix=_declare_path_parameter_fix(spec, op, name),
        )
    for param in op.parameters:
        if param.location == "path" and param.name not in template:
            checker.add(
                "OAS113",
                f"Parameter `{param.name}` is declared `in: path` but `{op.path}` has no `{{{param.name}}}`.",
                param.pointer,
                suggestion=f"Add `{{{param.name}}}` to the path, or make it a query parameter.",
            )


def _check_responses(checker: _Checker, op: Operation, raw: dict, covered: set[str]) -> None:
    responses = raw.get("responses")
    if not isinstance(responses, dict):
        return  # absence is reported by the schema check
    if not any(str(code).upper().startswith("2") or str(code) == "default" for code in responses):
        pointer = op.pointer + "/responses"
        covered.add(pointer)
        what = "no responses at all" if not responses else "no 2xx response"
        checker.add(
            "OAS114",
            f"{op.method.upper()} {op.path} declares {what}; clients and generated code cannot "
            "know what success looks like.",
            pointer,
            suggestion="Declare the success response, e.g. `'200': {description: OK}`.",
            fix=_insert_children_fix(checker.spec, pointer, ["'200':", "  description: OK"], "Add a '200' response"),
        )


def _auth_required(security: object) -> bool | None:
    """True if every alternative needs credentials, False if none is asked for, None if optional or unclear."""
    if not isinstance(security, list) or not security:
        return False
    alternatives = [entry for entry in security if isinstance(entry, dict)]
    if len(alternatives) != len(security):
        return None  # malformed; the schema check speaks about it
    if all(alternatives):
        return True
    return False if not any(alternatives) else None  # `{}` alone: anonymous; beside others: optional


def _check_auth_responses(spec: OpenAPISpec, checker: _Checker, op: Operation, raw: dict) -> None:
    responses = raw.get("responses")
    if not isinstance(responses, dict) or not responses:
        return
    codes = {str(code).upper() for code in responses}
    required = _auth_required(op.security)
    where = "its own `security`" if "security" in raw else "the document's `security`"
    if required and not codes & {"401", "4XX", "DEFAULT"}:
        checker.add(
            "OAS117",
            f"{op.method.upper()} {op.path} requires credentials ({where}) but documents no 401 response; "
            "clients, generated tests and contract testers will meet one anyway.",
            op.pointer + "/responses",
            suggestion="Add `'401': {description: Missing or invalid credentials}` to its responses.",
            fix=_add_response_fix(spec, op, "401", "Missing or invalid credentials"),
        )
    elif required is False:
        for code in sorted(codes & {"401", "403"}):
            checker.add(
                "OAS118",
                f"{op.method.upper()} {op.path} documents a {code} response but asks for no credentials "
                + ("(`security: []`)." if "security" in raw else "(no `security` applies to it)."),
                op.pointer + "/responses/" + code,
                suggestion="Add the `security` requirement the operation enforces (a scheme under "
                "`components.securitySchemes`), or drop the response.",
            )


def _check_request_body(spec: OpenAPISpec, checker: _Checker, op: Operation, raw: dict) -> None:
    body = op.request_body
    if not isinstance(body, dict):
        return
    content = body.get("content")
    if not isinstance(content, dict):
        return
    base = op.pointer + "/requestBody"
    if isinstance(raw.get("requestBody"), dict) and "$ref" in raw["requestBody"]:
        return  # the referenced body is checked where it is defined
    for media, entry in content.items():
        if isinstance(entry, dict) and "schema" not in entry:
            checker.add(
                "OAS115",
                f"The `{media}` request body of {op.method.upper()} {op.path} has no schema, so "
                "its input cannot be validated.",
                join_pointer([*split_pointer(base), "content", media]),
                suggestion="Add a `schema:` (a `$ref` to a component is typical).",
            )


def _check_refs(spec: OpenAPISpec, checker: _Checker) -> None:
    from rapidfuzz import process

    resolver = spec.resolver
    walked: set[int] = set()
    # Where a reference leads depends on its text and document only, not on the object holding it.
    followed: dict[tuple[int, str], Target | Unresolved] = {}
    queue = [spec.document]
    while queue:
        doc = queue.pop()
        if id(doc) in walked:
            continue
        walked.add(id(doc))
        for pointer, ref in _per_entry("refs", doc.path, doc.data, _refs):
            target = followed.get((id(doc), ref))
            if target is None:
                target = followed[id(doc), ref] = resolver.follow({"$ref": ref}, doc, pointer)
            if isinstance(target, Target):
                if target.doc not in queue and id(target.doc) not in walked:
                    queue.append(target.doc)
                continue
            ref_ptr = pointer + "/$ref"
            if target.reason == "cycle":
                checker.add(
                    "OAS102",
                    f"`{ref}`: {target.message}",
                    ref_ptr,
                    at="value",
                    doc=doc,
                    suggestion="Point one of the references at a real schema instead of another $ref.",
                )
            elif target.reason in ("file", "remote"):
                checker.add(
                    "OAS103",
                    target.message,
                    ref_ptr,
                    at="value",
                    doc=doc,
                    severity=Severity.WARNING if target.reason == "remote" else None,
                    suggestion="Check the file name and that the file is valid YAML or JSON.",
                )
            elif target.reason == "malformed":
                checker.add(
                    "OAS101",
                    target.message,
                    ref_ptr,
                    at="value",
                    doc=doc,
                    suggestion="Write local references as `#/components/schemas/Name`.",
                )
            else:
                _, parent, _ = _lookup_parent(target)
                candidates = [k for k in parent if isinstance(k, str)] if isinstance(parent, dict) else []
                best = process.extractOne(target.missing_key, candidates, score_cutoff=60) if candidates else None
                if best:
                    fixed = (
                        ref[: len(ref) - len(target.missing_key)] + best[0]
                        if ref.endswith(target.missing_key)
                        else None
                    )
                    checker.add(
                        "OAS101",
                        f"{target.message} Did you mean `{best[0]}`?",
                        ref_ptr,
                        at="value",
                        doc=doc,
                        suggestion=f"Did you mean {best[0]}? Change the reference to `{fixed or best[0]}`.",
                        fix=_replace_scalar_fix(doc, ref_ptr, ref, fixed) if fixed else None,
                    )
                else:
                    checker.add(
                        "OAS101",
                        target.message,
                        ref_ptr,
                        at="value",
                        doc=doc,
                        suggestion="Define the missing component, or correct the reference.",
                    )


def _lookup_parent(target: Unresolved):
    return lookup(target.doc.data, split_pointer(target.parent_pointer))


# Results of whole-document walks per path item or component, by the entry object itself: after a
# one-block re-parse (yaml_incremental) every other entry is the same object as before, so a keystroke
# in a multi-megabyte spec re-walks one entry. Entries are never mutated after loading. Only the last
# analysis of each file is kept, so old versions' trees are not held on to.
_ENTRY_MEMO: OrderedDict[tuple[str, str], dict[tuple[int, tuple], tuple[object, list]]] = OrderedDict()
_ENTRY_MEMO_FILES = 16
_ENTRY_MEMO_LOCK = threading.Lock()  # the language server analyses several files at once


def _entries(data: object):
    """(pointer parts, value) of each path item, each component and every other top-level value."""
    if not isinstance(data, dict):
        yield (), data
        return
    for key, value in data.items():
        if key == "paths" and isinstance(value, dict):
            yield from ((("paths", name), item) for name, item in value.items())
        elif key == "components" and isinstance(value, dict):
            for kind, members in value.items():
                if isinstance(members, dict):
                    yield from ((("components", kind, name), member) for name, member in members.items())
                else:
                    yield ("components", kind), members
        else:
            yield (key,), value


def _per_entry(name: str, path: str, data: object, walk) -> list:
    """`walk(value, parts)` over every entry of the document at `path`, reusing what unchanged entries gave."""
    out: list = []
    with _ENTRY_MEMO_LOCK:
        last = _ENTRY_MEMO.pop((name, path), {})
    kept: dict[tuple[int, tuple], tuple[object, list]] = {}
    for parts, value in _entries(data):
        if not isinstance(value, (dict, list)):
            out.extend(walk(value, parts))
            continue
        key = (id(value), parts)
        hit = last.get(key)
        if hit is None or hit[0] is not value:
            hit = (value, list(walk(value, parts)))
        kept[key] = hit
        out.extend(hit[1])
    with _ENTRY_MEMO_LOCK:
        _ENTRY_MEMO[(name, path)] = kept
        while len(_ENTRY_MEMO) > _ENTRY_MEMO_FILES:
            _ENTRY_MEMO.popitem(last=False)
    return out


def _refs(data: object, base: tuple = ()):
    """(pointer of the object holding `$ref`, the ref) for every reference, without recursion."""
    stack: list[tuple[object, tuple]] = [(data, base)]
    while stack:
        node, parts = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield join_pointer(parts), ref
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    stack.append((value, (*parts, key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    stack.append((value, (*parts, str(index))))


_PROSE_KEYS = ("summary", "description", "title")
_EXAMPLE_KEYS = ("example", "examples", "default", "x-example", "x-examples")


def _check_text(spec: OpenAPISpec, checker: _Checker) -> None:
    from specloom.core.security import is_insecure_url

    for index, server in enumerate(spec.data.get("servers") or []):
        url = server.get("url") if isinstance(server, dict) else None
        if isinstance(url, str) and is_insecure_url(url):
            checker.add(
                "SEC003",
                f"Server `{url}` uses plain http://: credentials and data travel unencrypted.",
                f"/servers/{index}/url",
                at="value",
                suggestion="Use https:// for every non-local server.",
                fix=_replace_scalar_fix(spec.document, f"/servers/{index}/url", "http://", "https://"),
            )
    for code, pointer, message, arguments in _per_entry("text", spec.path, spec.data, _text_findings):
        checker.add(code, message, pointer, **arguments)


def _text_findings(data: object, base: tuple) -> list[tuple[str, str, str, dict]]:
    """(code, pointer, message, checker arguments) for secrets in examples and AI-addressed prose."""
    if not isinstance(data, (dict, list)):
        # a scalar entry is checked as an item of its parent, as a walk from the root would
        return _string_findings(base[:-1], str(base[-1]), data, _in_example(base[:-1])) if base else []
    out = []
    stack: list[tuple[object, tuple, bool]] = [(data, base, _in_example(base))]
    while stack:
        node, parts, in_example = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            key = str(key)
            if isinstance(value, (dict, list)):
                stack.append((value, (*parts, key), in_example or key in _EXAMPLE_KEYS))
            else:
                out.extend(_string_findings(parts, key, value, in_example))
    return out


def _in_example(parts: tuple) -> bool:
    return any(part in _EXAMPLE_KEYS for part in parts)


def _string_findings(parts: tuple, key: str, value: object, in_example: bool) -> list[tuple[str, str, str, dict]]:
    from specloom.core.security import find_prompt_injection, find_secrets

    if not isinstance(value, str):
        return []
    if in_example or key in _EXAMPLE_KEYS:
        owner = parts[-1] if parts and key in _EXAMPLE_KEYS else key
        return [
            (
                "SEC001",
                join_pointer((*parts, key)),
                f"{hit.message} Secrets in a spec end up in generated code, docs and logs.",
                {
                    "at": "value",
                    "severity": None if hit.confident else Severity.WARNING,
                    "suggestion": "Replace it with an obvious placeholder such as `sk_test_XXXX`, and "
                    "rotate the real credential.",
                },
            )
            for hit in find_secrets(value, owner)
        ]
    if key in _PROSE_KEYS:
        hits = find_prompt_injection(value)
        if hits:
            message = (
                f"The {key} contains instructions aimed at an AI ({hits[0].message}) "
                "Specloom passes spec text to models only as quoted data."
            )
            suggestion = f"Rewrite the {key} to describe the API for people."
            return [("SEC002", join_pointer((*parts, key)), message, {"at": "value", "suggestion": suggestion})]
    return []


def _check_closed_allof(spec: OpenAPISpec, checker: _Checker) -> None:
    """`additionalProperties: false` inside an allOf member rejects the properties its siblings add."""
    for name, schema in spec.schemas.items():
        members = schema.get("allOf") if isinstance(schema, dict) else None
        if not isinstance(members, list):
            continue
        resolved = [spec.deref(m) if isinstance(m, dict) else {} for m in members]
        own = [set(m.get("properties") or {}) if isinstance(m.get("properties"), dict) else set() for m in resolved]
        outer = set(schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else set()
        for index, member in enumerate(resolved):
            if member.get("additionalProperties") is not False:
                continue
            added = sorted((set().union(*own[:index], *own[index + 1 :]) | outer) - own[index])
            if not added:
                continue
            raw = members[index]
            ref = raw.get("$ref") if isinstance(raw, dict) else None
            where = f"`{ref.rsplit('/', 1)[-1]}`" if isinstance(ref, str) else f"allOf member {index}"
            checker.add(
                "OAS116",
                f"{name}: {where} sets `additionalProperties: false`, so {', '.join(f'`{a}`' for a in added)} "
                "added by the other allOf members can never be valid.",
                join_pointer(["components", "schemas", name, "allOf", str(index)]),
                suggestion="Drop `additionalProperties: false` from the member (OpenAPI 3.1: put "
                "`unevaluatedProperties: false` on the combined schema instead).",
            )


# --- fixes ----------------------------------------------------------------------


def _indent_of_children(spec: OpenAPISpec, pointer: str) -> tuple[int, int] | None:
    """(line after which to insert, indent of the object's keys) for a block mapping in YAML."""
    doc = spec.document
    if doc.locator._lines is None:
        return None
    loc = doc.locator.locate(pointer)
    if loc is None:
        return None
    value_start = loc.value.start
    if value_start.line == loc.key.start.line:
        return None  # a flow mapping on the key's line: no safe place to insert
    return loc.key.start.line, value_start.character


def _insert_child_fix(spec: OpenAPISpec, pointer: str, line_text: str, title: str) -> Fix | None:
    return _insert_children_fix(spec, pointer, [line_text], title)


def _insert_children_fix(spec: OpenAPISpec, pointer: str, lines: list[str], title: str) -> Fix | None:
    """Lines inserted as the first children of the block mapping at `pointer` (indented to its keys)."""
    place = _indent_of_children(spec, pointer)
    if place is None:
        return None
    after, indent = place
    at = Range.of(after + 1, 0, after + 1, 0)
    return Fix(title, (TextEdit(at, "".join(" " * indent + line + "\n" for line in lines)),))


def _add_response_fix(spec: OpenAPISpec, op: Operation, code: str, description: str) -> Fix | None:
    """Insert the response after the operation's last one, at their indentation (block YAML only)."""
    place = _indent_of_children(spec, op.pointer + "/responses")
    responses = spec.document.locator.locate(op.pointer + "/responses")
    if place is None or responses is None:
        return None
    _, indent = place
    after = responses.value.end.line if responses.value.end.character else responses.value.end.line - 1
    text = f"{' ' * indent}'{code}':\n{' ' * (indent + 2)}description: {description}\n"
    at = Range.of(after + 1, 0, after + 1, 0)
    return Fix(f"Add a {code} response", (TextEdit(at, text),))


def _declare_path_parameter_fix(spec: OpenAPISpec, op: Operation, name: str) -> Fix | None:
    block = ["- name: " + name, "  in: path", "  required: true", "  schema:", "    type: string"]
    params_loc = spec.document.locator.locate(op.pointer + "/parameters")
    place = _indent_of_children(spec, op.pointer)
    if place is None:
        return None
    title = f"Declare path parameter '{name}'"
    if params_loc is not None and params_loc.value.start.line > params_loc.key.start.line:
        indent = params_loc.value.start.character
        at = Range.of(params_loc.key.start.line + 1, 0, params_loc.key.start.line + 1, 0)
        return Fix(title, (TextEdit(at, "".join(" " * indent + b + "\n" for b in block)),))
    if params_loc is not None:
        return None
    after, indent = place
    text = " " * indent + "parameters:\n" + "".join(" " * (indent + 2) + b + "\n" for b in block)
    return Fix(title, (TextEdit(Range.of(after + 1, 0, after + 1, 0), text),))


def _replace_scalar_fix(doc: Document, pointer: str, old: str, new: str) -> Fix | None:
    loc = doc.locator.locate(pointer)
    if loc is None or loc.value.start.line != loc.value.end.line:
        return None
    line = doc.source.line_text(loc.value.start.line)
    shown = line[loc.value.start.character : loc.value.end.character]
    if old not in shown:
        return None
    return Fix(f"Change to '{new}'", (TextEdit(loc.value, shown.replace(old, new)),))
