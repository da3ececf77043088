"""Java's gates through Maven, offline, from a local repository the toolchain folder holds.

style: the project compiles with javac's warnings as errors. security: the malicious-pattern scan and the
secret scan the security gate runs on every tree (no Java-specific scanner yet). tests: Maven Surefire
under JaCoCo, line coverage >= the threshold. Preparing fills `<tools>/m2` with the plugins and JUnit
below by building a seed project once; a project must use these versions to build offline.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from specloom.backends.base import ToolchainError
from specloom.gates.base import GateConfig, GateFinding, clean_env, project_files, relative, run_process, scratch_copy
from specloom.gates.base import whole_run as _whole

JUNIT = "5.14.1"
SUREFIRE = "3.5.2"
COMPILER = "3.13.0"
JACOCO = "0.8.12"
_JACOCO = f"org.jacoco:jacoco-maven-plugin:{JACOCO}"
_READY = "ready"
_JAVAC = re.compile(r"^\[(ERROR|WARNING)\] (/\S+\.java):\[(\d+),(\d+)\] (.*)$", re.MULTILINE)
_SEED_POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.specloom</groupId><artifactId>seed</artifactId><version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
  <dependencies><dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>
    <version>{JUNIT}</version><scope>test</scope></dependency></dependencies>
  <build><plugins>
    <plugin><artifactId>maven-compiler-plugin</artifactId><version>{COMPILER}</version></plugin>
    <plugin><artifactId>maven-surefire-plugin</artifactId><version>{SUREFIRE}</version></plugin>
  </plugins></build>
</project>
"""
_SEED_TEST = "class SeedTest { @org.junit.jupiter.api.Test void runs() { new Seed(); } }\n"


def _maven(tools: Path, *goals: str) -> list[str]:
    return ["mvn", "-B", "-o", f"-Dmaven.repo.local={tools / 'm2'}", *goals]


def javac_findings(gate: str, copy: Path, output: str) -> list[GateFinding]:
    # Maven prints each compiler error twice: as javac reports it and again in its summary.
    return list(
        dict.fromkeys(
            GateFinding(gate, relative(copy, path), int(line), int(col), "javac", message.strip())
            for _level, path, line, col, message in _JAVAC.findall(output)
        )
    )


def surefire_findings(copy: Path) -> tuple[int, list[GateFinding]]:
    """(tests run, a finding per failing or erroring test case) from Surefire's XML reports."""
    ran, findings = 0, []
    for report in sorted((copy / "target" / "surefire-reports").glob("TEST-*.xml")):
        suite = ET.parse(report).getroot()  # Surefire wrote it, into our own scratch copy
        ran += int(suite.get("tests", "0"))
        for case in suite.iter("testcase"):
            for problem in [*case.iter("failure"), *case.iter("error")]:
                cls = case.get("classname", "")
                source = next(project_files(copy / "src" / "test", (f"{cls.rsplit('.', 1)[-1]}.java",)), None)
                file = relative(copy, source) if source else ""
                at = re.search(rf"{re.escape(cls)}\.\w+\((\w+\.java):(\d+)\)", problem.text or "")
                line = int(at.group(2)) if at else 0
                reason = (problem.get("message") or problem.get("type") or "").strip()[:500]
                findings.append(
                    GateFinding("tests", file, line, 1, "test-failed", f"{cls}.{case.get('name')}: {reason}")
                )
    return ran, findings


def jacoco_findings(csv_report: Path, threshold: float) -> list[GateFinding]:
    missed = covered = 0
    low = []
    with csv_report.open() as handle:
        for row in csv.DictReader(handle):
            m, c = int(row["LINE_MISSED"]), int(row["LINE_COVERED"])
            missed, covered = missed + m, covered + c
            if m:
                low.append((100.0 * c / (m + c), f"{row['PACKAGE']}.{row['CLASS']}"))
    total = 100.0 * covered / (missed + covered) if missed + covered else 0.0
    if total >= threshold:
        return []
    named = ", ".join(f"{name} ({percent:.0f}%)" for percent, name in sorted(low)[:10])
    return [
        _whole("tests", "coverage", f"total line coverage {total:.1f}% is below the {threshold:g}% threshold; {named}")
    ]


