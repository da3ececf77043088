"""C#'s gates through the .NET SDK, offline: `dotnet format --verify-no-changes` and `dotnet build` with the .NET
analyzers at the recommended level, warnings as errors (style), `dotnet test` with coverlet's XPlat collector,
line coverage >= the threshold (tests).

The SDK cannot be installed on the machines Specloom is developed on, so these gates fail closed there with
the install instructions; the command lines below have not been run against a real SDK yet, and preparing
does not yet fill `<tools>/nuget`, the only package source a gate run restores from.
security: the security gate's pattern and secret scans.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from specloom.backends.base import ToolchainError
from specloom.gates.base import GateConfig, GateFinding, clean_env, relative, run_process, scratch_copy, whole_run

INSTALL = (
    "the .NET SDK (`dotnet`) is not installed: install the .NET 8 SDK "
    "(https://learn.microsoft.com/dotnet/core/install/linux; on Debian add Microsoft's package feed, "
    "then `apt-get install dotnet-sdk-8.0`)"
)
# The .NET analyzers (security rules CA2100, CA3xxx, CA5xxx among them) at the recommended level, warnings as
# errors; command-line properties override the project's, so its file cannot switch them off.
_ANALYZERS = (
    "-warnaserror",
    "-p:TreatWarningsAsErrors=true",
    "-p:EnableNETAnalyzers=true",
    "-p:AnalysisLevel=latest-recommended",
    "-p:EnforceCodeStyleInBuild=true",
)
# MSBuild's "path(line,col): error CODE: message [project]"
_DIAGNOSTIC = re.compile(r"^(\S.*?\.cs)\((\d+),(\d+)\): (?:error|warning) (\w+): (.*?)(?: \[.*\])?$", re.MULTILINE)


def _env(tools: Path) -> dict[str, str]:
    return clean_env(
        DOTNET_CLI_TELEMETRY_OPTOUT="1",
        DOTNET_NOLOGO="1",
        NUGET_PACKAGES=str(tools / "nuget"),
        DOTNET_CLI_HOME=str(tools),
    )


async def _restore(copy: Path, tools: Path):
    # Only from the toolchain's local package folder: a gate run never downloads.
    return await run_process(["dotnet", "restore", "--source", str(tools / "nuget")], copy, _env(tools))


def diagnostics(gate: str, copy: Path, output: str) -> list[GateFinding]:
    return list(
        dict.fromkeys(
            GateFinding(gate, relative(copy, path), int(line), int(col), code, message)
            for path, line, col, code, message in _DIAGNOSTIC.findall(output)
        )
    )


class CSharpGates:
    language = "csharp"
    suffixes = (".cs",)

    def tool_problem(self, tools: Path) -> str | None:
        if shutil.which("dotnet") is None:
            return INSTALL
        sdks = subprocess.run(["dotnet", "--list-sdks"], capture_output=True, text=True, check=False)  # noqa: S607
        return None if sdks.stdout.strip() else INSTALL

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        if self.tool_problem(tools) is not None:
            raise ToolchainError(INSTALL)

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        with scratch_copy(root, "specloom-cs-") as copy:
            await _restore(copy, tools)
            fmt = await run_process(["dotnet", "format", "--verify-no-changes", "-v", "q"], copy, _env(tools))
            build = await run_process(["dotnet", "build", *_ANALYZERS, "-nologo", "--no-restore"], copy, _env(tools))
            findings = diagnostics("style", copy, fmt.stdout + fmt.stderr + build.stdout)
        if (fmt.returncode or build.returncode) and not findings:
            findings.append(whole_run("style", "tool-error", f"dotnet failed: {(build.stdout + fmt.stderr)[-2000:]}"))
        return findings

    async def security(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return []  # the security gate's pattern and secret scans are C#'s whole security check for now

    async def tests(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        with tempfile.TemporaryDirectory(prefix="specloom-cs-results-") as results, scratch_copy(root, "cs-") as copy:
            args = [
                "dotnet",
                "test",
                "--no-restore",
                "--collect",
                "XPlat Code Coverage",
                "--results-directory",
                results,
            ]
            await _restore(copy, tools)
            done = await run_process(args, copy, _env(tools))
            if done.returncode != 0:
                findings = diagnostics("tests", copy, done.stdout)
                return findings or [whole_run("tests", "test-failed", f"dotnet test failed: {done.stdout[-2000:]}")]
            if "No test is available" in done.stdout or "Total tests: 0" in done.stdout:
                return [whole_run("tests", "no-tests", "no tests found: dotnet test ran no test")]
            reports = sorted(Path(results).rglob("coverage.cobertura.xml"))
            if not reports:
                return [whole_run("tests", "coverage", "coverlet wrote no coverage report")]
            total = 100 * float(ET.parse(reports[0]).getroot().get("line-rate", "0"))  # our own results folder
        if total < cfg.coverage_threshold:
            message = f"total line coverage {total:.1f}% is below the {cfg.coverage_threshold:g}% threshold"
            return [whole_run("tests", "coverage", message)]
        return []


GATES = CSharpGates()
