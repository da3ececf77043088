"""The `specloom` command: a thin shell that drives the core and picks the exit code."""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
import time
from pathlib import Path

from specloom import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
_UNREADABLE = {"IO001", "IO002", "IO003", "IO004", "IO005"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="specloom", description="Spec-driven code generation with quality gates.")
    parser.add_argument("--version", action="version", version=f"specloom {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check OpenAPI, GraphQL, ADR and user-story files")
    check.add_argument("paths", nargs="+", help="files or directories")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    plan = sub.add_parser("plan", help="list the files generation would produce for a spec")
    plan.add_argument("spec")
    plan.add_argument("--operations", help="comma-separated operationIds (default: all)")
    plan.add_argument("--language", choices=("python", "typescript", "go", "rust", "java", "csharp"))
    plan.add_argument("--framework")
    plan.add_argument("--out", help="the target folder, to mark planned files already there (default: output_dir)")
    plan.add_argument("--json", action="store_true")

    gen = sub.add_parser("generate", help="generate, gate and deliver code for a spec")
    gen.add_argument("spec")
    gen.add_argument("--out", required=True, help="target folder (created if missing)")
    gen.add_argument("--operations", help="comma-separated operationIds (default: all)")
    gen.add_argument("--language", choices=("python", "typescript", "go", "rust", "java", "csharp"))
    gen.add_argument("--framework")
    gen.add_argument("--coverage-threshold", type=float, help="minimum line coverage of generated tests (0-100)")
    gen.add_argument("--dry-run", action="store_true", help="run everything but delivery; print the diff")
    gen.add_argument("--provider", help="the AI provider to try first (a [providers.<name>] in the fallback chain)")
    gen.add_argument("--json", action="store_true")

    convert = sub.add_parser("convert", help="write a Swagger 2.0 spec's OpenAPI 3.0 form next to it")
    convert.add_argument("spec")
    convert.add_argument("--out", help="where to write it (default: <name>.openapi3.yaml beside the spec)")
    convert.add_argument("--force", action="store_true", help="overwrite an existing file")

    validate = sub.add_parser("validate", help="run the quality gates on any folder")
    validate.add_argument("dir")
    validate.add_argument("--coverage-threshold", type=float)
    validate.add_argument("--json", action="store_true")

    templates = sub.add_parser("templates", help="list, prepare or test template packs")
    templates_sub = templates.add_subparsers(dest="templates_command", required=True)
    templates_sub.add_parser("list", help="packs found (built-in and overlays), and any refused")
    test = templates_sub.add_parser("test", help="render each pack's golden cases and compare")
    test.add_argument("--update", action="store_true", help="rewrite expected output (review the diff!)")
    prepare = templates_sub.add_parser("prepare", help="install a pack's or a language's gate tools, once")
    prepare.add_argument("pack", nargs="?", help="a pack name (its newest version) or NAME@VERSION")
    prepare.add_argument("--language", help="a language's default toolchain, for code no pack generates")
    prepare.add_argument("--all", action="store_true", help="every pack's newest version (what CI runs once)")

    providers = sub.add_parser("providers", help="list the configured AI providers with their health")
    providers.add_argument("--json", action="store_true")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")

    api = sub.add_parser("api", help="run the HTTP API (FastAPI on uvicorn); settings under [api]")
    api.add_argument("--host", help="the address to listen on (default: [api] host)")
    api.add_argument("--port", type=int, help="the TCP port (default: [api] port)")

    sub.add_parser("worker", help='run a generation worker of the Redis queue ([api] queue = "redis")')

    audit = sub.add_parser("audit", help="read and verify the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_list = audit_sub.add_parser("list")
    audit_list.add_argument("--limit", type=int, default=50)
    audit_list.add_argument("--json", action="store_true")
    audit_show = audit_sub.add_parser("show")
    audit_show.add_argument("id")
    audit_show.add_argument("--json", action="store_true")
    audit_verify = audit_sub.add_parser("verify")
    audit_verify.add_argument("--json", action="store_true")
    audit_verify.add_argument(
        "--expect-head",
        metavar="SEQ:HASH",
        help="a head printed by an earlier verify and kept elsewhere: fails if that record is gone or changed",
    )
    audit_migrate = audit_sub.add_parser("migrate", help="copy the SQLite audit log into FoundationDB, same chain")
    audit_migrate.add_argument("--to", choices=("foundationdb",), required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from specloom.core.errors import SpecloomError

    commands = {
        "check": _check,
        "plan": _plan,
        "generate": _generate,
        "convert": _convert,
        "validate": _validate,
        "templates": _templates,
        "audit": _audit,
        "providers": _providers,
        "serve": _serve,
        "api": _api,
        "worker": _worker,
    }
    try:
        return commands[args.command](args)
    except BrokenPipeError:
        return EXIT_OK
    except _UsageError as exc:
        print(f"specloom: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SpecloomError as exc:
        print(f"specloom: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("specloom: interrupted", file=sys.stderr)
        return 130


class _UsageError(Exception):
    pass


def _load_config(start: Path):
    from specloom.config import load_config
    from specloom.core.errors import ConfigError

    root = start if start.is_dir() else start.parent
    try:
        return load_config(_workspace_root(root))
    except ConfigError as exc:
        raise _UsageError(str(exc)) from exc


@functools.cache  # `check` asks once per file; folders repeat
def _workspace_root(start: Path) -> Path:
    """The nearest folder upwards holding specloom.toml, pyproject.toml or .git; else `start`."""
    current = start.resolve()
    for folder in (current, *current.parents):
        if any((folder / marker).exists() for marker in ("specloom.toml", "pyproject.toml", ".git")):
            return folder
    return current


_ADR_REFERENCE = re.compile(r"^(?P<id>(?:adr)?[\s_-]*\d{1,9})(?:@(?P<version>[^@\s]+))?$", re.IGNORECASE)


def _spec_argument(text: str) -> Path:
    """A spec's path, or an ADR reference `ADR-21` / `ADR-021@2.0.1` resolved in the workspace's ADR folders."""
    path = Path(text)
    match = _ADR_REFERENCE.match(text)
    if path.exists() or match is None:
        return path
    from specloom.core.specs.adr import AdrIndex

    root = _workspace_root(Path.cwd())
    folders = _load_config(root).workspace.adr_folders
    index = AdrIndex.build(root, folders)
    adr_id, version = match.group("id"), match.group("version")
    found = index.matches(adr_id, version)
    if len(found) == 1:
        return Path(found[0].path)
    wanted = f"{adr_id}" + (f" version {version}" if version else "")
    if not found:
        versions = sorted({spec.version or "no version" for spec in index.matches(adr_id)})
        other = f"; it has {', '.join(versions)}" if versions else ""
        raise _UsageError(
            f"no file {text!r}, and no ADR {wanted} under {', '.join(folders)} in {root}{other}. "
            "Give the ADR's path, or add its folder to [workspace] adr_folders."
        )
    listed = ", ".join(f"{spec.path} (version {spec.version or '?'})" for spec in found)
    raise _UsageError(f"{wanted} names {len(found)} ADRs: {listed}; add @VERSION to choose one.")


def _check(args) -> int:
    from specloom.core.findings import Severity, sort_findings
    from specloom.core.specs import parse_path
    from specloom.core.workspace import expand
    from specloom.output.findings import render_json, render_sarif, render_text

    config = _load_config(Path(args.paths[0]))
    max_bytes = config.workspace.max_file_bytes
    files: dict[str, list] = {}
    unreadable = False
    for path, explicit in expand(args.paths):
        spec, findings = parse_path(path, workspace_root=_workspace_root(path.parent), max_file_bytes=max_bytes)
        if spec is None and not explicit and all(f.code == "IO006" for f in findings):
            continue  # a directory's non-spec YAML and Markdown are not worth a warning
        unreadable |= any(f.code in _UNREADABLE for f in findings)
        for finding in findings:
            files.setdefault(finding.path or str(path), []).append(finding)
        files.setdefault(str(path), [])
    files = {p: sort_findings(fs) for p, fs in files.items()}
    if args.format == "json":
        sys.stdout.write(render_json(files))
    elif args.format == "sarif":
        sys.stdout.write(render_sarif(files))
    else:
        color = args.color == "always" or (
            args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        )
        sys.stdout.write(render_text(files, color=color))
    if unreadable:
        return EXIT_USAGE
    errors = any(f.severity is Severity.ERROR for fs in files.values() for f in fs)
    return EXIT_FINDINGS if errors else EXIT_OK


def _plan(args) -> int:
    from specloom.core.findings import Severity
    from specloom.core.plan import PlanError
    from specloom.core.specs import parse_path
    from specloom.templates.layout import PlanOptions, plan_generation

    path = _spec_argument(args.spec)
    config = _load_config(path)
    spec, findings = parse_path(
        path, workspace_root=_workspace_root(path.parent), max_file_bytes=config.workspace.max_file_bytes
    )
    if spec is None:
        for f in findings:
            print(f"specloom: {f.path}: {f.message} {f.suggestion or ''}".rstrip(), file=sys.stderr)
        return EXIT_USAGE
    errors = [f for f in findings if f.severity is Severity.ERROR]
    options = PlanOptions.from_config(config, _workspace_root(path.parent))
    if args.operations:
        options.operations = [o.strip() for o in args.operations.split(",") if o.strip()] or None
    options.language = args.language or options.language
    options.framework = args.framework or options.framework
    try:
        result = plan_generation(spec, options)
    except PlanError as exc:
        raise _UsageError(str(exc)) from exc
    from specloom.context import existing_files

    target = Path(args.out) if args.out else _workspace_root(path.parent) / config.generation.output_dir
    existing = existing_files(target, [f.path for f in result.files])
    if args.json:
        out = result.to_json()
        out["target"] = str(target)
        for entry in out["files"]:
            if entry["path"] in existing:
                found = existing[entry["path"]]
                entry["exists"] = found.to_json() | {"label": found.label}
        out["findings"] = {"errors": len(errors), "total": len(findings)}
        if spec.kind == "adr":
            out["constraints"] = [
                {"title": c.title, "text": c.text, "range": c.range.to_json()} for c in spec.constraints
            ]
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        sys.stdout.write(_plan_text(result, len(errors), getattr(spec, "constraints", []), existing, target))
    return EXIT_OK


def _plan_text(result, error_count: int, constraints=(), existing=None, target=None) -> str:
    lines = [
        f"Plan for {result.spec} ({result.kind}, {result.language}"
        + (f"/{result.framework}" if result.framework else "")
        + f"): {len(result.files)} file(s)"
    ]
    width = max((len(f.path) for f in result.files), default=0)
    for f in result.files:
        where = ", ".join(f"{s.pointer} (line {s.range.start.line + 1})" for s in f.sources[:3])
        more = f" +{len(f.sources) - 3} more" if len(f.sources) > 3 else ""
        lines.append(f"  {f.path.ljust(width)}  {f.purpose:<13} {f.producer:<30} {where}{more}")
        if existing and f.path in existing:
            lines.append(f"  {'':<{width}}  ^ {existing[f.path].label}")
    if existing:
        lines.append(f"  {len(existing)} of these file(s) already exist in {target}.")
    for number, constraint in enumerate(constraints, 1):
        lines.append(f"  constraint {number} (line {constraint.range.start.line + 1}): {constraint.title}")
    if constraints:
        lines.append("  (each constraint's text reaches the AI provider as quoted data, with the File skeletons)")
    for note in result.notes:
        lines.append(f"  note: {note}")
    if error_count:
        lines.append(
            f"  warning: the spec has {error_count} error(s); `specloom check` lists them. "
            "Generation refuses specs with errors."
        )
    return "\n".join(lines) + "\n"


def _generate(args) -> int:
    import asyncio

    from specloom.pipeline import GenerateOptions
    from specloom.service import generation_result, open_service

    spec_path = _spec_argument(args.spec)
    root = _workspace_root(spec_path.parent if spec_path.exists() else Path.cwd())
    config = _load_config(root)
    opts = GenerateOptions.from_config(
        config,
        spec_path,
        Path(args.out),
        root,
        language=args.language,
        framework=args.framework,
        operations=[o.strip() for o in args.operations.split(",") if o.strip()] if args.operations else None,
        dry_run=args.dry_run,
        coverage_threshold=args.coverage_threshold,
        provider=args.provider,
    )
    chain = config.generation.fallback_chain
    if args.provider and args.provider not in chain:
        raise _UsageError(
            f"--provider {args.provider}: not in [generation] fallback_chain ({', '.join(chain) or 'empty'}); "
            "add it there to use it."
        )
    from specloom import logs

    logs.configure(config.logging, root, default_stderr=False)  # the CLI's own output already tells the run
    with open_service(config, root) as service:
        progress = None if args.json else _progress_printer()
        outcome = asyncio.run(service.generate(opts, progress))
    logs.generation_event(outcome, opts)
    if args.json:
        result = generation_result(outcome, opts)
        result.report["diff"] = outcome.diff if args.dry_run else ""
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(_generate_text(outcome, args.dry_run))
    return outcome.exit_code


def _progress_printer():
    started = {}

    def show(step: str, percent: int, message: str) -> None:
        import time

        now = time.perf_counter()
        started.setdefault("t0", now)
        print(f"[{percent:3d}%] {step:<9} +{(now - started['t0']) * 1000:6.0f} ms", file=sys.stderr, flush=True)

    return show


def _generate_text(outcome, dry_run: bool) -> str:
    lines = [outcome.message]
    for f in outcome.spec_findings[:20]:
        lines.append(f"  {f.path}:{f.range.start.line + 1}:{f.range.start.character + 1}: {f.code} {f.message}")
    for prepared in outcome.toolchains:
        still = f"; still not ready: {prepared['problem']}" if prepared["problem"] else ""
        lines.append(
            f"  prepared the {prepared['language']} toolchain {prepared['folder']} ({prepared['seconds']:g} s){still}"
        )
    for gate in outcome.gates:
        state = "passed" if gate["passed"] else ("TIMED OUT" if gate["timed_out"] else "FAILED")
        lines.append(f"  gate {gate['name']:<9} {state:<9} {gate['duration_ms']:8.0f} ms")
    for issue in outcome.gate_issues[:30]:
        spec_el = f" (from {issue.sources[0]['pointer']})" if issue.sources else ""
        lines.append(f"  {issue.gate}: {issue.file}:{issue.line}:{issue.column}: {issue.code} {issue.message}{spec_el}")
    for gap in outcome.gaps:
        lines.append(f"  not implemented by the template pack: {gap}")
    for action in (outcome.delivery or {}).get("files", []):
        if action.get("kind") not in ("conflict", "untracked_exists"):
            continue
        lines.append(f"  conflict: {action['path']}: {action.get('note', '')}")
        for conflict in action.get("conflicts", []):
            lines.append(f"    line {conflict['start_line'] + 1}:")
            lines.extend(f"      yours: {line}" for line in conflict["ours"])
            lines.extend(f"      new:   {line}" for line in conflict["theirs"])
    if dry_run:
        lines.append("  plan:")
        lines.extend(f"    {f['path']}  ({f['purpose']}, {f['producer']})" for f in outcome.plan)
        if outcome.diff:
            lines.append(outcome.diff)
    timings = ", ".join(f"{k} {v:.0f} ms" for k, v in outcome.step_ms.items())
    lines.append(f"  {outcome.files} file(s), {outcome.lines} line(s); {timings}")
    if outcome.audit_id:
        lines.append(f"  audit record {outcome.audit_id}")
    return "\n".join(lines) + "\n"


def _convert(args) -> int:
    import yaml

    from specloom.core.specs import parse_path

    path = Path(args.spec)
    spec, findings = parse_path(path, kind="openapi")
    if spec is None or not getattr(spec, "converted_from", None):
        why = findings[0].message if findings and spec is None else "it is not a Swagger 2.0 document"
        raise _UsageError(f"{path}: nothing to convert: {why}")
    out = Path(args.out) if args.out else path.with_name(f"{path.stem}.openapi3.yaml")
    if out.exists() and not args.force:
        raise _UsageError(f"{out} exists; pass --force to overwrite it, or --out to write elsewhere")
    header = f"# OpenAPI 3.0 form of {path.name} (Swagger {spec.converted_from}), written by `specloom convert`.\n"
    out.write_text(header + yaml.safe_dump(spec.data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    errors = sum(1 for f in findings if f.severity.label == "error")
    print(f"Wrote {out} ({len(spec.operations)} operation(s)); the 2.0 spec has {errors} error(s) `check` lists.")
    return EXIT_OK


def _validate(args) -> int:
    from specloom.gates import GateConfig, run_gates_sync
    from specloom.toolchains import folders_for

    folder = Path(args.dir)
    if not folder.is_dir():
        raise _UsageError(f"{folder} is not a folder")
    config = _load_config(folder)
    threshold = args.coverage_threshold if args.coverage_threshold is not None else config.generation.coverage_threshold
    cfg = GateConfig(coverage_threshold=threshold, test_python=config.generation.test_python)
    cfg.toolchains = folders_for(None)  # validate never prepares: a missing tool fails closed, naming the fix
    results = run_gates_sync(folder, cfg)
    if args.json:
        sys.stdout.write(
            json.dumps(
                [
                    {
                        "name": r.name,
                        "passed": r.passed,
                        "duration_ms": r.duration_ms,
                        "timed_out": r.timed_out,
                        "skipped": r.skipped_reason,
                        "findings": [_gate_finding(f) for f in r.findings],
                    }
                    for r in results
                ],
                indent=2,
            )
            + "\n"
        )
    else:
        for r in results:
            print(f"gate {r.name:<9} {'passed' if r.passed else 'FAILED'} ({r.duration_ms:.0f} ms)")
            for f in r.findings:
                print(f"  {f.file}:{f.line}:{f.column}: {f.code} {f.message}")
    return EXIT_OK if all(r.passed for r in results) else 3


def _gate_finding(f) -> dict:
    return {
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "code": f.code,
        "message": f.message,
        "severity": f.severity,
    }


def _templates(args) -> int:
    from specloom.backends.languages import gated_languages
    from specloom.templates.goldens import run_pack
    from specloom.templates.packs import discover

    config = _load_config(Path.cwd())
    root = _workspace_root(Path.cwd())
    packs, errors = discover([root / o for o in config.generation.template_overlays])
    if args.templates_command == "list":
        for pack in packs:
            print(f"{pack.ref:<28} {pack.language}/{pack.framework:<10} {len(pack.templates)} templates  {pack.root}")
        packless = [name for name in gated_languages() if name not in {p.language for p in packs}]
        if packless:
            print(f"gated, no pack yet (a model writes the code): {', '.join(packless)}")
        for error in errors:
            where = f"{error.path}:{error.line}" if error.line else str(error.path or "")
            print(f"refused: {where}: {error}")
        return EXIT_OK if not errors else EXIT_FINDINGS
    if args.templates_command == "prepare":
        return _prepare(args, packs)
    failed = False
    for pack in packs:
        for result in run_pack(pack, update=args.update):
            print(f"{result.pack} {result.case}: {'updated' if args.update else 'ok' if result.passed else 'DIFFERS'}")
            for difference in result.differences:
                print("  " + difference.replace("\n", "\n  "))
            failed |= not result.passed
    for error in errors:
        print(f"refused: {error.path}:{error.line or ''}: {error}")
    return EXIT_FINDINGS if failed or errors else EXIT_OK


def _prepare(args, packs) -> int:
    from specloom.backends.languages import gated_languages
    from specloom.toolchains import language_folder, pack_folder

    if args.all:
        if args.pack or args.language:
            raise _UsageError("--all prepares every pack: name no pack and no --language with it")
        newest = {p.name: p for p in sorted(packs, key=lambda p: p.version_key)}
        codes = [_prepare_one(p.language, pack_folder(p), p.root / "toolchain") for _, p in sorted(newest.items())]
        return max(codes, default=EXIT_OK)
    if (args.pack is None) == (args.language is None):
        raise _UsageError("name a pack (specloom templates prepare python-fastapi) or --language LANG, not both")
    if args.language is not None:
        if args.language not in gated_languages():
            raise _UsageError(f"no gates for the language '{args.language}': known are {', '.join(gated_languages())}")
        return _prepare_one(args.language, language_folder(args.language), None)
    name, _, version = args.pack.partition("@")
    matching = [p for p in packs if p.name == name and (not version or p.version == version)]
    if not matching:
        known = ", ".join(sorted({p.ref for p in packs}))
        raise _UsageError(f"no pack {args.pack}; `specloom templates list` shows them: {known}")
    pack = max(matching, key=lambda p: p.version_key)
    return _prepare_one(pack.language, pack_folder(pack), pack.root / "toolchain")


def _prepare_one(language: str, folder, own) -> int:
    from specloom.toolchains import ToolchainError, prepare

    start = time.perf_counter()
    try:
        problem = prepare(language, folder, own)
    except ToolchainError as exc:
        problem = str(exc)
    if problem is not None:
        print(f"{folder}: not ready: {problem}", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"{folder}: {language} gate tools ready ({time.perf_counter() - start:.1f} s)")
    return EXIT_OK


def _audit(args) -> int:
    from specloom.audit import open_store
    from specloom.audit.cli import audit_list, audit_show, audit_verify

    root = _workspace_root(Path.cwd())
    if args.audit_command == "migrate":
        from specloom.audit.foundationdb import migrate_sqlite

        _print(migrate_sqlite(_load_config(root), root))
        return EXIT_OK
    store = open_store(_load_config(root), root=root)
    try:
        if args.audit_command == "list":
            _print(audit_list(store, as_json=args.json, limit=args.limit))
            return EXIT_OK
        if args.audit_command == "show":
            _print(audit_show(store, args.id, args.json))
            return EXIT_OK
        text, ok = audit_verify(store, args.json, args.expect_head)
        _print(text)
        return EXIT_OK if ok else EXIT_FINDINGS
    finally:
        store.close()


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _providers(args) -> int:
    import asyncio

    from specloom.providers import build_providers

    config = _load_config(Path.cwd())
    providers = build_providers(config)
    chain = config.generation.fallback_chain

    async def probe() -> list[str]:
        return list(await asyncio.gather(*(p.health() for p in providers.values())))

    rows = []
    for (name, provider), health in zip(providers.items(), asyncio.run(probe()), strict=True):
        settings = config.providers.get(name)
        rows.append(
            {
                "name": name,
                "kind": getattr(provider, "kind", "template"),
                "model": provider.model,
                "base_url": settings.base_url if settings else None,
                "api_key_env": settings.api_key_env if settings else None,
                "in_chain": chain.index(name) + 1 if name in chain else None,
                "health": health,
            }
        )
    if args.json:
        _print(json.dumps({"fallback_chain": chain, "providers": rows}, indent=2))
    else:
        lines = [f"fallback chain: {' -> '.join(chain)}"]
        for row in rows:
            place = f"#{row['in_chain']}" if row["in_chain"] else "unused"
            lines.append(f"  {row['name']:<12} {row['kind']:<9} {row['model']:<20} {place:<7} {row['health']}")
        if not config.providers:
            lines.append("  no AI provider configured: add [providers.<name>] tables to specloom.toml")
        _print("\n".join(lines))
    unhealthy = [row for row in rows if row["health"] != "ok" and row["in_chain"]]
    return 1 if unhealthy else EXIT_OK


def _serve(args) -> int:
    from specloom.lsp.startup import install_code_cache

    save_code_cache = install_code_cache()
    from specloom.lsp.server import create_server

    server = create_server()
    save_code_cache()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            raise _UsageError(f"--tcp wants HOST:PORT, not {args.tcp!r}")
        server.start_tcp(host, int(port))
    else:
        server.start_io()
    return EXIT_OK


def _api(args) -> int:
    from specloom import logs
    from specloom.api.app import run

    root = _workspace_root(Path.cwd())
    config = _load_config(root)
    logs.configure(config.logging, root)
    run(config, root, args.host or config.api.host, args.port if args.port is not None else config.api.port)
    return EXIT_OK


def _worker(args) -> int:
    from specloom import logs
    from specloom.api.jobs import run_worker

    root = _workspace_root(Path.cwd())
    config = _load_config(root)
    logs.configure(config.logging, root)
    run_worker(config, root)
    return EXIT_OK
