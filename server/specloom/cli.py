"""The `specloom` command: a thin shell that drives the core and picks the exit code."""

from __future__ import annotations

import argparse
import json
import os
import sys
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
    plan.add_argument("--json", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        return _plan(args)
    except BrokenPipeError:
        return EXIT_OK
    except _UsageError as exc:
        print(f"specloom: {exc}", file=sys.stderr)
        return EXIT_USAGE


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


def _workspace_root(start: Path) -> Path:
    """The nearest folder upwards holding specloom.toml, pyproject.toml or .git; else `start`."""
    current = start.resolve()
    for folder in (current, *current.parents):
        if any((folder / marker).exists() for marker in ("specloom.toml", "pyproject.toml", ".git")):
            return folder
    return current


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
    from specloom.core.plan import PlanError, plan
    from specloom.core.specs import parse_path

    config = _load_config(Path(args.spec))
    path = Path(args.spec)
    spec, findings = parse_path(
        path, workspace_root=_workspace_root(path.parent), max_file_bytes=config.workspace.max_file_bytes
    )
    if spec is None:
        for f in findings:
            print(f"specloom: {f.path}: {f.message} {f.suggestion or ''}".rstrip(), file=sys.stderr)
        return EXIT_USAGE
    errors = [f for f in findings if f.severity is Severity.ERROR]
    operations = [o.strip() for o in args.operations.split(",") if o.strip()] if args.operations else None
    language = args.language or config.generation.language
    framework = args.framework or (config.generation.framework if language == "python" else None)
    try:
        result = plan(spec, operations, language, framework)
    except PlanError as exc:
        raise _UsageError(str(exc)) from exc
    if args.json:
        out = result.to_json()
        out["findings"] = {"errors": len(errors), "total": len(findings)}
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        sys.stdout.write(_plan_text(result, len(errors)))
    return EXIT_OK


def _plan_text(result, error_count: int) -> str:
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
    for note in result.notes:
        lines.append(f"  note: {note}")
    if error_count:
        lines.append(
            f"  warning: the spec has {error_count} error(s); `specloom check` lists them. "
            "Generation refuses specs with errors."
        )
    return "\n".join(lines) + "\n"
