"""CodeGenerationService: the seven steps from a spec to delivered, gated, audited code.

parse -> context -> plan -> execute -> validate -> finalize -> audit. Side effects come in
through the constructor (audit store, gate runner), so the CLI, the language server and an
HTTP API drive the same service, and tests can swap any part. The audit step always runs,
whatever happened before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from specloom.core.errors import SpecloomError
from specloom.core.findings import Finding, Severity

STEPS = ("parse", "context", "plan", "execute", "validate", "finalize", "audit")

# Exit codes of `specloom generate`, also the outcome of a run.
DELIVERED, INVALID_SPEC, GATE_FAILED, PROVIDERS_FAILED, CONFLICT, CANCELLED = 0, 2, 3, 4, 5, 130


class Cancelled(SpecloomError):
    code = "E-CANCELLED"


@dataclass(slots=True)
class Identity:
    user: str
    tenant: str


def resolve_identity(config_user: str | None, tenant: str, cwd: Path) -> Identity | None:
    """Who is asking: configuration (or SPECLOOM_USER through it), else `git config user.email`."""
    user = config_user
    if not user:
        try:
            done = subprocess.run(
                ["git", "config", "user.email"], cwd=cwd, capture_output=True, text=True, timeout=5, check=False
            )
            user = done.stdout.strip() or None
        except (OSError, subprocess.TimeoutExpired):
            user = None
    return Identity(user, tenant) if user else None


@dataclass(slots=True)
class GenerateOptions:
    spec_path: Path
    target: Path
    identity: Identity | None
    operations: list[str] | None = None
    language: str = "python"
    framework: str | None = None  # None: the language's default (core/languages.py)
    dry_run: bool = False
    coverage_threshold: float = 95.0
    pack_ranges: dict[str, str] = field(default_factory=dict)
    overlays: list[Path] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    test_python: str | None = None
    gate_timeouts: dict[str, float] = field(default_factory=dict)
    workspace_root: Path | None = None
    repair_attempts: int = 2
    deadline_seconds: float = 600.0
    max_cost_usd: float | None = None
    provider: str | None = None  # the user's choice to try first; the rest of the chain still backs it up
    # Replaces the atomic write to disk (the language server hands files to the editor); same signature, async.
    deliver: Callable[..., Awaitable[object]] | None = None
    generation_id: str | None = None  # a shell that hands out the id before the run (the HTTP API); else a new one

    @classmethod
    def from_config(cls, config, spec_path: Path, target: Path, root: Path, **overrides) -> GenerateOptions:
        """Options as the workspace's settings give them; `overrides` (CLI flags, a code action) win."""
        gen = config.generation
        language = overrides.pop("language", None) or gen.language
        opts = cls(
            spec_path=spec_path,
            target=target,
            identity=resolve_identity(config.identity.user, config.identity.tenant, root),
            operations=gen.operations,
            language=language,
            framework=gen.framework,
            coverage_threshold=gen.coverage_threshold,
            pack_ranges=dict(gen.templates),
            overlays=[root / o for o in gen.template_overlays],
            variables=dict(gen.variables),
            test_python=gen.test_python,
            gate_timeouts=dict(gen.gate_timeouts),
            workspace_root=root,
            repair_attempts=gen.repair_attempts,
            deadline_seconds=gen.deadline_seconds,
            max_cost_usd=gen.max_cost_usd,
        )
        for name, value in overrides.items():
            if value is not None:
                setattr(opts, name, value)
        return opts


@dataclass(slots=True)
class GateIssue:
    """A gate finding with the spec elements whose generated file it is about."""

    gate: str
    file: str
    line: int
    column: int
    code: str
    message: str
    severity: str
    sources: list[dict] = field(default_factory=list)  # {"pointer", "range", "path"}

    def to_json(self) -> dict:
        return {
            "gate": self.gate,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
            "sources": self.sources,
        }


