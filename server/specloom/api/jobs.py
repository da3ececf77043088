"""Running generations for the API: one job = one GenerationRequest of one tenant, run through the service.

`run_job` is the whole of a job, the same in the in-process pool (`LocalQueue`, the embedded default)
and in an arq worker on Redis (`RedisQueue` + `specloom worker`): the spec (inline text, or an ADR
resolved in the workspace) is scanned by the security manager, generated and gated in a scratch folder,
the generated code is scanned, and the result is written to the result store in one statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from specloom import logs
from specloom.api import security
from specloom.api.results import ResultStore
from specloom.core.errors import (
    ConfigError,
    GenerationFailed,
    InvalidSpecification,
    QualityGateFailed,
    SpecloomError,
)
from specloom.core.model import (
    AdrInput,
    GenerationRequest,
    GenerationResult,
    GenerationStatus,
    GraphQLInput,
    OpenAPIInput,
    UserStoryInput,
)

QUEUE_NAME = "specloom:generations"
RETRY_AFTER_SECONDS = 5  # what a 429 asks a client to wait: about one generation


class QueueFull(Exception):
    def __init__(self, bound: int) -> None:
        super().__init__(f"{bound} generations are already queued or running.")
        self.bound = bound


@dataclass
class Runtime:
    """What every job of one process shares: settings, the router (its breakers) and the result store."""

    config: object
    root: Path
    results: ResultStore
    orchestrator: object = None

    @classmethod
    def open(cls, config, root: Path) -> Runtime:
        from specloom.providers import build_orchestrator

        return cls(config, root, ResultStore(root / config.api.results_path), build_orchestrator(config))

    async def aclose(self) -> None:
        if self.orchestrator is not None:
            await self.orchestrator.aclose()
        self.results.close()


async def run_job(runtime: Runtime, job_id: str) -> GenerationResult | None:
    """Run a pending job and store its result; None if it is unknown or was already finished."""
    job = runtime.results.start(job_id)
    if job is None:
        return None
    request = GenerationRequest.model_validate(job.request)
    try:
        result = await _generate(runtime, job_id, job.tenant_id, job.user_id, request)
    except SpecloomError as exc:
        result = failed_result(job_id, request.id, exc)
    except Exception as exc:  # noqa: BLE001 - a job must end, whatever broke; the cause goes to the log
        logs.event("job_crashed", level="error", generation_id=job_id, error=f"{type(exc).__name__}: {exc}")
        result = failed_result(job_id, request.id, GenerationFailed("The generation failed."))
    runtime.results.finish(job_id, result.status.value, result.model_dump(mode="json", exclude_none=True))
    return result


def failed_result(job_id: str, request_id: uuid.UUID, exc: SpecloomError) -> GenerationResult:
    error = exc.to_json()
    if isinstance(exc, GenerationFailed):  # no internals (paths, causes) leave through the API
        error = GenerationFailed("The generation failed.").to_json()
    return GenerationResult(id=uuid.UUID(job_id), request_id=request_id, status=GenerationStatus.FAILED, error=error)


async def _generate(
    runtime: Runtime, job_id: str, tenant: str, user: str, request: GenerationRequest
) -> GenerationResult:
    from specloom.audit import open_store
    from specloom.delivery.deliver import DeliveryReport
    from specloom.pipeline import GenerateOptions, Identity
    from specloom.service import generation_result, open_service

    config, root = runtime.config, runtime.root
    prefs = request.preferences
    with tempfile.TemporaryDirectory(prefix="specloom-api-") as scratch:
        spec_path = _spec_file(request, Path(scratch), config, root)
        try:
            security.scan_spec(spec_path.read_text(encoding="utf-8", errors="replace"), spec_path.name)
        except InvalidSpecification as exc:
            with open_store(config, root=root, tenant=tenant) as store:
                security.audit_refusal(store, job_id, tenant, user, "spec-scan", exc.message, str(spec_path))
            raise

        async def keep_in_store(plan, target, spec_info, packs):
            return DeliveryReport(True, plan.actions)  # the result store is the API's delivery

        chain = config.generation.fallback_chain
        opts = GenerateOptions.from_config(
            config,
            spec_path,
            Path(scratch) / "out",
            root,
            language=prefs.language,
            operations=getattr(request.specification, "operations", None) or None,
            provider=prefs.ai_provider_preference if prefs.ai_provider_preference in chain else None,
            deliver=keep_in_store,
            generation_id=job_id,
        )
        if prefs.framework:
            opts.framework = prefs.framework
        opts.identity = Identity(user, tenant)
        with open_service(config, root, tenant=tenant, orchestrator=runtime.orchestrator) as service:
            outcome = await service.generate(opts)
            refusal = security.scan_code(outcome.generated)
            if refusal is not None:
                security.audit_refusal(
                    service.audit, job_id, tenant, user, "generated-code-scan", refusal, str(spec_path)
                )
                exc = QualityGateFailed(refusal, "code-scan")
                return failed_result(job_id, request.id, exc)
        logs.generation_event(outcome, opts, request_id=str(request.id), spec_type=request.specification.type)
        result = generation_result(outcome, opts, request.id, report=False)
        if result.error is not None and result.error["code"] == GenerationFailed.code:
            result.error = GenerationFailed("The generation failed.").to_json()
        return result


def _spec_file(request: GenerationRequest, scratch: Path, config, root: Path) -> Path:
    spec = request.specification
    if isinstance(spec, OpenAPIInput):
        if spec.spec is None:
            raise InvalidSpecification(
                [],
                "Send the document's text in `specification.spec`.",
                "The API reads no server files: `path` is refused.",
            )
        name, text = ("openapi.json" if spec.spec.lstrip().startswith("{") else "openapi.yaml"), spec.spec
    elif isinstance(spec, GraphQLInput):
        name, text = "schema.graphql", spec.schema_
    elif isinstance(spec, UserStoryInput):
        criteria = "".join(f"- {c}\n" for c in spec.acceptance_criteria)
        name, text = (
            "story.md",
            f"# Story\n\n{spec.story}\n" + (f"\n## Acceptance criteria\n\n{criteria}" if criteria else ""),
        )
    else:
        return _adr_file(spec, config, root)
    path = scratch / name
    path.write_text(text, encoding="utf-8")
    return path


def _adr_file(spec: AdrInput, config, root: Path) -> Path:
    from specloom.core.specs.adr import AdrIndex

    index = AdrIndex.build(root, config.workspace.adr_folders)
    found = index.matches(spec.adr_id, spec.version)
    if len(found) != 1:
        versions = sorted({f.version or "unversioned" for f in index.matches(spec.adr_id)})
        why = "no ADR has this id" + (" and version" if spec.version else "") if not found else "several ADRs match"
        hint = f"Known versions of {spec.adr_id}: {', '.join(versions)}." if versions else "Check the ADR id."
        raise InvalidSpecification([], hint, f"ADR {spec.adr_id!r}{' ' + spec.version if spec.version else ''}: {why}.")
    return Path(found[0].path)


class LocalQueue:
    """The embedded default: generations run in this process, `workers` at a time, `bound` in flight."""

    def __init__(self, runtime: Runtime, workers: int, bound: int) -> None:
        self.runtime, self.bound = runtime, bound
        self._slots = asyncio.Semaphore(workers)
        self._tasks: dict[str, asyncio.Task] = {}

    async def submit(self, job_id: str) -> None:
        if len(self._tasks) >= self.bound:
            raise QueueFull(self.bound)
        task = asyncio.get_running_loop().create_task(self._run(job_id))
        self._tasks[job_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(job_id, None))

    async def _run(self, job_id: str) -> None:
        async with self._slots:
            await run_job(self.runtime, job_id)

    async def wait(self, job_id: str) -> None:
        task = self._tasks.get(job_id)
        if task is not None:
            await asyncio.shield(task)

    async def aclose(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)


class RedisQueue:
    """Generations on arq workers (`specloom worker`) through Redis; results come back in the result store."""

    def __init__(self, runtime: Runtime, pool, bound: int) -> None:
        self.runtime, self.pool, self.bound = runtime, pool, bound

    @classmethod
    async def connect(cls, runtime: Runtime, url: str, bound: int) -> RedisQueue:
        from arq import create_pool
        from arq.connections import RedisSettings

        return cls(runtime, await create_pool(RedisSettings.from_dsn(url), default_queue_name=QUEUE_NAME), bound)

    async def submit(self, job_id: str) -> None:
        # arq keeps a job in its queue's sorted set until a worker finishes it: queued and running alike.
        if await self.pool.zcard(QUEUE_NAME) >= self.bound:
            raise QueueFull(self.bound)
        await self.pool.enqueue_job("generate", job_id, _job_id=job_id)

    async def wait(self, job_id: str, poll: float = 0.1) -> None:
        while self.runtime.results.pending(job_id):
            await asyncio.sleep(poll)

    async def aclose(self) -> None:
        await self.pool.aclose()


async def _worker_startup(ctx: dict) -> None:
    ctx["runtime"] = Runtime.open(ctx["config"], ctx["root"])


async def _worker_shutdown(ctx: dict) -> None:
    await ctx["runtime"].aclose()


async def _generate_task(ctx: dict, job_id: str) -> str | None:
    result = await run_job(ctx["runtime"], job_id)
    return result.status.value if result is not None else None


def run_worker(config, root: Path) -> None:
    """`specloom worker`: take generations from the Redis queue until stopped."""
    from arq.connections import RedisSettings
    from arq.worker import Worker, func
    from redis.exceptions import ConnectionError as RedisConnectionError

    api = config.api
    if api.queue != "redis":
        raise ConfigError(
            str(root / "specloom.toml"),
            "api.queue",
            f"is {api.queue!r}: the API runs generations itself, and no worker would get any",
            'Set queue = "redis" (and redis_url) under [api] for workers.',
        )
    worker = Worker(
        functions=[func(_generate_task, name="generate", timeout=api.job_timeout_seconds, max_tries=api.job_max_tries)],
        queue_name=QUEUE_NAME,
        redis_settings=RedisSettings.from_dsn(api.redis_url),
        on_startup=_worker_startup,
        on_shutdown=_worker_shutdown,
        ctx={"config": config, "root": root},
        max_jobs=api.workers or os.cpu_count() or 1,
        keep_result=60,
        handle_signals=True,
    )
    try:
        worker.run()
    except (OSError, RedisConnectionError) as exc:
        raise ConfigError(
            str(root / "specloom.toml"),
            "api.redis_url",
            f"no Redis answers at {api.redis_url} ({exc})",
            "Start redis-server there, or correct redis_url under [api].",
        ) from None
