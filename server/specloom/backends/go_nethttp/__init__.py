"""The go-nethttp backend: a standard-library `net/http` service (Go 1.22 method/path patterns) from OpenAPI."""

from __future__ import annotations

import re

from specloom.backends.base import Rendering
from specloom.core.apimodel import _Builder, _json_schema, _ref_name, _types, build_api_model
from specloom.core.naming import snake

_SUPPORTED_SECURITY = ("bearer", "basic", "apiKey")


class GoNetHTTP:
    name = "go-nethttp"
    language = "go"
    framework = "nethttp"

    def template_gap(self, spec, op) -> str | None:
        from specloom.backends.go_nethttp.lang import field_kind
        from specloom.backends.python_fastapi import BACKEND as crud_rules

        # The CRUD conventions (what is an item, a list, a create) are python-fastapi's, so both packs
        # implement the same operations of a spec; then what Go's field types cannot hold.
        gap = crud_rules.template_gap(spec, op)
        if gap:
            return gap
        builder = _Builder(spec)
        schemas = [_json_schema((op.request_body or {}).get("content"))]
        pages = []  # page objects: their one array of items is the list, the rest must be plain fields
        for code, response in sorted(op.responses.items()):
            if code.startswith("2") and isinstance(response, dict):
                answer = _json_schema(response.get("content"))
                if isinstance(answer, dict) and not _ref_name(answer):
                    schemas.append(spec.deref(answer).get("items"))
                elif isinstance(answer, dict):
                    props, _, merged = builder.flatten(answer)
                    if "array" in _types(merged):
                        schemas.append(merged.get("items"))
                    elif op.method == "get" and not op.path.endswith("}"):
                        pages.append(answer)
                        schemas += [
                            spec.deref(p).get("items") for p in props.values() if "array" in _types(spec.deref(p))
                        ]
                    else:
                        schemas.append(answer)
        for schema in schemas + pages:
            name = _ref_name(schema)
            if not name:
                continue
            props, _, merged = builder.flatten(schema)
            for prop, prop_schema in props.items():
                if schema in pages and "array" in _types(spec.deref(prop_schema)):
                    continue
                kind, why = field_kind(prop_schema, spec.deref)
                if kind is None:
                    return f"field `{prop}` of schema {name} is {why}, which go-nethttp 1.0.0 does not implement"
        if re.search(r"[^/]\{|\}[^/]|\s", op.path):
            return f"path {op.path} has a parameter inside a segment, which Go's ServeMux patterns cannot match"
        for requirement in op.security or []:
            for scheme_name in requirement if isinstance(requirement, dict) else []:
                scheme = spec.deref(
                    ((spec.data.get("components") or {}).get("securitySchemes") or {}).get(scheme_name) or {}
                )
                kind = scheme.get("type")
                if kind == "http" and str(scheme.get("scheme", "")).lower() not in ("bearer", "basic"):
                    return f"security scheme {scheme_name} (http {scheme.get('scheme')}) is not implemented"
        return None

    def package(self, spec, variables: dict) -> str:
        return str(variables.get("module") or title_package(spec))

    def render_context(self, pack, spec, operations, variables, extensions) -> Rendering:
        from specloom.backends.go_nethttp.context import go_nethttp
        from specloom.templates.packs import PackError

        api = build_api_model(spec, operations, lambda op: self.template_gap(spec, op))
        if not api.resources:
            why = "; ".join(api.gaps) or "it has no operations"
            raise PackError(f"there is no CRUD resource to implement: {why}")
        context, resources = go_nethttp(pack, spec, api, variables, extensions, self.package(spec, variables))
        return Rendering(context, resources, api)

    def format_commands(self) -> list[list[str]]:
        return [["gofmt", "-w", "."]]  # the Go toolchain's own: what the style gate's `gofmt -l` checks

    def filters(self) -> dict:
        from specloom.backends.go_nethttp.lang import exported, go_comment, go_imports, go_json, go_string

        return {
            "gostr": go_string,
            "gojson": go_json,
            "goimports": go_imports,
            "gocomment": go_comment,
            "goname": exported,
        }

    def extension_files(self, package: str) -> list[tuple[str, str]]:
        return [("api/extensions.go", "source"), ("api/extensions_test.go", "test")]

    def extension_prompt(self, module: str, coverage_threshold: float) -> str:
        return (
            f"`{module}` is in package `api` and defines `func (s *Server) registerExtensions(mux *http.ServeMux)`, "
            'registering one handler per operation with Go 1.22 patterns ("POST /path/{id}"); the server calls it '
            "before its own routes. Reuse the generated helpers: `s.store` for storage, `writeJSON`, `writeError` "
            "(the spec's error shape) and `s.authorized(r)` where the operation is secured. Tests are `_test.go` "
            f"files of package `api` using net/http/httptest and must keep `go test -coverpkg=./... ./...` at "
            f"{coverage_threshold:g}% line coverage. Do not rewrite any file of the pack."
        )

    def run_commands(self, spec, variables: dict) -> dict:
        return {
            "test": "go test -coverpkg=./... -cover ./...",
            "serve": "go run ./cmd/server",
            "credentials_env": [token_env(self.package(spec, variables))],
        }


def title_package(spec) -> str:
    """A lower-case identifier from the spec's title (letters and digits only, never starting with a digit):
    the default Go module and Java package."""
    name = re.sub(r"[^a-z0-9]+", "", snake(spec.title or "api").lower()) or "api"
    return name if not name[0].isdigit() else "api" + name


def token_env(package: str) -> str:
    return f"{package.upper()}_API_TOKENS"


BACKEND = GoNetHTTP()
