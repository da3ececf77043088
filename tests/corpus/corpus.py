"""Runs one `@readme/oas-examples` document through `specloom check`, `plan` and `generate`, as a user would.

The CLI is driven in-process (`specloom.cli.main`), so each document costs no interpreter start-up;
the outcome is what the exit codes and `--json` reports say, nothing read from internals.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from specloom.cli import main

PACKAGE = "@readme/oas-examples"
VERSION = "8.2.2"
VERSIONS = ("3.0", "3.1")  # 2.0 (Swagger) is outside what `check` understands
USER = "corpus@example.com"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(slots=True)
class Outcome:
    document: str  # relative to the package, e.g. "3.0/json/petstore.json"
    check: str  # clean | errors
    codes: list[str] = field(default_factory=list)  # the error codes `check` reports, sorted, unique
    outcome: str = ""  # delivered | refused | no-template-files | invalid-spec | gate-failed | unplannable | error
    reason: str = ""  # the refusal, the plan's first note, or the first gate finding
    exit_code: int | None = None  # of `generate`, when it ran
    findings: list[str] = field(default_factory=list)  # every gate finding of a failed generation
    plan: dict = field(default_factory=dict)  # `specloom plan --json`
    unnamed: list[str] = field(default_factory=list)  # operations neither generated nor named in the plan's notes
    out: Path | None = None  # the delivered project


def documents(package: Path) -> list[str]:
    """Every 3.0 and 3.1 JSON document of the package, relative to it, in a stable order."""
    return sorted(str(p.relative_to(package)) for v in VERSIONS for p in (package / v / "json").rglob("*.json"))


def workspace(package: Path, root: Path) -> Path:
    """A workspace holding a copy of the documents and an identity, so audit logs stay out of the package."""
    for version in VERSIONS:
        shutil.copytree(package / version / "json", root / version / "json", dirs_exist_ok=True)
    return workspace_for(root)


def workspace_for(root: Path) -> Path:
    """An empty workspace with an identity, for one spec written into it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "specloom.toml").write_text(f'[identity]\nuser = "{USER}"\n')
    return root


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("SPECLOOM_")}
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse and usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.environ.update(env)
    return code, out.getvalue(), err.getvalue()


def gate_findings(report: dict) -> list[str]:
    return [f"{i['gate']}: {i['file']}:{i['line']}: {i['code']} {i['message']}" for i in report.get("gate_issues", [])]


def unnamed_operations(spec: dict, plan: dict, also_named_in: str = "", rendered_counts: bool = True) -> list[str]:
    """The operations neither rendered from a template (when that counts) nor named in a plan note."""
    templated = {
        s["pointer"] for f in plan.get("files", []) if f["producer"].startswith("template:") for s in f["sources"]
    }
    notes = " ".join(plan.get("notes", [])) + " " + also_named_in
    missing = []
    for path, item in (spec.get("paths") or {}).items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            pointer = "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method
            collection = re.sub(r"/\{[^/{}]+\}$", "", path)  # a note on a resource covers its item path
            names = [n for n in (op.get("operationId"), path, collection) if n]
            named = any(re.search(rf"(?<![\w/{{}}]){re.escape(n)}(?![\w/{{}}])", notes) for n in names)
            if not (named or (rendered_counts and pointer in templated)):
                missing.append(f"{op.get('operationId', '')} ({method.upper()} {path})".lstrip())
    return missing


def plan_only(root: Path, spec: dict) -> dict:
    """`specloom plan --json` of `spec`, written into the workspace `root`."""
    (root / "spec.json").write_text(json.dumps(spec, ensure_ascii=False, indent=2))
    code, stdout, stderr = _cli("plan", str(root / "spec.json"), "--json")
    if code != 0:
        raise AssertionError(f"specloom plan exited {code}: {stderr or stdout}")
    return json.loads(stdout)


