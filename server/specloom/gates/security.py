"""Security gate: bandit on the Python code (HIGH fails, MEDIUM warns) and detect-secrets on every file."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from specloom.gates.base import (
    Completed,
    GateConfig,
    GateFinding,
    GateResult,
    clean_env,
    guarded,
    project_files,
    relative,
    run_process,
    whole_run,
)

NAME = "security"
# Inline "pragma: allowlist secret" comments are not honoured: a leaked key cannot be taken back.
_SECRETS_ARGS = ["scan", "--all-files", "--disable-filter", "detect_secrets.filters.allowlist.is_line_allowlisted"]


def _tool_error(tool: str, done: Completed) -> GateFinding:
    return whole_run(NAME, "tool-error", f"{tool} failed: {(done.stderr or done.stdout).strip()[-2000:]}")


def bandit_findings(root: Path, done: Completed) -> list[GateFinding]:
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return [_tool_error("bandit", done)]
    findings = [
        GateFinding(
            NAME,
            relative(root, issue["filename"]),
            issue["line_number"],
            issue["col_offset"] + 1,
            issue["test_id"],
            f"{issue['issue_text']} (severity {issue['issue_severity']}, confidence {issue['issue_confidence']})",
            "error" if issue["issue_severity"] == "HIGH" else "warning",
        )
        for issue in report.get("results", [])
    ]
    for error in report.get("errors", []):
        message = f"bandit could not scan: {error['reason']}"
        findings.append(GateFinding(NAME, relative(root, error["filename"]), 0, 0, "bandit-error", message, "warning"))
    return findings


def secret_findings(done: Completed) -> list[GateFinding]:
    try:
        results = json.loads(done.stdout)["results"]
    except (json.JSONDecodeError, KeyError, TypeError):
        return [_tool_error("detect-secrets", done)]
    return [
        GateFinding(
            NAME,
            Path(path).as_posix(),
            secret["line_number"],
            1,
            "secret",
            f"possible secret ({secret['type']}): read it from the environment or a secret store instead",
        )
        for path, secrets in sorted(results.items())
        for secret in secrets
    ]


async def _check(root: Path) -> list[GateFinding]:
    env = clean_env()
    secrets = run_process([sys.executable, "-m", "detect_secrets", *_SECRETS_ARGS, "."], root, env)
    if next(project_files(root, (".py",)), None) is None:
        return secret_findings(await secrets)
    with tempfile.TemporaryDirectory(prefix="specloom-bandit-") as tmp:
        # Our own ini replaces a .bandit file in the tree, which could otherwise skip tests.
        ini = Path(tmp, "bandit.ini")
        ini.write_text("[bandit]\n")
        args = [sys.executable, "-m", "bandit", "-r", "-f", "json", "-q", "--severity-level", "medium"]
        bandit = run_process([*args, "--ini", str(ini), "."], root, env)
        bandit_done, secrets_done = await asyncio.gather(bandit, secrets)
    return bandit_findings(root, bandit_done) + secret_findings(secrets_done)


class SecurityGate:
    name = NAME

    async def run(self, root: Path, cfg: GateConfig, cancel: asyncio.Event | None) -> GateResult:
        return await guarded(self.name, cfg, cancel, _check(root))
