"""The typescript-fastify backend: a Fastify service in TypeScript that implements an OpenAPI spec's CRUD."""

from __future__ import annotations

import re

from specloom.backends.base import Rendering
from specloom.backends.python_fastapi import BACKEND as PYTHON_FASTAPI
from specloom.core.apimodel import PAGING, _crud_shape
from specloom.core.naming import snake


class TypeScriptFastify:
    name = "typescript-fastify"
    language = "typescript"
    framework = "fastify"

    def template_gap(self, spec, op) -> str | None:
        # The same CRUD the python-fastapi pack implements, less what this 1.0.0 does not.
        gap = PYTHON_FASTAPI.template_gap(spec, op)
        if gap:
            return gap
        kind = _crud_shape(op)[0]
        if kind == "list" and any(p.location == "query" and p.name in PAGING["cursor"] for p in op.parameters):
            return "cursor pages are not implemented by typescript-fastify 1.0.0 (offset and page numbers are)"
        return None

    def package(self, spec, variables: dict) -> str:
        given = variables.get("package")
        return str(given) if given else re.sub(r"^[^a-z]+", "", snake(spec.title or "api")) or "api"

    def render_context(self, pack, spec, operations, variables, extensions) -> Rendering:
        from specloom.backends.typescript_fastify.context import typescript_fastify
        from specloom.templates.packs import PackError

        context, resources, api = typescript_fastify(
            pack, spec, operations, variables, extensions, lambda op: self.template_gap(spec, op), self.package
        )
        if not resources:
            why = "; ".join(api.gaps) or "it has no operations"
            raise PackError(f"there is no CRUD resource to implement: {why}")
        return Rendering(context, resources, api)

    def format_commands(self) -> list[list[str]]:
        return prettier_commands()  # the toolchain's prettier, found when a render runs

    def filters(self) -> dict:
        from specloom.backends.typescript_fastify.filters import FILTERS

        return FILTERS

    def extension_files(self, package: str) -> list[tuple[str, str]]:
        return [("src/routes/extensions.ts", "source"), ("tests/extensions.test.ts", "test")]

    def extension_prompt(self, module: str, coverage_threshold: float) -> str:
        return (
            f"`{module}` exports `function extensionRoutes(app: FastifyInstance, repos: Repositories, "
            "auth: onRequestHookHandler): void` registering one route per operation (path, method as in the "
            "specification, a JSON Schema for params, querystring and body so Fastify validates them); the app "
            "calls it before the generated routes. Reuse the generated modules: src/models.ts types, the "
            "repositories, `ApiError`/`notFound` from src/errors.ts and `auth` as the `onRequest` of every secured "
            "route. Tests use Vitest and `app.inject` like tests/*.test.ts and must bring the whole project to "
            f"{coverage_threshold:g}% line coverage. Do not rewrite any file of the pack."
        )

    def run_commands(self, spec, variables: dict) -> dict:
        package = self.package(spec, variables)
        secured = any(isinstance(r, dict) and r for op in spec.operations for r in op.security or [])
        return {
            "test": "npm test",
            "serve": "npm run build && npm start",
            "credentials_env": [f"{package.upper()}_API_TOKENS"] if secured else [],
        }


TOOLCHAIN = "typescript-fastify@1.0.0"  # the pack's prepared toolchain folder, under toolchains_root()


def prettier_commands() -> list[list[str]]:
    """The formatter: the toolchain's prettier over the TypeScript files, with the defaults the style gate checks."""
    from specloom.backends.languages.typescript import GATES, prettier_args
    from specloom.templates.packs import PackError
    from specloom.toolchains import toolchains_root

    tools = toolchains_root() / TOOLCHAIN
    problem = GATES.tool_problem(tools)
    if problem:
        raise PackError(f"the prettier formatter cannot run: {problem}")
    return [prettier_args(tools, ["--write", "--log-level=warn", "**/*.ts"])]


BACKEND = TypeScriptFastify()
