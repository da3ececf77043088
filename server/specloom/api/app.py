"""The HTTP API (FastAPI): the seed's three endpoints over the same generation service as the CLI.

Every call carries a bearer token (claims -> Principal) and needs one permission from the policy.
Errors are values until `error_response`, the one place a result's error becomes an HTTP status.
"""

# No `from __future__ import annotations`: FastAPI reads the dependencies of nested functions from real types.

import asyncio
import hashlib
import os
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.exceptions import HTTPException as StarletteHTTPException

from specloom import __version__, logs
from specloom.api import security
from specloom.api.auth import Forbidden, Policy, Principal, TokenVerifier, Unauthorized
from specloom.api.jobs import RETRY_AFTER_SECONDS, LocalQueue, QueueFull, RedisQueue, Runtime
from specloom.core.errors import (
    AllProvidersFailed,
    ConfigError,
    InvalidSpecification,
    QualityGateFailed,
    SecurityViolation,
    TemplateNotFound,
    TenantMismatch,
)
from specloom.core.model import GenerationRequest, GenerationResult, SpecificationInput

PREFIX = "/api/v1"
PROVIDERS_RETRY_AFTER_SECONDS = 30
_ENVELOPE_BYTES = 65_536  # the JSON around the spec: a body may exceed max_spec_bytes by this much


class ErrorBody(BaseModel):
    error: str = Field(description="a stable code: invalid_specification, template_not_found, tenant_mismatch, ...")
    message: str
    suggestion: str | None = None
    generation_id: str | None = None
    available_templates: list[str] | None = None
    retry_after: int | None = Field(None, description="seconds to wait before retrying")
    findings: list[dict[str, Any]] | None = None
    gate: str | None = None


class Accepted(BaseModel):
    id: uuid.UUID
    status: Literal["queued", "running"]
    location: str


class ValidateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    specification: SpecificationInput


class Position(BaseModel):
    line: int = Field(ge=0, description="0-based")
    character: int = Field(ge=0, description="0-based, in Unicode code points")


class Span(BaseModel):
    start: Position
    end: Position


class SpecFinding(BaseModel):
    code: str
    severity: Literal["error", "warning", "information", "hint"]
    message: str
    range: Span
    suggestion: str | None = None
    pointer: str | None = None