@dataclass(slots=True)
class GenerationOutcome:
    generation_id: str
    exit_code: int
    outcome: str  # delivered | dry_run | invalid_spec | gate_failed | providers_failed | conflict | cancelled | error
    message: str
    spec_findings: list[Finding] = field(default_factory=list)
    plan: list[dict] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    gates: list[dict] = field(default_factory=list)
    gate_issues: list[GateIssue] = field(default_factory=list)
    delivery: dict | None = None
    diff: str = ""
    step_ms: dict[str, float] = field(default_factory=dict)
    files: int = 0
    lines: int = 0
    audit_id: str | None = None
    packs: dict[str, str] = field(default_factory=dict)
    attempts: list[dict] = field(default_factory=list)  # every provider call, as audited
    repair_rounds: int = 0
    gate_history: list[dict] = field(default_factory=list)  # gates of each round a repair replaced
    generated: dict[str, str] = field(default_factory=dict)  # path -> content, once every gate passed
    toolchains: list[dict] = field(default_factory=list)  # the toolchain folders this run had to prepare first

    def to_json(self) -> dict:
        return {
            "generation_id": self.generation_id,
            "outcome": self.outcome,
            "exit_code": self.exit_code,
            "message": self.message,
            "audit_id": self.audit_id,
            "packs": self.packs,
            "spec_findings": [f.to_json() | {"path": f.path} for f in self.spec_findings],
            "plan": self.plan,
            "not_implemented_by_templates": self.gaps,
            "gates": self.gates,
            "gate_issues": [i.to_json() for i in self.gate_issues],
            "delivery": self.delivery,
            "attempts": self.attempts,
            "repair_rounds": self.repair_rounds,
            "gate_history": self.gate_history,
            "toolchains": self.toolchains,
            "metrics": {
                "step_ms": self.step_ms,
                "files": self.files,
                "lines": self.lines,
                "tokens_in": sum(a.get("tokens_in") or 0 for a in self.attempts),
                "tokens_out": sum(a.get("tokens_out") or 0 for a in self.attempts),
                "cost_usd": round(sum(a.get("cost_usd") or 0.0 for a in self.attempts), 6),
            },
        }


Progress = Callable[[str, int, str], None]  # step, percent, message


class CodeGenerationService:
    def __init__(self, audit_store, run_gates=None, orchestrator=None):
        self.audit = audit_store
        # Routes work templates cannot do to AI providers; None means templates only.
        self.orchestrator = orchestrator
        if run_gates is None:
            from specloom.gates import run_gates as run_gates_async

            run_gates = run_gates_async
        self.run_gates = run_gates

    async def generate(
        self, opts: GenerateOptions, progress: Progress | None = None, cancel: asyncio.Event | None = None
    ) -> GenerationOutcome:
        outcome = GenerationOutcome(opts.generation_id or str(uuid.uuid4()), 1, "error", "")
        report = progress or (lambda step, percent, message: None)
        run = _Run(self, opts, outcome, report, cancel)
        try:
            await run.steps()
        except Cancelled:
            outcome.exit_code, outcome.outcome, outcome.message = (
                CANCELLED,
                "cancelled",
                "Cancelled: nothing was written.",
            )
        except SpecloomError as exc:
            if outcome.outcome == "error":
                outcome.exit_code = 1
            outcome.message = str(exc)
        finally:
            run.cleanup()
            run.audit()
        return outcome


