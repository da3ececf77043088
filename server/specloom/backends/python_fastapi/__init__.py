"""The python-fastapi backend: everything Specloom knows about rendering a FastAPI service from OpenAPI."""

from __future__ import annotations

from specloom.backends.base import Rendering
from specloom.core.apimodel import crud_gap

_CRUD_METHODS = {"get", "post", "put", "patch", "delete"}


class PythonFastAPI:
    name = "python-fastapi"
    language = "python"
    framework = "fastapi"
    formatter = "ruff"

    def template_gap(self, spec, op) -> str | None:
        if op.method not in _CRUD_METHODS:
            return f"{op.method.upper()} has no CRUD meaning"
        gap = crud_gap(op)
        if gap:
            return gap
        media = set()
        if op.request_body and isinstance(op.request_body.get("content"), dict):
            media |= set(op.request_body["content"])
        for response in op.responses.values():
            if isinstance(response, dict) and isinstance(response.get("content"), dict):
                media |= set(response["content"])
        odd = sorted(m for m in media if m != "application/json" and not m.endswith("+json"))
        if odd:
            return f"media type {', '.join(odd)} is not JSON"
        return None

    def render_context(self, pack, spec, operations, variables, extensions) -> Rendering:
        from specloom.backends.python_fastapi.context import python_fastapi
        from specloom.templates.packs import PackError

        context, resources, api = python_fastapi(
            pack, spec, operations, variables, extensions, lambda op: self.template_gap(spec, op)
        )
        if not resources:
            raise PackError("there is no CRUD resource to implement: " + "; ".join(api.gaps))
        return Rendering(context, resources, api)

    def filters(self) -> dict:
        from specloom.backends.python_fastapi.filters import FILTERS

        return FILTERS

    def extension_files(self, package: str) -> list[tuple[str, str]]:
        return [(f"{package}/routes/extensions.py", "source"), ("tests/test_extensions.py", "test")]

    def extension_prompt(self, module: str, coverage_threshold: float) -> str:
        return (
            f"`{module}` defines `router = APIRouter()` with one route per operation (path, method and "
            "operation_id as in the specification); the app already includes that router first. Reuse the "
            "generated modules: models, storage through `request.app.state.repositories`, the error helpers and "
            "the same authentication dependency the generated routes use. The tests use the `client` and "
            f"`anonymous` fixtures of tests/conftest.py and must bring the whole project to {coverage_threshold:g}% "
            "line coverage. Do not rewrite any file of the pack."
        )


BACKEND = PythonFastAPI()