class JavaGates:
    language = "java"
    suffixes = (".java",)

    def tool_problem(self, tools: Path) -> str | None:
        for tool in ("java", "mvn"):
            if shutil.which(tool) is None:
                return f"`{tool}` is not installed: install a JDK and Maven (Debian: apt-get install default-jdk maven)"
        if not (tools / _READY).is_file():
            return f"the Maven repository in {tools} is not prepared: run `specloom templates prepare --language java`"
        return None

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        if (tools / _READY).is_file():
            return
        with tempfile.TemporaryDirectory(prefix="specloom-java-seed-") as tmp:
            seed = Path(tmp)
            (seed / "pom.xml").write_text(_SEED_POM)
            (seed / "src/main/java").mkdir(parents=True)
            (seed / "src/main/java/Seed.java").write_text("public class Seed {}\n")
            (seed / "src/test/java").mkdir(parents=True)
            (seed / "src/test/java/SeedTest.java").write_text(_SEED_TEST)
            goals = [f"{_JACOCO}:prepare-agent", "verify", f"{_JACOCO}:report"]
            args = [a for a in _maven(tools, *goals) if a != "-o"]  # the one run that may download
            done = subprocess.run(args, cwd=seed, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise ToolchainError(f"Maven could not fill {tools / 'm2'}: {(done.stdout + done.stderr)[-1500:]}")
        (tools / _READY).write_text(f"junit {JUNIT}, surefire {SUREFIRE}, compiler {COMPILER}, jacoco {JACOCO}\n")

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        if not (root / "pom.xml").is_file():
            return [
                _whole("style", "no-build-file", "no pom.xml at the project root: Maven cannot build this Java code")
            ]
        with scratch_copy(root, "specloom-java-style-") as copy:
            flags = ["-Dmaven.compiler.showWarnings=true", "-Dmaven.compiler.failOnWarning=true"]
            done = await run_process([*_maven(tools, "-q", "test-compile", *flags)], copy, clean_env())
            findings = javac_findings("style", copy, done.stdout)
        if done.returncode != 0 and not findings:
            return [_whole("style", "tool-error", f"mvn test-compile failed: {done.stdout[-2000:]}")]
        return findings

    async def security(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        return []  # the security gate's pattern and secret scans are Java's whole security check for now

    async def tests(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        if next(project_files(root / "src" / "test", (".java",)), None) is None:
            return [_whole("tests", "no-tests", "no tests found: no Java file under src/test/")]
        if not (root / "pom.xml").is_file():
            return [_whole("tests", "no-build-file", "no pom.xml at the project root: Maven cannot run the tests")]
        with scratch_copy(root, "specloom-java-tests-") as copy:
            goals = [f"{_JACOCO}:prepare-agent", "test", f"{_JACOCO}:report", "-Dmaven.test.failure.ignore=true"]
            done = await run_process(_maven(tools, *goals), copy, clean_env())
            ran, findings = surefire_findings(copy)
            report = copy / "target" / "site" / "jacoco" / "jacoco.csv"
            if done.returncode != 0:
                return findings + javac_findings("tests", copy, done.stdout) or [
                    _whole("tests", "tool-error", f"mvn test failed: {done.stdout[-2000:]}")
                ]
            if ran == 0:
                return [_whole("tests", "no-tests", "no tests found: Surefire ran no test")]
            if findings:
                return findings
            if not report.is_file():
                return [_whole("tests", "coverage", "JaCoCo wrote no coverage report")]
            return jacoco_findings(report, cfg.coverage_threshold)


GATES = JavaGates()
