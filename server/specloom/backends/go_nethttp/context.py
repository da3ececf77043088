"""The go-nethttp render context: what the pack's templates see when they render a spec."""

from __future__ import annotations

from specloom.backends.go_nethttp.lang import go_json
from specloom.backends.python_fastapi.context import convention_gaps
from specloom.core.apimodel import ApiModel, _types
from specloom.templates.packs import Pack, PackError, validate_variables

_MESSAGE_FIELDS = ("message", "detail", "title", "error", "description", "msg", "error_description")
_STATUS_FIELDS = ("status", "code", "statusCode", "status_code")


def go_nethttp(pack: Pack, spec, api: ApiModel, variables: dict, extensions: bool, module: str) -> tuple[dict, list]:
    from specloom.backends.go_nethttp import token_env
    from specloom.backends.go_nethttp.view import GoView

    values = validate_variables(pack, variables)
    try:
        view = GoView(api, spec.deref, module)
    except ValueError as exc:  # a combination the capability check could not see from one operation
        raise PackError(f"go-nethttp cannot render this selection: {exc}") from exc
    api.gaps.extend(view.gaps)
    scheme = api.security[0] if api.security else None
    api.gaps += convention_gaps(spec, api)
    body = error_body(api, spec.deref, view.samples, lambda value: f"json.RawMessage({go_json(value)})")
    context = {
        "api": api,
        "view": view,
        "module": module,
        "go_version": values.get("go_version") or "1.22",
        "package": module,
        "pack": pack,
        "secured": api.secured,
        "scheme": scheme,
        "token_env": token_env(module),
        "error_body": body,
        "error_fields": go_json([name for name, _ in body]),
        "extensions": extensions,
        "uses": view.uses,
    }
    return context, view.resources


def error_body(api: ApiModel, deref, samples, literal) -> list[tuple[str, str]]:
    """The spec's error body as (field, expression over `status`, `code`, `message`), `literal(value)` giving the
    language's expression for a constant: every field it requires gets a value, so no error answer breaks the
    schema (python-fastapi's choice of fields). go-nethttp's and java-springboot's."""
    if not api.error_model:
        return [("detail", "message"), ("status", "status"), ("code", "code")]
    body = []
    model = api.models[api.error_model]
    code_field = next((f for f in model.fields if f.name == api.error_code_field), None)
    code_is_int = code_field is not None and "integer" in _types(deref(code_field.schema))
    for f in model.fields:
        types = _types(deref(f.schema))
        if f.name == api.error_code_field:
            expr = "status" if code_is_int else "code"
        elif f.name == api.error_message_field or (f.name in _MESSAGE_FIELDS and "string" in types):
            expr = "message"
        elif f.name in _STATUS_FIELDS and "integer" in types:
            expr = "status"
        elif f.required:
            expr = literal(samples.value(f.schema))
        else:
            continue
        body.append((f.name, expr))
    return body
