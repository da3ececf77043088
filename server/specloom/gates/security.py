"""Security gate: on every tree, detect-secrets on every file and the malicious-pattern scan on all code;
then each present language's own scanner (Python: bandit, HIGH fails and MEDIUM warns)."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from pathlib import Path

from specloom.backends.languages import present_languages
from specloom.core.malicious import SCANNED, malicious_patterns
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
    tool_error,
)
from specloom.gates.languages import per_language

NAME = "security"
# Inline "pragma: allowlist secret" comments are not honoured: a leaked key cannot be taken back.
_SECRETS_ARGS = ["scan", "--all-files", "--disable-filter", "detect_secrets.filters.allowlist.is_line_allowlisted"]


def secret_findings(done: Completed) -> list[GateFinding]:
    try:
        results = json.loads(done.stdout)["results"]
    except (json.JSONDecodeError, KeyError, TypeError):
        return [tool_error(NAME, "detect-secrets", done)]
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


def pattern_findings(root: Path, stop: threading.Event) -> list[GateFinding]:
    findings: list[GateFinding] = []
    for path in project_files(root, tuple(SCANNED)):
        if stop.is_set():
            break
        text = path.read_bytes().decode("utf-8", "replace")  # the syntax gate reports a file that is not UTF-8
        rel = relative(root, path)
        findings.extend(
            GateFinding(NAME, rel, p.line, p.column, p.code, p.message)
            for p in malicious_patterns(text, path.name[path.name.rfind(".") :])
        )
    return findings


async def _patterns(root: Path) -> list[GateFinding]:
    stop = threading.Event()
    try:
        return await asyncio.to_thread(pattern_findings, root, stop)
    finally:
        stop.set()  # a timed-out scan stops at the next file


async def _check(root: Path, cfg: GateConfig) -> list[GateFinding]:
    secrets = run_process([sys.executable, "-m", "detect_secrets", *_SECRETS_ARGS, "."], root, clean_env())
    languages = per_language(NAME, present_languages(root), cfg, lambda lang, tools: lang.security(root, cfg, tools))
    secrets_done, patterns, by_language = await asyncio.gather(secrets, _patterns(root), languages)
    return secret_findings(secrets_done) + patterns + by_language


class SecurityGate:
    name = NAME

    async def run(self, root: Path, cfg: GateConfig, cancel: asyncio.Event | None) -> GateResult:
        return await guarded(self.name, cfg, cancel, _check(root, cfg))