def run_document(root: Path, document: str, out: Path) -> Outcome:
    """check, plan and, when the plan gives template files, generate `document` (under `root`) into `out`."""
    path = str(root / document)
    code, stdout, stderr = _cli("check", path, "--format", "json")
    findings = [f for entry in json.loads(stdout)["files"] for f in entry["findings"]] if stdout else []
    errors = sorted({f["code"] for f in findings if f["severity"] == "error"})
    result = Outcome(document, "errors" if errors or code != 0 else "clean", errors)
    code, stdout, stderr = _cli("plan", path, "--json")
    if code != 0:
        result.outcome, result.reason = "unplannable", (stderr or stdout).strip().splitlines()[-1:][0]
        return result
    plan = result.plan = json.loads(stdout)
    text = Path(path).read_text()
    spec = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    if not [f for f in plan["files"] if f["producer"].startswith("template:")]:
        result.outcome = "no-template-files"
        result.reason = plan["notes"][0] if plan["notes"] else "the plan is empty"
        result.unnamed = unnamed_operations(spec, plan, rendered_counts=False)
        return result
    result.exit_code, stdout, stderr = _cli("generate", path, "--out", str(out), "--json")
    try:
        report = json.loads(stdout).get("report", {})  # the pipeline's account of a GenerationResult
    except json.JSONDecodeError:
        result.outcome, result.reason = "error", (stderr or stdout).strip()[-300:]
        return result
    result.outcome, result.reason = {
        0: ("delivered", ""),
        2: ("invalid-spec", report["message"]),
        3: ("gate-failed", (gate_findings(report) or [report["message"]])[0]),
        4: ("refused", report["message"]),
    }.get(result.exit_code, ("error", report.get("message", "")))
    if result.exit_code == 0:
        result.out = out
    result.findings = gate_findings(report)
    if result.outcome != "invalid-spec":  # a spec with errors generates nothing, and its errors say why
        result.unnamed = unnamed_operations(spec, plan, result.reason, rendered_counts=result.outcome == "delivered")
    return result


INSTALL = Path(__file__).resolve().parent / "install.sh"
EXPECTED = Path(__file__).resolve().parent / "oas-examples.expected.toml"
NO_NPM = 3  # install.sh: npm is absent and nothing is cached


def install() -> tuple[Path | None, str]:
    """The installed package's folder, or None and why (only when npm is absent and nothing is cached)."""
    import subprocess

    done = subprocess.run([str(INSTALL)], capture_output=True, text=True, timeout=600)
    if done.returncode == NO_NPM:
        return None, done.stderr.strip()
    if done.returncode != 0:
        raise RuntimeError(f"{INSTALL} failed ({done.returncode}): {done.stderr.strip()}")
    return Path(done.stdout.strip()), ""


def fragment(result: Outcome) -> str:
    """The part of an outcome's reason the record keeps: stable across machines, specific enough to review."""
    if result.outcome == "gate-failed":
        gate, _, rest = result.reason.partition(": ")
        where, _, message = rest.partition(": ")
        return f"{gate}: {where}: {message.split(' ', 1)[0]}" if message else result.reason
    if result.outcome == "invalid-spec":
        return result.reason.split(", first at", 1)[0]
    return result.reason[:160]


def load_expected() -> dict[str, dict]:
    import tomllib

    return tomllib.loads(EXPECTED.read_text())


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def render_expected(results: list[Outcome]) -> str:
    """The record, as `bench/bench_corpus.py --record` writes it for review."""
    lines = [
        f"# The expected outcome of every 3.0/3.1 JSON document of {PACKAGE}@{VERSION} with the python-fastapi",
        "# pack, asserted by tests/corpus/test_corpus.py. Rewrite: `.venv/bin/python bench/bench_corpus.py --record`,",
        "# then review the diff. check: clean | errors (codes = the error codes). outcome: delivered | refused |",
        "# no-template-files | invalid-spec | gate-failed | unplannable | error. reason: a fragment of the refusal,",
        "# of the plan's first note, or the first gate finding (gate: file:line: code).",
        "# known_pack_bug = true: a gate failure the pack causes (issue 11); once fixed, it should read `delivered`.",
        "# unnamed: operations the plan neither gives a file nor names in its notes (a plan gap; should be empty).",
    ]
    for r in results:
        lines += ["", f"[{_toml_string(r.document)}]", f'check = "{r.check}"']
        if r.codes:
            lines.append("codes = [" + ", ".join(_toml_string(c) for c in r.codes) + "]")
        lines.append(f'outcome = "{r.outcome}"')
        if r.reason:
            lines.append(f"reason = {_toml_string(fragment(r))}")
        if r.unnamed:
            lines.append("# known plan gap: operations neither generated nor named, with why, in the plan's notes")
            lines.append("unnamed = [" + ", ".join(_toml_string(u) for u in r.unnamed) + "]")
        if r.outcome == "gate-failed":
            lines.append("known_pack_bug = true")
            lines.append(f"# first finding: {r.reason[:300]}".replace("\n", " "))
    return "\n".join(lines) + "\n"
