"""GraphQL SDL: parse with graphql-core, index types and root operations, check the schema.

Types and operations are read from the AST rather than the built schema, so they (and
their ranges) are available even when the schema is invalid. graphql-core is imported
inside the functions: it is too heavy for CLI and language-server start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from specloom.core.findings import Finding, Fix, Location, Range, RelatedInfo, Severity, TextEdit
from specloom.core.rules import rule
from specloom.core.source import SourceText
from specloom.core.specs.base import Element, SpecDocument

ROOTS = ("query", "mutation", "subscription")
_DEFAULT_ROOT_TYPES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
_KINDS = {
    "object_type": "object",
    "interface_type": "interface",
    "union_type": "union",
    "enum_type": "enum",
    "input_object_type": "input",
    "scalar_type": "scalar",
}
_TOKEN = re.compile(r"\w+|\S")
_DID_YOU_MEAN = re.compile(r"Did you mean '(\w+)'")


@dataclass(slots=True)
class GraphQLArgument:
    name: str
    type: str  # as written in SDL, e.g. "[ID!]!"
    default: str | None
    range: Range


@dataclass(slots=True)
class GraphQLField:
    name: str
    type: str
    args: list[GraphQLArgument]
    range: Range
    name_range: Range
    description: str | None = None
    default: str | None = None  # input-object fields only


@dataclass(slots=True)
class GraphQLType:
    name: str
    kind: str  # "object" | "interface" | "union" | "enum" | "input" | "scalar"
    range: Range
    name_range: Range
    fields: list[GraphQLField] = field(default_factory=list)
    description: str | None = None
    interfaces: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)  # enum values
    members: list[str] = field(default_factory=list)  # union members

    @property
    def pointer(self) -> str:
        return f"#/types/{self.name}"


@dataclass(slots=True)
class GraphQLOperation:
    """A root field of the query, mutation or subscription type."""

    name: str
    root: str  # "query" | "mutation" | "subscription"
    type: str
    args: list[GraphQLArgument]
    range: Range
    name_range: Range
    description: str | None = None

    @property
    def pointer(self) -> str:
        return f"#/operations/{self.root}/{self.name}"


@dataclass(slots=True)
class GraphQLSpec(SpecDocument):
    types: list[GraphQLType] = field(default_factory=list)
    operations: list[GraphQLOperation] = field(default_factory=list)
    root_types: dict[str, str] = field(default_factory=dict)  # "query" -> "Query"

    def type(self, name: str) -> GraphQLType | None:
        return next((t for t in self.types if t.name == name), None)

    def operation(self, root: str, name: str) -> GraphQLOperation | None:
        return next((o for o in self.operations if o.root == root and o.name == name), None)

    def elements(self) -> list[Element]:
        out: list[Element] = []
        for gql_type in self.types:
            out.append(Element("type", gql_type.name, gql_type.pointer, self.path, gql_type.range, gql_type.name_range))
            for gql_field in gql_type.fields:
                pointer = f"{gql_type.pointer}/fields/{gql_field.name}"
                name = f"{gql_type.name}.{gql_field.name}"
                out.append(Element("field", name, pointer, self.path, gql_field.range, gql_field.name_range))
        for op in self.operations:
            out.append(Element("operation", f"{op.root} {op.name}", op.pointer, self.path, op.range, op.name_range))
        return out


def parse_graphql(source: SourceText) -> GraphQLSpec:
    """Parse GraphQL SDL; problems become GQL*/SEC* findings, never exceptions."""
    from graphql import GraphQLError, parse

    spec = GraphQLSpec("graphql", source)
    try:
        document = parse(source.text)
    except GraphQLError as error:
        spec.findings.append(_syntax_finding(source, error))
        return spec
    _index(spec, document)
    _check_schema(spec, document)
    _check_descriptions(spec, document)
    return spec


# --- index ----------------------------------------------------------------------


def _index(spec: GraphQLSpec, document) -> None:
    source = spec.source
    definitions = document.definitions
    by_name: dict[str, GraphQLType] = {}
    # Definitions first, so an `extend type` written above its type still merges into it.
    for node in sorted(definitions, key=lambda d: d.kind.endswith("_extension")):
        kind = _KINDS.get(node.kind.removesuffix("_definition").removesuffix("_extension"))
        if kind is None:
            continue
        name = node.name.value
        gql_type = by_name.get(name)
        if gql_type is None:
            gql_type = GraphQLType(
                name, kind, _span(source, node), _span(source, node.name), description=_description(node)
            )
            by_name[name] = gql_type
            spec.types.append(gql_type)
        gql_type.fields.extend(_field(source, f) for f in getattr(node, "fields", None) or ())
        gql_type.interfaces.extend(i.name.value for i in getattr(node, "interfaces", None) or ())
        gql_type.values.extend(v.name.value for v in getattr(node, "values", None) or ())
        gql_type.members.extend(m.name.value for m in getattr(node, "types", None) or ())

    spec.root_types = _root_types(definitions)
    for root in ROOTS:
        root_type = by_name.get(spec.root_types.get(root, ""))
        if root_type is None or root_type.kind != "object":
            continue  # validate_schema reports a missing or non-object root
        spec.operations.extend(
            GraphQLOperation(f.name, root, f.type, f.args, f.range, f.name_range, f.description)
            for f in root_type.fields
        )


def _root_types(definitions) -> dict[str, str]:
    """Root operation types: as `schema { … }` names them, else by convention; `extend schema` adds to either."""
    schema_nodes = [d for d in definitions if d.kind in ("schema_definition", "schema_extension")]
    has_definition = any(d.kind == "schema_definition" for d in schema_nodes)
    roots = {} if has_definition else dict(_DEFAULT_ROOT_TYPES)
    roots.update((op.operation.value, op.type.name.value) for node in schema_nodes for op in node.operation_types or ())
    return roots


def _field(source: SourceText, node) -> GraphQLField:
    from graphql.language import print_ast

    return GraphQLField(
        name=node.name.value,
        type=print_ast(node.type),
        args=[_argument(source, a) for a in getattr(node, "arguments", None) or ()],
        range=_span(source, node),
        name_range=_span(source, node.name),
        description=_description(node),
        default=print_ast(node.default_value) if getattr(node, "default_value", None) else None,
    )


def _argument(source: SourceText, node) -> GraphQLArgument:
    from graphql.language import print_ast

    default = print_ast(node.default_value) if node.default_value else None
    return GraphQLArgument(node.name.value, print_ast(node.type), default, _span(source, node))


def _description(node) -> str | None:
    description = getattr(node, "description", None)
    return description.value if description is not None else None


def _span(source: SourceText, node) -> Range:
    return source.span(node.loc.start, node.loc.end)


# --- checks ---------------------------------------------------------------------


def _syntax_finding(source: SourceText, error) -> Finding:
    text = source.text
    # Offsets, not graphql-core's line/column: it also breaks lines at a lone "\r".
    offset = min(error.positions[0], len(text)) if error.positions else 0
    token = _TOKEN.match(text, offset)
    end = token.end() if token else offset
    message = error.message.removeprefix("Syntax Error: ")
    if "<EOF>" in message:
        suggestion = "Finish the last definition and close every `{`, `(` and `[`."
    elif "Unterminated string" in message:
        suggestion = 'Close the string with a matching `"` (or `"""` for a block string).'
    else:
        suggestion = "Look just before this point: a missing `:`, `{`, `}` or type name is the usual cause."
    return Finding(
        code="GQL001",
        severity=rule("GQL001").severity,
        message=f"GraphQL syntax error: {message}",
        range=source.span(offset, end),
        path=source.path,
        suggestion=suggestion,
    )


def _check_schema(spec: GraphQLSpec, document) -> None:
    from graphql import GraphQLError, build_ast_schema, validate_schema
    from graphql.validation.validate import validate_sdl

    source = spec.source
    for node in document.definitions:
        if node.kind in ("operation_definition", "fragment_definition"):
            what = "a fragment" if node.kind == "fragment_definition" else f"a {node.operation.value} operation"
            start = node.loc.start
            line_end = source.text.find("\n", start)
            spec.findings.append(
                _schema_finding(
                    source,
                    f"This is {what}, not a schema definition.",
                    source.span(start, node.loc.end if line_end == -1 else min(line_end, node.loc.end)),
                    "Keep operations in client files; a spec file holds type definitions (SDL) only.",
                )
            )
    errors = validate_sdl(document)
    if not errors:
        try:
            errors = validate_schema(build_ast_schema(document, assume_valid_sdl=True))
        except GraphQLError as error:
            errors = [error]
        except (TypeError, ValueError) as exc:  # build_ast_schema's own checks raise plain errors
            errors = [GraphQLError(str(exc))]
    for error in errors:
        nodes = [n for n in error.nodes or () if n.loc is not None]
        # Duplicates and conflicts list the earlier node first: underline the last one.
        where = _node_range(source, nodes[-1]) if nodes else source.line_range(0)
        related = tuple(
            RelatedInfo(Location(source.path, _node_range(source, n)), "Also involved.") for n in nodes[:-1]
        )
        fix = _rename_fix(error.message, nodes[-1], where) if nodes else None
        suggestion = _schema_suggestion(error.message)
        spec.findings.append(_schema_finding(source, error.message, where, suggestion, related, fix))


def _schema_finding(
    source: SourceText,
    message: str,
    where: Range,
    suggestion: str,
    related: tuple[RelatedInfo, ...] = (),
    fix: Fix | None = None,
) -> Finding:
    return Finding(
        code="GQL002",
        severity=rule("GQL002").severity,
        message=message,
        range=where,
        path=source.path,
        suggestion=suggestion,
        related=related,
        fix=fix,
    )


def _node_range(source: SourceText, node) -> Range:
    """A definition is underlined at its name; a schema definition at its `schema` keyword."""
    if node.kind in ("schema_definition", "schema_extension"):
        after = node.description.loc.end if getattr(node, "description", None) else node.loc.start
        keyword = source.text.find("schema", after, node.loc.end)
        return source.span(keyword, keyword + len("schema")) if keyword != -1 else _span(source, node)
    name = getattr(node, "name", None)
    if node.kind.endswith(("_definition", "_extension")) and name is not None and name.loc is not None:
        return _span(source, name)
    return _span(source, node)


def _schema_suggestion(message: str) -> str:
    if message.startswith("Unknown type"):
        return "Define the type in this schema, or correct the name to one that is defined."
    if "only one" in message or "already exists" in message or "only be defined once" in message:
        return "Rename or remove the duplicate; to add fields to an existing type use `extend type`."
    if "root type must be provided" in message:
        return "Add `type Query { … }` with at least one field, or name the query type in `schema { query: … }`."
    if "must define one or more" in message:
        return "Give the type at least one field (or value), or remove it."
    if "expected but" in message:
        return "Add the missing field with the interface's type, or stop implementing the interface."
    return "Change the definition as the message says; graphql-core's schema validation rejects it as written."


def _rename_fix(message: str, node, where: Range) -> Fix | None:
    """For an unknown type that graphql-core recognises as a typo, offer its suggestion."""
    match = _DID_YOU_MEAN.search(message) if message.startswith("Unknown type") else None
    if match is None or node.kind != "named_type":
        return None
    name = match.group(1)
    return Fix(f"Change to `{name}`", (TextEdit(where, name),))


def _check_descriptions(spec: GraphQLSpec, document) -> None:
    """Descriptions reach generated docs and AI prompts: no secrets, no instructions to a model."""
    from specloom.core.security import scan_text

    source = spec.source
    for description in sorted(_descriptions(document), key=lambda d: d.loc.start):
        start, end = description.loc.start, description.loc.end
        # The raw source slice, not the dedented value, so hit offsets map straight to positions.
        for hit in scan_text(source.text[start:end]):
            where = source.span(start + hit.start, start + hit.end)
            if hit.kind == "secret":
                finding = Finding(
                    code="SEC001",
                    severity=rule("SEC001").severity if hit.confident else Severity.WARNING,
                    message=f"{hit.message} Secrets in a spec end up in generated code, docs and logs.",
                    range=where,
                    path=source.path,
                    suggestion="Remove it from the description, and rotate the real credential.",
                )
            else:
                finding = Finding(
                    code="SEC002",
                    severity=rule("SEC002").severity,
                    message=f"A description contains instructions aimed at an AI ({hit.message}) "
                    "Specloom passes spec text to models only as quoted data.",
                    range=where,
                    path=source.path,
                    suggestion="Rewrite the description to explain the schema to people.",
                )
            spec.findings.append(finding)


def _descriptions(document) -> Iterator:
    from graphql.language import Node

    stack = [document]
    while stack:
        node = stack.pop()
        description = getattr(node, "description", None)
        if description is not None and description.loc is not None:
            yield description
        for key in node.keys:
            if key in ("loc", "description"):
                continue
            value = getattr(node, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(v for v in value if isinstance(v, Node))