class ValidateResponse(BaseModel):
    valid: bool
    spec_type: str
    findings: list[SpecFinding]


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class ApiError(Exception):
    def __init__(self, status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> None:
        super().__init__(body.message)
        self.status, self.body, self.headers = status, body, headers or {}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {
        400: "the request or its specification is invalid",
        401: "no valid bearer token",
        403: "the token's tenant or permissions do not allow this",
        404: "no such generation for this tenant, or no template for the preferences",
        413: "the specification is larger than [api] max_spec_bytes",
        422: "a quality gate failed on the generated code",
        429: "the generation queue is full (see Retry-After)",
        500: "the generation failed",
        503: "no AI provider is available (see retry_after)",
    }
    out: dict[int | str, dict[str, Any]] = {s: {"model": ErrorBody, "description": described[s]} for s in statuses}
    for status in (429, 503):
        if status in out:
            out[status]["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
    return out


def error_response(error: dict, generation_id: str | None) -> ApiError:
    """A generation's typed error (SpecloomError.to_json()) as its HTTP answer: the one mapping."""
    code, details = error.get("code"), error.get("details") or {}
    body = {"message": error.get("message", ""), "suggestion": error.get("suggestion"), "generation_id": generation_id}
    if code in (InvalidSpecification.code, SecurityViolation.code):
        findings = [_public_finding(f) for f in details.get("findings", [])]
        return ApiError(400, ErrorBody(error="invalid_specification", findings=findings or None, **body))
    if code == TemplateNotFound.code:
        return ApiError(
            404, ErrorBody(error="template_not_found", available_templates=details.get("available", []), **body)
        )
    if code == QualityGateFailed.code:
        return ApiError(422, ErrorBody(error="quality_gate_failed", gate=details.get("gate"), **body))
    if code == AllProvidersFailed.code:
        retry = PROVIDERS_RETRY_AFTER_SECONDS
        return ApiError(
            503,
            ErrorBody(error="providers_unavailable", retry_after=retry, **body),
            {"Retry-After": str(retry)},
        )
    message = "The generation failed." + (f" Its id is {generation_id}." if generation_id else "")
    return ApiError(
        500,
        ErrorBody(
            error="generation_failed",
            message=message,
            suggestion="Retry; if it fails again, report the id.",
            generation_id=generation_id,
        ),
    )


def _public_finding(f: dict) -> dict:
    return {k: f.get(k) for k in ("code", "severity", "message", "range", "suggestion", "pointer") if k in f}


class _BodyLimit:
    """413 for a body past the bound, before any of it is parsed (pure ASGI: cheap on every request)."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await _too_large(send, self.limit)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send, limit: int) -> None:
    body = ErrorBody(
        error="specification_too_large",
        message=f"The request body is larger than {limit:,} bytes.",
        suggestion="Send a smaller specification, or raise [api] max_spec_bytes.",
    ).model_dump_json(exclude_none=True)
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body.encode()})


async def start_queue(config, root: Path) -> tuple[Runtime, LocalQueue | RedisQueue]:
    """The result store and the queue the API hands generations to (Redis must answer now, not later)."""
    api = config.api
    runtime = Runtime.open(config, root)
    if api.queue == "redis":
        try:
            return runtime, await RedisQueue.connect(runtime, api.redis_url, api.max_queue)
        except (OSError, RedisConnectionError) as exc:
            await runtime.aclose()
            raise ConfigError(
                str(root / "specloom.toml"),
                "api.redis_url",
                f"no Redis answers at {api.redis_url} ({exc})",
                'Start redis-server there, or set queue = "local" under [api] to run generations in-process.',
            ) from None
    interrupted = runtime.results.fail_interrupted(_interrupted_result)
    if interrupted:
        logs.event("jobs_interrupted", level="warning", count=interrupted)
    return runtime, LocalQueue(runtime, api.workers or os.cpu_count() or 1, api.max_queue)


def create_app(
    config, root: Path, env: Mapping[str, str] = os.environ, started: tuple[Runtime, Any] | None = None
) -> FastAPI:
    """The API for the workspace at `root`; a missing key, issuer or policy is a ConfigError now, not later.
    `started` is the result store and queue when the caller opened them already (`serve`)."""
    api = config.api
    verifier = TokenVerifier(api, root, env)
    policy = Policy.load(root / api.policy_file)
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime, queue = started or await start_queue(config, root)
        state.update(runtime=runtime, queue=queue)
        logs.event("api_started", host=api.host, queue=api.queue, max_queue=api.max_queue)
        try:
            yield
        finally:
            await queue.aclose()
            await runtime.aclose()

    app = FastAPI(
        title="Specloom API",
        version=__version__,
        description="Spec-driven code generation with quality gates: generate, read back and validate.",
        lifespan=lifespan,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    bearer = HTTPBearer(auto_error=False, description="a JWT of the configured issuer and audience")

    async def principal(
        request: Request,
        # Read by the verifier from the header; declared so that the OpenAPI document names the scheme.
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        try:
            who = verifier.verify(request.headers.get("authorization"))
        except Unauthorized as exc:
            logs.event("unauthorized", level="warning", path=request.url.path, reason=exc.reason)
            raise ApiError(
                401,
                ErrorBody(
                    error="unauthorized",
                    message="A valid bearer token is required.",
                    suggestion="Send `Authorization: Bearer <JWT>`: the configured issuer and audience, unexpired.",
                ),
                {"WWW-Authenticate": "Bearer"},
            ) from None
        request.state.principal = who
        return who

    def allowed(permission: str, kind: str):
        async def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
            if not policy.allows(who, permission):
                _audit_refusal(who, "policy", f"the token does not grant {permission}", kind)
                raise ApiError(
                    403,
                    ErrorBody(
                        error="forbidden",
                        message=str(Forbidden(permission)),
                        suggestion=f"Ask for a role the policy grants `{permission}`.",
                    ),
                )
            return who

        return check

    def _audit_refusal(who: Principal, check: str, reason: str, kind: str) -> None:
        from specloom.audit import open_store

        with open_store(config, root=root, tenant=who.tenant) as store:
            security.audit_refusal(store, str(uuid.uuid4()), who.tenant, who.user, check, reason, kind=kind)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body.model_dump(mode="json", exclude_none=True), exc.status, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug or an outage (Redis gone): logged with its cause, answered without it.
        logs.event("unexpected_error", level="error", path=request.url.path, error=f"{type(exc).__name__}: {exc}")
        body = ErrorBody(
            error="generation_failed", message="The request failed.", suggestion="Retry; if it fails again, report it."
        )
        return JSONResponse(body.model_dump(exclude_none=True), 500)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI's own refusals (a body that is not JSON, an unknown path or method) in the same shape as ours.
        codes = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed"}
        body = ErrorBody(
            error=codes.get(exc.status_code, "http_error"),
            message=str(exc.detail),
            suggestion="See the API's OpenAPI document: GET /api/v1/openapi.json.",
        )
        return JSONResponse(body.model_dump(exclude_none=True), exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"code": "invalid_request", "severity": "error", "message": f"{'.'.join(map(str, e['loc']))}: {e['msg']}"}
            for e in exc.errors()[:20]
        ]
        body = ErrorBody(
            error="invalid_request",
            message=problems[0]["message"] if problems else "The request is not valid.",
            suggestion="Send a body in the shape of the API's OpenAPI document (GET /api/v1/openapi.json).",
            findings=problems,
        )
        return JSONResponse(body.model_dump(mode="json", exclude_none=True), 400)

    @app.get(f"{PREFIX}/health", operation_id="health", summary="Whether the API is up", tags=["meta"])
    async def health() -> Health:
        return Health(status="ok", version=__version__)

    @app.post(
        f"{PREFIX}/generate",
        operation_id="generate",
        summary="Generate, gate and return code for a specification",
        tags=["generation"],
        response_model=GenerationResult,
        responses={
            202: {
                "model": Accepted,
                "description": "queued (Prefer: respond-async); poll Location",
                "headers": {"Location": {"schema": {"type": "string"}, "description": "where to poll"}},
            },
            **_errors(400, 401, 403, 404, 413, 422, 429, 500, 503),
        },
    )
    async def generate(
        body: GenerationRequest,
        who: Annotated[Principal, Depends(allowed("code:generate", "generate"))],
        prefer: Annotated[str | None, Header(description="`respond-async` to answer 202 at once")] = None,
    ):
        if body.tenant_id != who.tenant:
            _audit_refusal(who, "tenant", str(TenantMismatch(who.tenant, body.tenant_id)), "generate")
            raise ApiError(
                403,
                ErrorBody(
                    error="tenant_mismatch",
                    message=TenantMismatch(who.tenant, body.tenant_id).message,
                    suggestion=TenantMismatch.default_suggestion,
                ),
            )
        spec_text = getattr(body.specification, "spec", None) or getattr(body.specification, "schema_", None) or ""
        if len(spec_text.encode()) > api.max_spec_bytes:
            raise ApiError(
                413,
                ErrorBody(
                    error="specification_too_large",
                    message=f"The specification is larger than {api.max_spec_bytes:,} bytes.",
                    suggestion="Send a smaller specification, or raise [api] max_spec_bytes.",
                ),
            )
        runtime, queue = state["runtime"], state["queue"]
        job_id = str(uuid.uuid4())
        runtime.results.create(job_id, who.tenant, who.user, body.model_dump(mode="json", by_alias=True))
        try:
            await queue.submit(job_id)
        except QueueFull as exc:
            runtime.results.discard(job_id)
            logs.event("queue_full", level="warning", tenant_id=who.tenant, user_id=who.user, bound=exc.bound)
            raise ApiError(
                429,
                ErrorBody(
                    error="queue_full",
                    message=str(exc),
                    suggestion=f"Retry in {RETRY_AFTER_SECONDS} s.",
                    retry_after=RETRY_AFTER_SECONDS,
                ),
                {"Retry-After": str(RETRY_AFTER_SECONDS)},
            ) from None
        location = f"{PREFIX}/generation/{job_id}"
        if prefer and "respond-async" in prefer.lower():
            return JSONResponse(
                Accepted(id=uuid.UUID(job_id), status="queued", location=location).model_dump(mode="json"),
                202,
                headers={"Location": location, "Preference-Applied": "respond-async"},
            )
        await queue.wait(job_id)
        job = runtime.results.get(who.tenant, job_id)
        result = GenerationResult.model_validate(job.result)
        if result.error is not None:
            raise error_response(result.error, job_id)
        return JSONResponse(result.model_dump(mode="json", exclude_none=True), 200, headers={"Location": location})

    @app.get(
        f"{PREFIX}/generation/{{generation_id}}",
        operation_id="getGeneration",
        summary="A generation of the caller's tenant: its result, or 202 while it runs",
        tags=["generation"],
        response_model=GenerationResult,
        responses={202: {"model": Accepted, "description": "still queued or running"}, **_errors(401, 403, 404)},
    )
    async def get_generation(generation_id: str, who: Annotated[Principal, Depends(allowed("code:read", "read"))]):
        stored = state["runtime"].results.stored(who.tenant, generation_id)
        if stored is None:  # another tenant's id looks exactly like an unknown one
            raise ApiError(
                404,
                ErrorBody(
                    error="generation_not_found",
                    message=f"No generation {generation_id} for your tenant.",
                    suggestion="Use the id a POST /api/v1/generate answered to your tenant.",
                ),
            )
        status, _attempts, result = stored
        if result is None:
            location = f"{PREFIX}/generation/{generation_id}"
            pending = Accepted(id=uuid.UUID(generation_id), status=status, location=location)
            return JSONResponse(pending.model_dump(mode="json"), 202, headers={"Retry-After": "1"})
        return Response(result, media_type="application/json")  # validated when it was stored

    @app.post(
        f"{PREFIX}/generate/validate",
        operation_id="validate",
        summary="The findings of a specification, with ranges, without generating",
        tags=["validation"],
        responses=_errors(400, 401, 403, 413),
    )
    async def validate(
        body: ValidateRequest, who: Annotated[Principal, Depends(allowed("spec:validate", "validate"))]
    ) -> ValidateResponse:
        # Parsing takes milliseconds: inline on the loop costs less than a hop to the thread pool.
        return _validate(body.specification, config, root, api.max_spec_bytes)

    app.add_middleware(_BodyLimit, limit=api.max_spec_bytes + _ENVELOPE_BYTES)
    app.add_middleware(_RequestLog)
    return app


class _RequestLog:
    """One event per request: method, path, status, duration and the caller (pure ASGI)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status = time.perf_counter(), {}

        async def sending(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            who = getattr((scope.get("state") or {}).get("principal"), "tenant", None)
            logs.event(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status.get("code"),
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                tenant_id=who,
            )


def _interrupted_result(job) -> dict:
    from specloom.api.jobs import failed_result
    from specloom.core.errors import GenerationFailed

    request_id = uuid.UUID(str(job.request.get("id"))) if job.request.get("id") else uuid.UUID(job.id)
    exc = GenerationFailed("The API stopped while this generation was pending.")
    return failed_result(job.id, request_id, exc).model_dump(mode="json")


_FINDINGS: OrderedDict[tuple[str, str, int], list] = OrderedDict()
_FINDINGS_KEPT = 256


def _findings_of(name: str, text: str, kind: str, limit: int) -> list:
    """A document's findings, kept by its digest: a client checking the same text again (CI, an editor) is
    answered without parsing it again. The findings depend on the text alone, so no tenant sees another's."""
    from specloom.core.source import SourceText
    from specloom.core.specs import parse_source

    key = (kind, hashlib.sha256(text.encode()).hexdigest(), limit)
    found = _FINDINGS.get(key)
    if found is None:
        found = _FINDINGS[key] = parse_source(SourceText(name, text), kind, max_file_bytes=limit).findings
        if len(_FINDINGS) > _FINDINGS_KEPT:
            _FINDINGS.popitem(last=False)
    else:
        _FINDINGS.move_to_end(key)
    return found


def _validate(spec, config, root: Path, limit: int) -> ValidateResponse:
    from specloom.core.findings import Severity
    from specloom.core.specs import parse_path
    from specloom.core.specs.adr import AdrIndex

    kinds = {"openapi": "openapi", "graphql": "graphql", "user_story": "story", "adr": "adr"}
    if spec.type == "adr":
        found = AdrIndex.build(root, config.workspace.adr_folders).matches(spec.adr_id, spec.version)
        if len(found) != 1:
            raise ApiError(
                400,
                ErrorBody(
                    error="invalid_specification",
                    message=f"ADR {spec.adr_id!r}: {'no ADR matches' if not found else 'several ADRs match'}.",
                    suggestion="Give an ADR id (and version) that names one ADR of the workspace.",
                ),
            )
        _parsed, findings = parse_path(found[0].path, workspace_root=root)
    else:
        if spec.type == "openapi" and spec.spec is None:
            raise ApiError(
                400,
                ErrorBody(
                    error="invalid_specification",
                    message="The API reads no server files: `path` is refused.",
                    suggestion="Send the document's text in `specification.spec`.",
                ),
            )
        text = {"openapi": lambda: spec.spec, "graphql": lambda: spec.schema_, "user_story": lambda: spec.story}[
            spec.type
        ]()
        if len(text.encode()) > limit:
            raise ApiError(
                413,
                ErrorBody(
                    error="specification_too_large",
                    message=f"The specification is larger than {limit:,} bytes.",
                    suggestion="Send a smaller specification, or raise [api] max_spec_bytes.",
                ),
            )
        name = {"openapi": "specification.yaml", "graphql": "specification.graphql", "user_story": "story.md"}[
            spec.type
        ]
        findings = _findings_of(name, text, kinds[spec.type], limit)
    severities = {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFORMATION: "information",
        Severity.HINT: "hint",
    }
    return ValidateResponse(
        valid=not any(f.severity is Severity.ERROR for f in findings),
        spec_type=spec.type,
        findings=[
            SpecFinding(
                code=f.code,
                severity=severities[f.severity],
                message=f.message,
                range=f.range.to_json(),
                suggestion=f.suggestion,
                pointer=f.pointer,
            )
            for f in findings
        ],
    )


async def serve(config, root: Path, host: str, port: int) -> None:
    import uvicorn

    app = create_app(config, root, started=await start_queue(config, root))
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="on"))
    await server.serve()


def run(config, root: Path, host: str, port: int) -> None:
    asyncio.run(serve(config, root, host, port))
