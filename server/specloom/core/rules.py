"""Every finding code Specloom can emit, in one place.

The registry feeds SARIF rule metadata, LSP code descriptions and docs/rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from specloom.core.findings import Severity

DOCS_BASE = "https://specloom.dev/docs/rules"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str

    @property
    def help_uri(self) -> str:
        return f"{DOCS_BASE}#{self.code.lower()}"


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        # Reading input
        Rule("IO001", "unreadable-input", _E, "The file cannot be read (missing, a directory, or no permission)."),
        Rule("IO002", "binary-input", _E, "The file holds binary data, not text."),
        Rule("IO003", "not-utf8", _E, "The file is not valid UTF-8."),
        Rule("IO004", "empty-input", _E, "The file is empty."),
        Rule("IO005", "input-too-large", _E, "The file exceeds the configured size limit."),
        Rule("IO006", "unknown-spec-kind", _W, "The file is not an OpenAPI, GraphQL, ADR or user-story document."),
        # YAML / JSON syntax
        Rule("SYN001", "syntax-error", _E, "The YAML or JSON does not parse."),
        Rule("SYN002", "duplicate-key", _E, "A mapping has the same key twice."),
        # OpenAPI
        Rule("OAS001", "swagger-unsupported", _E, "A Swagger version other than 2.0; convert to OpenAPI 3."),
        Rule(
            "OAS002", "unknown-openapi-version", _E, "The `openapi` field is missing or names an unsupported version."
        ),
        Rule(
            "OAS003",
            "swagger-converted",
            _I,
            "A Swagger 2.0 document, read through its OpenAPI 3.0 conversion; findings point into the 2.0 file.",
        ),
        Rule("OAS100", "schema-violation", _E, "The document breaks the official OpenAPI schema."),
        Rule("OAS101", "unresolved-ref", _E, "A `$ref` points at nothing."),
        Rule("OAS102", "cyclic-ref", _E, "A `$ref` chain loops back to itself without any structure in between."),
        Rule("OAS103", "external-ref-unreadable", _E, "A `$ref` names a file that cannot be read or parsed."),
        Rule("OAS110", "duplicate-operation-id", _E, "Two operations share an operationId."),
        Rule(
            "OAS111", "missing-operation-id", _W, "An operation has no operationId; generated names would be derived."
        ),
        Rule("OAS112", "undeclared-path-parameter", _E, "A `{name}` in the path template has no `in: path` parameter."),
        Rule("OAS113", "unused-path-parameter", _E, "An `in: path` parameter does not appear in the path template."),
        Rule("OAS114", "no-success-response", _E, "An operation declares no 2xx (or default) response."),
        Rule("OAS115", "request-body-without-schema", _W, "A request body media type has no schema."),
        Rule(
            "OAS116",
            "allof-closed-member",
            _W,
            "An allOf member forbids additional properties that its sibling members add, so no value can validate.",
        ),
        Rule(
            "OAS117",
            "undocumented-401",
            _W,
            "An operation that requires credentials documents no 401 response.",
        ),
        Rule(
            "OAS118",
            "auth-response-without-security",
            _W,
            "An operation documents a 401 or 403 response but no security requirement applies to it.",
        ),
        # Security of spec text
        Rule("SEC001", "secret-in-spec", _E, "A value looks like a real credential."),
        Rule("SEC002", "prompt-injection", _E, "Text addresses an AI with instructions; it will only ever be quoted."),
        Rule("SEC003", "insecure-server-url", _W, "A server URL uses plain http:// on a non-local host."),
        # ADRs
        Rule("ADR001", "missing-section", _E, "A section the ADR format requires is missing."),
        Rule("ADR002", "unknown-status", _W, "The status is not one the ADR format knows."),
        Rule("ADR003", "superseded-without-link", _W, "A superseded ADR does not link to its successor."),
        Rule("ADR004", "file-path-escapes", _E, "A `File:` path is absolute or leaves the workspace."),
        Rule("ADR005", "code-block-syntax", _E, "A code block does not parse in its language."),
        Rule("ADR006", "broken-link", _E, "A link points at a file that does not exist."),
        Rule("ADR007", "missing-title", _W, "The ADR has no title, so its id is taken from the file name."),
        Rule(
            "ADR008",
            "unknown-block-language",
            _I,
            "A `File:` block's language has no parser; it is not syntax-checked.",
        ),
        Rule(
            "ADR009",
            "spec-block-line-missing",
            _E,
            "A technical ADR's specification block lacks its Document, Version or Status line.",
        ),
        Rule("ADR010", "empty-constraint", _W, "A `CONSTRAINT:` has no text saying what must hold."),
        Rule("ADR011", "duplicate-file-block", _W, "A `File:` block repeats an earlier part of the same file."),
        Rule(
            "ADR012",
            "conflicting-file-blocks",
            _E,
            "Parts of one `File:` path disagree: two languages, or the same name defined twice.",
        ),
        # GraphQL
        Rule("GQL001", "graphql-syntax", _E, "The GraphQL SDL does not parse."),
        Rule("GQL002", "graphql-schema", _E, "The GraphQL schema is invalid."),
        # User stories
        Rule("STY001", "story-form", _E, "The story is not in the form 'As a …, I want …, so that …'."),
        Rule("STY002", "story-no-criteria", _E, "The story has no acceptance criteria list."),
        # Generated code
        Rule(
            "GEN001",
            "generated-file-drift",
            _I,
            "A spec element this generated file came from changed since it was generated; regenerate it.",
        ),
        # Quality gates of the last generation, published on the spec elements that produced the failing file
        Rule("GATE-syntax", "gate-syntax", _E, "A generated file does not parse."),
        Rule("GATE-style", "gate-style", _E, "A generated file fails its language's formatter or linter check."),
        Rule(
            "GATE-security",
            "gate-security",
            _E,
            "A generated file holds a secret, a malicious pattern, or what its language's security scanner flags.",
        ),
        Rule(
            "GATE-tests",
            "gate-tests",
            _E,
            "The generated tests fail, are missing, or cover less than the coverage threshold.",
        ),
        # The malicious-pattern scan of the security gate (core/malicious.py), in every language's code
        Rule("MAL001", "dynamic-code", _E, "TypeScript/JavaScript `eval` or `Function` runs a string as code."),
        Rule("MAL002", "child-process", _E, "TypeScript/JavaScript imports `child_process`, which starts processes."),
        Rule("MAL003", "shell-command", _E, "Go `exec.Command` runs a shell, so its arguments become shell code."),
        Rule("MAL004", "unsafe-code", _E, "Go's package `unsafe` or Rust's `unsafe` steps around memory safety."),
        Rule(
            "MAL005",
            "process-spawn",
            _E,
            "Rust `std::process::Command`, Java `Runtime.exec`/`ProcessBuilder` or C# `Process.Start` runs a process.",
        ),
        Rule(
            "GATE-template-security",
            "gate-template-security",
            _E,
            "A template pack holds a forbidden construct, so it was refused and nothing was generated.",
        ),
    )
}


def rule(code: str) -> Rule:
    return RULES[code]


def gate_code(gate: str) -> str:
    """The finding code of a failure in the quality gate named `gate`."""
    return f"GATE-{gate}"
