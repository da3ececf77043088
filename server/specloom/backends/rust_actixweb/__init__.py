"""The rust-actixweb backend: an actix-web 4 service whose operations, rules and paging come from the spec."""

from __future__ import annotations

import re

from specloom.backends.base import Rendering
from specloom.core.apimodel import _Builder, _json_schema, _ref_name, build_api_model
from specloom.core.naming import snake

# What Rust's regex crate cannot compile (lookaround, backreferences, possessive quantifiers, named groups
# in Python's spelling).
_NOT_RUST_RE = re.compile(r"\(\?[=!<]|\\[1-9]|[*+?}]\+|\(\?P=")
_NOT_HELD = ("oneOf", "anyOf", "not", "const")


class RustActixWeb:
    name = "rust-actixweb"
    language = "rust"
    framework = "actix-web"

    def template_gap(self, spec, op) -> str | None:
        from specloom.backends.python_fastapi import BACKEND as crud_rules

        # The CRUD conventions are python-fastapi's, so every pack implements the same operations of a spec;
        # then what the Rust rules of src/engine.rs cannot hold.
        gap = crud_rules.template_gap(spec, op)
        if gap:
            return gap
        builder = _Builder(spec)
        schemas = [_json_schema((op.request_body or {}).get("content"))]
        for code, response in sorted(op.responses.items()):
            if code.startswith("2") and isinstance(response, dict):
                schemas.append(_json_schema(response.get("content")))
        for schema in schemas:
            why = _unheld(spec, builder, schema, set())
            if why:
                return why
        for param in op.parameters:
            if param.location == "query" and param.name in _CURSORS:
                return f"query parameter `{param.name}` pages by cursor, which rust-actixweb 1.0.0 does not implement"
            why = _unheld(spec, builder, param.schema, set(), f"query parameter `{param.name}`")
            if why:
                return why
        for requirement in op.security or []:
            for scheme_name in requirement if isinstance(requirement, dict) else []:
                scheme = spec.deref(
                    ((spec.data.get("components") or {}).get("securitySchemes") or {}).get(scheme_name) or {}
                )
                if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() not in ("bearer", "basic"):
                    return f"security scheme {scheme_name} (http {scheme.get('scheme')}) is not implemented"
        return None

    def package(self, spec, variables: dict) -> str:
        crate = variables.get("crate")
        if crate:
            return str(crate)
        name = re.sub(r"_+", "_", re.sub(r"[^a-z0-9]+", "_", snake(spec.title or "api").lower())).strip("_") or "api"
        return name if name[0].isalpha() else "api_" + name

    def render_context(self, pack, spec, operations, variables, extensions) -> Rendering:
        from specloom.backends.rust_actixweb.context import rust_actixweb
        from specloom.templates.packs import PackError

        api = build_api_model(spec, operations, lambda op: self.template_gap(spec, op))
        if not api.resources:
            why = "; ".join(api.gaps) or "it has no operations"
            raise PackError(f"there is no CRUD resource to implement: {why}")
        context, resources = rust_actixweb(pack, spec, api, variables, extensions, self.package(spec, variables))
        return Rendering(context, resources, api)

    def format_commands(self) -> list[list[str]]:
        return [["cargo", "fmt", "--all"]]  # rustfmt: what the style gate's `cargo fmt --check` checks

    def filters(self) -> dict:
        from specloom.backends.rust_actixweb.lang import cargo_version, rust_comment, rust_raw, rust_string

        return {"rsstr": rust_string, "rsraw": rust_raw, "rscomment": rust_comment, "cargoversion": cargo_version}

    def extension_files(self, package: str) -> list[tuple[str, str]]:
        return [("src/extensions.rs", "source")]

    def extension_prompt(self, module: str, coverage_threshold: float) -> str:
        return (
            f"`{module}` is the module `extensions` of the crate (declared in src/main.rs) and defines "
            "`pub fn configure(app: &actix_web::web::Data<crate::engine::App>, config: &mut "
            "actix_web::web::ServiceConfig)`, registering one actix-web route per operation; the service calls it "
            "before its own routes. Answer errors with `crate::engine::error(&app.api, status, code, message)` (the "
            "spec's error shape); a secured operation answers 401 where `crate::engine::authorized(app, &req)` is "
            "false. `app.stores[i]` holds resource i's items (in src/api.json's order) as JSON, `crate::models` has "
            "their types. Put its tests in a `#[cfg(test)] mod tests` of the same file using "
            f"`actix_web::test`, keeping line coverage at {coverage_threshold:g}%. Format as rustfmt does. "
            "Do not rewrite any file of the pack."
        )

    def run_commands(self, spec, variables: dict) -> dict:
        return {
            "test": "cargo test --offline --locked",
            "serve": "cargo run --offline --locked",
            "credentials_env": [token_env(self.package(spec, variables))],
        }


_CURSORS = ("cursor", "after", "pageToken", "page_token", "starting_after", "nextToken")


def _unheld(spec, builder, schema, seen: set, where: str = "a body") -> str | None:
    """Why a schema (a request or answer body, or one of its fields) is beyond src/engine.rs's rules."""
    if not isinstance(schema, dict):
        return None
    name = _ref_name(schema)
    if name:
        if name in seen:
            return f"schema {name} refers to itself, which rust-actixweb 1.0.0 does not implement"
        seen = seen | {name}
    resolved = spec.deref(schema)
    if not isinstance(resolved, dict):
        return None
    for key in _NOT_HELD:
        if key in resolved:
            return f"{f'schema {name}' if name else where} uses `{key}`, which rust-actixweb 1.0.0 does not implement"
    pattern = resolved.get("pattern")
    if pattern is not None and (not isinstance(pattern, str) or _NOT_RUST_RE.search(pattern)):
        return f"the pattern {pattern!r} uses lookaround or backreferences, which Rust's regex cannot compile"
    for key in ("minimum", "maximum", "default"):
        value = resolved.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            return f"an integer whose {key} exceeds 64 bits"
    props, _, merged = builder.flatten(schema) if "allOf" in resolved or "properties" in resolved else ({}, 0, {})
    for prop_name, prop in props.items():
        why = _unheld(spec, builder, prop, seen, f"field `{prop_name}` of {f'schema {name}' if name else where}")
        if why:
            return why
    for key in ("items", "additionalProperties"):
        why = _unheld(spec, builder, resolved.get(key), seen, f"the {key} of {where}")
        if why:
            return why
    return None


def token_env(package: str) -> str:
    return f"{package.upper()}_API_TOKENS"


BACKEND = RustActixWeb()
