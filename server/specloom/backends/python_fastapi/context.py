"""The python-fastapi render context: what the pack's templates see when they render a spec."""

from __future__ import annotations

from specloom.backends.python_fastapi.lang import class_names
from specloom.core.apimodel import ApiModel, _types, build_api_model
from specloom.templates.packs import Pack, validate_variables

BEHAVIOUR = {
    "list": "lists stored items (declared filters, limit/offset)",
    "create": "validates and stores a new item",
    "read": "returns the item, 404 when unknown",
    "replace": "replaces the item, 404 when unknown",
    "update": "changes the given fields, 404 when unknown",
    "delete": "removes the item (204), 404 when unknown",
}


def python_fastapi(
    pack: Pack,
    spec,
    operation_ids: list[str] | None,
    variables: dict[str, object],
    extensions: bool,
    gap,
    package_of,
) -> tuple[dict, list, ApiModel]:
    """`extensions`: an AI provider writes `<package>/routes/extensions.py` for what the templates leave."""
    from specloom.backends.python_fastapi.view import FastAPIView

    values = validate_variables(pack, variables)
    api = build_api_model(spec, operation_ids, gap)
    api.rename(class_names(list(api.models)))
    view = FastAPIView(api, spec.deref)
    package = package_of(spec, values)
    scheme = api.security[0] if api.security else None
    api.gaps += convention_gaps(spec, api) + unapplied_query_gaps(view)
    error_code_is_int = False
    if api.error_model:
        code_field = next((f for f in api.models[api.error_model].fields if f.name == api.error_code_field), None)
        error_code_is_int = code_field is not None and "integer" in _types(spec.deref(code_field.schema))
        if api.error_code_field is None:
            code_int = next(
                (
                    f
                    for f in api.models[api.error_model].fields
                    if "integer" in _types(spec.deref(f.schema)) and f.name in ("code", "status")
                ),
                None,
            )
            if code_int:
                api.error_code_field, error_code_is_int = code_int.name, True
    token_env = f"{package.upper()}_API_TOKENS"

    # Where a request carries the credential: the scheme's header, query parameter or cookie.
    location = scheme.location if scheme is not None and scheme.kind == "apiKey" else "header"
    name = scheme.param_name if scheme is not None and scheme.kind == "apiKey" else "Authorization"
    prefix = {"bearer": "Bearer ", "basic": "Basic "}.get(scheme.kind, "") if scheme else ""

    def credential(token: str) -> str:
        """A dict display carrying `token` (a Python expression) the way the scheme wants it."""
        value = f"{prefix!r} + {token}" if prefix else token
        return "{" + repr(name) + ": " + value + "}"

    def auth_client(token: str) -> str:
        """TestClient(...) keyword arguments that send `token` on every request (a query parameter cannot)."""
        keyword = {"header": "headers", "cookie": "cookies"}.get(location)
        return f", {keyword}={credential(token)}" if keyword else ""

    def auth_request(token: str) -> str:
        """client.request(...) keyword arguments that send `token` where the client cannot."""
        return f"params={credential(token)}," if location == "query" else ""

    context = {
        "api": api,
        "view": view,
        "package": package,
        "pack": pack,
        "types": view.types,
        "python_requires": values.get("python_requires", ">=3.11"),
        "token_env": token_env,
        "secured": api.secured,
        "auth_scheme": scheme,
        "auth_location": location,
        "auth_name": name,
        "auth_client": auth_client,
        "auth_request": auth_request,
        "challenge": {"bearer": "Bearer", "basic": 'Basic realm="api"'}.get(scheme.kind, "ApiKey") if scheme else "",
        "error_body": (body := _error_body(api, spec.deref, view.samples, error_code_is_int)),
        "error_fields": [name for name, _ in body] if api.error_model else ["detail"],
        "behaviour": BEHAVIOUR,
        "date_types": _date_types(api, spec.deref),
        "extensions": extensions,
        "style": _style_rules(),
    }
    return context, view.resources, api


_MESSAGE_FIELDS = ("message", "detail", "title", "error", "description", "msg", "error_description")
_STATUS_FIELDS = ("status", "code", "statusCode", "status_code")


def _error_body(api: ApiModel, deref, samples, code_is_int: bool) -> list[tuple[str, str]]:
    """The spec's error body as (field, Python expression over `status`, `code`, `message`): every field it
    requires gets a value, so no error answer breaks the schema, and no name is written unless it is a field."""
    if not api.error_model:
        return [("detail", "message"), ("status", "status"), ("code", "code")]
    body = []
    for f in api.models[api.error_model].fields:
        types = _types(deref(f.schema))
        if f.name == api.error_code_field:
            expr = "status" if code_is_int else "code"
        elif f.name == api.error_message_field or (f.name in _MESSAGE_FIELDS and "string" in types):
            expr = "message"
        elif f.name in _STATUS_FIELDS and "integer" in types:
            expr = "status"
        elif f.required:
            expr = repr(samples.value(f.schema))
        else:
            continue
        body.append((f.name, expr))
    return body


def _style_rules() -> dict:
    from specloom.backends.languages.python import TEST_GLOBS
    from specloom.gates.base import GateConfig

    gate = GateConfig()
    return {
        "line_length": gate.line_length,
        "rules": gate.ruff_rules,
        "test_globs": TEST_GLOBS,
        "test_ignores": gate.ruff_test_ignores,
    }


def _date_types(api: ApiModel, deref) -> list[str]:
    """The helper types models.py defines to read JSON strictly (dates, numbers, booleans)."""
    formats = {deref(f.schema).get("format") for m in api.models.values() for f in m.fields}
    types = {t for m in api.models.values() for f in m.fields for t in _types(deref(f.schema))}
    found = [name for fmt, name in (("date", "IsoDate"), ("date-time", "IsoDateTime")) if fmt in formats]
    found += [
        name
        for kind, name in (("integer", "JsonInt"), ("number", "JsonNumber"), ("boolean", "JsonBool"))
        if kind in types
    ]
    return found


def convention_gaps(spec, api: ApiModel) -> list[str]:
    """What a pack built on these CRUD conventions leaves out of what it renders: security schemes beyond the
    first, and the media types beside JSON of its operations."""
    from specloom.backends.python_fastapi import other_media

    gaps = []
    if len(api.security) > 1:
        gaps.append(
            f"only the first security scheme ({api.security[0].name}) is enforced; "
            f"{', '.join(s.name for s in api.security[1:])} are not"
        )
    rendered = {o.operation_id for r in api.resources for o in r.ops}
    for op in spec.operations:
        other = other_media(op) if op.operation_id in rendered else []
        if other:
            gaps.append(f"{op.operation_id}: only its JSON representation is implemented, not {', '.join(other)}")
    return gaps


def unapplied_query_gaps(view) -> list[str]:
    """The list parameters a `FastAPIView` found no meaning for (no paging, filter or sort)."""
    return [
        f"{route.op.operation_id}: query parameter `{q.name}` matches no item field, so it is not applied"
        for rv in view.resources
        for route in rv.routes
        for q in route.query_params
        if route.op.kind == "list" and not q.paging and not q.filter_field and not q.compare
    ]