class _Run:
    def __init__(
        self,
        service: CodeGenerationService,
        opts: GenerateOptions,
        outcome: GenerationOutcome,
        report: Progress,
        cancel: asyncio.Event | None,
    ):
        self.service, self.opts, self.outcome, self.report, self.cancel = service, opts, outcome, report, cancel
        self.spec = None
        self.spec_hash = ""
        self.staging: Path | None = None
        self.files: dict[str, str] = {}
        self.producers: dict[str, str] = {}
        self.sources_by_file: dict[str, list[dict]] = {}
        self.error: dict | None = None
        self.ai = None  # (provider name, prompt) when the files came from a model: repairs go back to it
        self.base_files: dict[str, str] = {}  # what templates wrote beside a model's files; models may not touch it
        self.deadline = time.monotonic() + opts.deadline_seconds

    @contextlib.contextmanager
    def _timed(self, step: str):
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("Cancelled before " + step)
        self.report(step, int(100 * STEPS.index(step) / len(STEPS)), f"{step}…")
        start = time.perf_counter()
        try:
            yield
        finally:
            self.outcome.step_ms[step] = round((time.perf_counter() - start) * 1000, 1)

    async def steps(self) -> None:
        opts, outcome = self.opts, self.outcome
        if opts.identity is None:
            outcome.exit_code, outcome.outcome = INVALID_SPEC, "refused"
            outcome.message = (
                "Anonymous generation is refused: set [identity] user in specloom.toml, "
                "SPECLOOM_USER, or `git config user.email`."
            )
            return
        with self._timed("parse"):
            if not self._parse():
                return
        with self._timed("context"):
            from specloom.context import build_context, existing_files

            self.context = build_context(opts.target)
        with self._timed("plan"):
            from specloom.core.plan import PlanError
            from specloom.templates.layout import PlanOptions, plan_generation

            try:
                self.plan = plan_generation(
                    self.spec,
                    PlanOptions(
                        language=opts.language,
                        framework=opts.framework,
                        operations=opts.operations,
                        overlays=opts.overlays,
                        pack_ranges=opts.pack_ranges,
                        variables=opts.variables,
                    ),
                )
            except PlanError as exc:
                outcome.exit_code, outcome.outcome, outcome.message = INVALID_SPEC, "invalid_spec", str(exc)
                return
            opts.framework = self.plan.framework  # as the plan resolved it for the language
            existing = existing_files(opts.target, [f.path for f in self.plan.files])
            outcome.plan = [f.to_json() | _exists_mark(existing.get(f.path)) for f in self.plan.files]
        with self._timed("execute"):
            if not await self._execute():
                return
        with self._timed("validate"):
            passed = await self._validate()
            while (
                not passed
                and self.ai is not None
                and outcome.repair_rounds < opts.repair_attempts
                and self._repairable()
            ):
                outcome.repair_rounds += 1
                if not await self._repair(outcome.repair_rounds):
                    return
                passed = await self._validate()
        with self._timed("finalize"):
            if passed:
                await self._finalize()

    def _parse(self) -> bool:
        from specloom.core.specs import parse_path

        spec, findings = parse_path(self.opts.spec_path, workspace_root=self.opts.workspace_root)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        converted = [f for f in findings if f.code == "OAS003"]  # the report says a Swagger 2.0 spec was converted
        self.outcome.spec_findings = errors + converted
        if spec is None or errors:
            where = f"{errors[0].path}:{errors[0].range.start.line + 1}" if errors else str(self.opts.spec_path)
            self.outcome.exit_code, self.outcome.outcome = INVALID_SPEC, "invalid_spec"
            self.outcome.message = (
                f"No generation without a valid spec: {len(errors) or 1} error(s), first at {where}. "
                "Run `specloom check` for the list."
            )
            return False
        self.spec = spec
        self.spec_hash = hashlib.sha256(spec.source.text.encode()).hexdigest()
        return True

    async def _execute(self) -> bool:
        opts, outcome = self.opts, self.outcome
        choice = self.plan.template
        if self.spec.kind != "openapi" or choice is None:
            return await self._execute_ai()
        if choice.refused:
            # A user's pack that fails its security or test check stops the run: falling back silently
            # to the built-in pack would deliver code from templates the user did not ask for.
            for e in choice.refused:
                self.outcome.gate_issues.append(
                    GateIssue("template-security", str(e.path), e.line or 1, 1, "template-refused", str(e), "error")
                )
            first = choice.refused[0]
            outcome.exit_code, outcome.outcome = GATE_FAILED, "gate_failed"
            outcome.gates = [
                {
                    "name": "template-security",
                    "passed": False,
                    "duration_ms": 0,
                    "timed_out": False,
                    "skipped": None,
                    "findings": len(choice.refused),
                }
            ]
            outcome.message = (
                f"Template gate failed; nothing was written — template-security: "
                f"{first.path}:{first.line or 1}: {first}"
            )
            return False
        pack = choice.pack
        if pack is None:
            problems = "; ".join(f"{e.path or ''}:{e.line or ''} {e}" for e in choice.errors)
            outcome.exit_code, outcome.outcome = PROVIDERS_FAILED, "providers_failed"
            outcome.message = (
                f"No usable {choice.backend.name}@{choice.version_range} pack. Available: "
                f"{', '.join(p.ref for p in choice.available) or 'none'}."
                + (f" Refused: {problems}" if problems else "")
            )
            return False
        if choice.rendering is None:
            return await self._execute_ai()  # the pack cannot render the selection; the plan's notes say why
        # What the CRUD templates leave (x-specloom-logic, no CRUD meaning) goes to an AI provider when
        # there is one; without one, or when every one fails, the templates alone are the floor.
        left_to_ai = [f.path for f in self.plan.files if f.producer == "ai"]
        extensions = bool(left_to_ai and self._ai_chain())
        if not self._render(pack, extensions):
            return False
        if not extensions:
            return True
        from specloom.providers.prompts import extension_prompt

        self.base_files = dict(self.files)
        prompt = extension_prompt(self.spec, self.plan, self.files, opts.coverage_threshold)
        if await self._ask(prompt, "generate", left_to_ai, prefer=opts.provider):
            return True
        if outcome.outcome != "providers_failed":
            return False
        failure = outcome.message.split("\n", 1)[0]
        outcome.exit_code, outcome.outcome, outcome.message = 1, "error", ""
        self.files, self.base_files = {}, {}
        if not self._render(pack, extensions=False):
            return False
        outcome.gaps.append(f"the operations left to AI providers are not implemented: {failure}")
        return True

    def _render(self, pack, extensions: bool) -> bool:
        from specloom.templates.generate import render_spec
        from specloom.templates.packs import PackError

        opts, outcome = self.opts, self.outcome
        try:
            result = render_spec(
                pack, self.spec, opts.operations, opts.variables, extensions, self.plan.template.rendering
            )
        except PackError as exc:
            outcome.exit_code, outcome.outcome = PROVIDERS_FAILED, "providers_failed"
            outcome.message = f"{pack.ref} could not render {self.spec.path}: {exc}"
            return False
        outcome.packs = {pack.name: pack.version}
        outcome.gaps = result.gaps
        planned = {f.path: [s.to_json() for s in f.sources] for f in self.plan.files}
        for f in result.files:
            self.files[f.path] = f.content
            self.producers[f.path] = f"template:{pack.ref}"
            sources = planned.get(f.path)
            if not sources or {s["pointer"] for s in sources} == {"#/info"}:
                sources = self._sources_for(f.resource)  # shared scaffolding fails on behalf of what was generated
            self.sources_by_file[f.path] = sources
        outcome.files = len(self.files)
        outcome.lines = sum(c.count("\n") for c in self.files.values())
        return True

    async def _execute_ai(self) -> bool:
        """Files no template pack can write: asked of the AI providers, in fallback-chain order."""
        from specloom.providers.prompts import generation_prompt, with_existing_code

        opts, outcome = self.opts, self.outcome
        planned = [f.path for f in self.plan.files if f.producer == "ai"]
        if not planned:
            outcome.exit_code, outcome.outcome = INVALID_SPEC, "invalid_spec"
            outcome.message = f"Nothing to generate from {opts.spec_path}: " + (
                " ".join(self.plan.notes) or "the plan is empty."
            )
            return False
        if not self._ai_chain():
            outcome.exit_code, outcome.outcome = PROVIDERS_FAILED, "providers_failed"
            if self.spec.kind == "openapi" and self.plan.template is not None:
                why = "The template pack leaves this selection to an AI provider (" + " ".join(self.plan.notes) + ")"
            else:
                why = f"No template pack renders {self.spec.kind} for {self.plan.language}/{self.plan.framework}"
            outcome.message = (
                f"{why}, and no AI provider is configured: add [providers.<name>] (kind, model, base_url, api_key_env) "
                "and list it in [generation] fallback_chain in specloom.toml."
            )
            return False
        prompt = generation_prompt(self.spec, self.plan, self.plan.language, opts.coverage_threshold)
        prompt = with_existing_code(prompt, self._existing_code(planned, prompt))
        return await self._ask(prompt, "generate", planned, prefer=opts.provider)

    def _existing_code(self, planned: list[str], prompt) -> dict[str, str]:
        """What is in the target that the new files must fit, within the smallest context window of the chain."""
        from specloom.context import code_budget, relevant_code

        providers = self.service.orchestrator.providers
        windows = [providers[name].capabilities().context_window for name in self._ai_chain()]
        return relevant_code(self.context, planned, code_budget(windows, prompt.estimated_tokens()))

    def _accept(self, parsed):
        from specloom.providers.output import MalformedOutput

        clash = sorted(set(parsed.files) & set(self.base_files))
        if clash:
            raise MalformedOutput(f"it rewrites {', '.join(clash)}, which the template pack writes")
        return parsed

    def _ai_chain(self) -> list[str]:
        orchestrator = self.service.orchestrator
        if orchestrator is None:
            return []
        return [n for n in orchestrator.chain if getattr(orchestrator.providers[n], "kind", "") != "template"]

    async def _ask(self, prompt, round_name: str, planned: list[str], prefer: str | None) -> bool:
        from specloom.providers import AllProvidersFailed, Task
        from specloom.providers.output import parse_output
        from specloom.providers.prompts import output_repair_prompt

        opts, outcome = self.opts, self.outcome
        tests = [f.path for f in self.plan.files if f.producer == "ai" and f.purpose == "test"]
        task = Task(
            self.spec.kind,
            opts.language,
            {"spec": self.spec, "language": opts.language, "framework": opts.framework},
            opts.max_cost_usd,
        )
        step = "validate" if round_name != "generate" else "execute"
        percent = int(100 * STEPS.index(step) / len(STEPS))

        def on_progress(provider: str, received: int) -> None:
            self.report(step, percent, f"{round_name}: {provider} — {received:,} characters received")

        try:
            name, completion, parsed, attempts = await self.service.orchestrator.complete(
                task,
                prompt,
                round_name=round_name,
                prefer=prefer,
                deadline=self.deadline,
                accept=lambda c: self._accept(parse_output(c.text, planned, tests)),
                repair=output_repair_prompt,
                on_attempt=lambda a: outcome.attempts.append(a.to_json()),
                on_progress=on_progress,
                cancel=self.cancel,
            )
        except asyncio.CancelledError:
            raise Cancelled(f"Cancelled while waiting for a provider ({round_name})") from None
        except AllProvidersFailed as exc:
            outcome.exit_code, outcome.outcome = PROVIDERS_FAILED, "providers_failed"
            outcome.message = f"{exc.message}\n  hint: {exc.suggestion}"
            return False
        self.ai = (name, prompt if round_name == "generate" else self.ai[1])
        self.files = {**self.base_files, **parsed.files}
        planned_sources = {f.path: [s.to_json() for s in f.sources] for f in self.plan.files}
        every_source = [s for sources in planned_sources.values() for s in sources]
        self.producers.update({path: f"ai:{name}/{completion.model}" for path in parsed.files})
        self.sources_by_file.update({path: planned_sources.get(path) or every_source for path in parsed.files})
        if parsed.extra:
            outcome.gaps += [
                f"{path}: not in the plan; written by {name} and gated like the rest" for path in parsed.extra
            ]
        outcome.files = len(self.files)
        outcome.lines = sum(c.count("\n") for c in self.files.values())
        return True

    async def _repair(self, round_number: int) -> bool:
        """Gate findings back to the provider that wrote the files (then the next), for a corrected answer."""
        from specloom.providers.prompts import repair_prompt

        problems = [f"{i.gate}: {i.file}:{i.line}:{i.column}: {i.code} {i.message}" for i in self.outcome.gate_issues]
        provider, first_prompt = self.ai
        self.report("validate", int(100 * STEPS.index("validate") / len(STEPS)), f"repair {round_number}: {provider}")
        written = {path: text for path, text in self.files.items() if path not in self.base_files}
        prompt = repair_prompt(first_prompt, written, problems, round_number)
        planned = [f.path for f in self.plan.files if f.producer == "ai"]
        self.outcome.gate_history.append(
            {"round": round_number - 1, "gates": self.outcome.gates, "issues": problems[:50]}
        )
        self.outcome.gates, self.outcome.gate_issues = [], []
        return await self._ask(prompt, f"repair {round_number}", planned, prefer=provider)

    def _sources_for(self, resource: str | None) -> list[dict]:
        chosen = set(self.opts.operations or ())
        selected = [op for op in self.spec.operations if not chosen or op.operation_id in chosen]
        ops = [op for op in selected if resource and op.path.startswith(resource)] or selected
        return [
            {"pointer": "#" + op.pointer, "range": self.spec.locate(op.pointer).key.to_json(), "path": self.spec.path}
            for op in ops
        ]

    def _repairable(self) -> bool:
        """A model can fix its code, not the machine: when only missing tools failed, asking again is pointless."""
        return any(i.severity == "error" and i.code != "tool-missing" for i in self.outcome.gate_issues)

    async def _prepare_toolchains(self, folders: dict[str, Path], pack) -> None:
        """Prepare the toolchain of each language in the staging tree whose tools cannot run yet, so a
        generation never fails only because nobody ran `specloom templates prepare`. A failure is
        reported here and the gate then fails closed with the language's own reason."""
        from specloom.backends.languages import present_languages
        from specloom.toolchains import ToolchainError, prepare

        for lang in present_languages(self.staging):
            folder = folders[lang.language]
            if lang.tool_problem(folder) is None:
                continue
            own = pack.root / "toolchain" if pack is not None and pack.language == lang.language else None
            self.report("validate", int(100 * STEPS.index("validate") / len(STEPS)), f"preparing {folder}…")
            start = time.perf_counter()
            try:
                problem = await asyncio.to_thread(prepare, lang.language, folder, own)
            except ToolchainError as exc:
                problem = str(exc)
            seconds = round(time.perf_counter() - start, 1)
            self.outcome.toolchains.append(
                {"language": lang.language, "folder": str(folder), "seconds": seconds, "problem": problem}
            )

    async def _validate(self) -> bool:
        from specloom.gates import GateConfig
        from specloom.toolchains import folders_for

        opts = self.opts
        self._add_provenance()  # here, after every render or model answer, so the gates see what is delivered
        if self.staging is not None:  # a repair round stages its files afresh
            shutil.rmtree(self.staging, ignore_errors=True)
        self.staging = Path(tempfile.mkdtemp(prefix="specloom-staging-"))
        for rel, content in self.files.items():
            path = self.staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        cfg = GateConfig(
            coverage_threshold=opts.coverage_threshold, test_python=opts.test_python, pytest_plugin_autoload=False
        )
        cfg.timeouts.update(opts.gate_timeouts)
        pack = self.plan.template.pack if self.plan.template is not None else None
        cfg.toolchains = folders_for(pack)
        await self._prepare_toolchains(cfg.toolchains, pack)
        results = await self.service.run_gates(self.staging, cfg, cancel=self.cancel)
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("Cancelled during the quality gates")
        self.outcome.gates = [
            {
                "name": r.name,
                "passed": r.passed,
                "duration_ms": round(r.duration_ms, 1),
                "timed_out": r.timed_out,
                "skipped": r.skipped_reason,
                "findings": len(r.findings),
            }
            for r in results
        ]
        for r in results:
            for f in r.findings:
                self.outcome.gate_issues.append(
                    GateIssue(
                        r.name,
                        f.file,
                        f.line,
                        f.column,
                        f.code,
                        f.message,
                        f.severity,
                        self.sources_by_file.get(f.file, []),
                    )
                )
        failed = [r for r in results if not r.passed]
        if failed:
            first = next((i for i in self.outcome.gate_issues if i.severity == "error"), None)
            where = f" — {first.gate}: {first.file}:{first.line}: {first.message}" if first else ""
            self.outcome.exit_code, self.outcome.outcome = GATE_FAILED, "gate_failed"
            self.outcome.message = (
                f"Quality gate(s) failed: {', '.join(r.name for r in failed)}; nothing was written{where}"
            )
            return False
        return True

    def _add_provenance(self) -> None:
        """Each generated file's first line names the spec and the elements it came from."""
        from specloom.core.provenance import with_provenance

        names = {"#" + e.pointer.lstrip("#"): e.name for e in self.spec.elements()}
        spec_name = Path(self.opts.spec_path).name
        for path, content in self.files.items():
            pointers = [s["pointer"] for s in self.sources_by_file.get(path, []) if s.get("pointer")]
            elements = [names[p] for p in pointers if p in names]
            self.files[path] = with_provenance(path, content, spec_name, elements)

    def _source_hashes(self) -> dict[str, dict[str, str]]:
        """Per file, a hash of each spec element it came from: what drift is measured against later."""
        from specloom.core.provenance import element_hashes

        data = getattr(self.spec, "data", None)
        if not data:
            return {}
        return {
            path: element_hashes(data, [s["pointer"] for s in self.sources_by_file.get(path, []) if s.get("pointer")])
            for path in self.files
        }

    async def _finalize(self) -> None:
        from specloom.delivery.deliver import deliver, plan_delivery
        from specloom.delivery.manifest import SpecInfo

        opts, outcome = self.opts, self.outcome
        outcome.generated = dict(self.files)
        # How the delivered project runs, from the pack that rendered it; a model's code alone has no such record.
        choice = self.plan.template
        run = choice.backend.run_commands(self.spec, opts.variables) if outcome.packs and choice is not None else None
        delivery_plan = plan_delivery(
            opts.target, self.files, producers=self.producers, sources=self._source_hashes(), run=run
        )
        outcome.diff = delivery_plan.diff()
        if opts.dry_run:
            outcome.exit_code, outcome.outcome = DELIVERED, "dry_run"
            outcome.delivery = delivery_plan.to_json()
            outcome.message = (
                f"Dry run: every gate passed; {len(self.files)} file(s) would be delivered to {opts.target}."
            )
            return
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("Cancelled before delivery")
        spec_info = SpecInfo(str(opts.spec_path), self.spec_hash)
        if opts.deliver is not None:
            report = await opts.deliver(delivery_plan, opts.target, spec_info, outcome.packs)
        else:
            report = deliver(delivery_plan, opts.target, spec_info, outcome.packs)
        outcome.delivery = report.to_json()
        if report.conflicts:
            outcome.exit_code, outcome.outcome = CONFLICT, "conflict"
            outcome.message = (
                f"{len(report.conflicts)} file(s) conflict with your edits; nothing was written. "
                "Resolve them (both sides are in the report) and generate again."
            )
            return
        if not report.delivered:
            outcome.exit_code, outcome.outcome = CONFLICT, "conflict"
            outcome.message = f"Nothing was written: {report.reason}."
            return
        outcome.exit_code, outcome.outcome = DELIVERED, "delivered"
        outcome.message = f"Delivered {len(report.written)} file(s) to {opts.target}; every gate passed."

    def cleanup(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)

    def audit(self) -> None:
        from specloom.audit.base import AnonymousRequest, AuditRecord

        opts, outcome = self.opts, self.outcome
        if opts.identity is None or self.service.audit is None:
            return
        started = time.perf_counter()
        delivered = {}
        if outcome.outcome == "delivered":
            delivered = {path: hashlib.sha256(text.encode()).hexdigest() for path, text in self.files.items()}
        record = AuditRecord(
            generation_id=outcome.generation_id,
            tenant_id=opts.identity.tenant,
            user_id=opts.identity.user,
            kind="generate",
            outcome=outcome.outcome if outcome.outcome != "refused" else "error",
            request={
                "spec": str(opts.spec_path),
                "target": str(opts.target),
                "operations": opts.operations,
                "language": opts.language,
                "framework": opts.framework,
                "dry_run": opts.dry_run,
                "coverage_threshold": opts.coverage_threshold,
            },
            spec_path=str(opts.spec_path),
            spec_hash=self.spec_hash or None,
            pack_versions=outcome.packs,
            provider_attempts=[
                {
                    "provider": "template",
                    "model": ref,
                    "round": "generate",
                    "tokens_in": 0,
                    "tokens_out": 0,
                    "cost_usd": 0.0,
                    "latency_ms": outcome.step_ms.get("execute", 0),
                    "outcome": "ok",
                    "error": None,
                }
                for ref in (f"{n}@{v}" for n, v in outcome.packs.items())
            ]
            + outcome.attempts,
            plan=outcome.plan,
            gate_results=[
                {"round": h["round"], "gates": h["gates"], "issues": h["issues"]} for h in outcome.gate_history
            ]
            + outcome.gates
            + [{"issue": i.to_json()} for i in outcome.gate_issues[:200]],
            delivered_files=delivered,
            timings_ms=outcome.step_ms,
            error=None if outcome.exit_code == DELIVERED else {"outcome": outcome.outcome, "message": outcome.message},
        )
        try:
            stored = self.service.audit.append(record)
        except AnonymousRequest:
            return
        outcome.audit_id = stored.record_id
        outcome.step_ms["audit"] = round((time.perf_counter() - started) * 1000, 1)


def _exists_mark(existing) -> dict:
    """A planned file's entry in the report gains where it stands in the target, if it is there already."""
    return {"exists": existing.to_json() | {"label": existing.label}} if existing is not None else {}
