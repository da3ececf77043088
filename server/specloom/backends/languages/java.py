"""Java's gates through Maven, offline, from a local repository the toolchain folder holds.

style: google-java-format's check and Checkstyle with the gate's own rules (neither compiles: the style gate's
budget is short). security: SpotBugs with the FindSecBugs plugin on the compiled classes (beside the
malicious-pattern and secret scans the security gate runs on every tree). tests: main and test code compiled
with javac's warnings as errors, then Maven Surefire (JUnit 5) under JaCoCo, line coverage >= the threshold.

The gate's plugins run by their full coordinates with the gate's configuration on the command line; a pom.xml
that configures one of them (or skips or silences a check) is refused, so a project cannot weaken the rules.
Preparing builds a seed project once (the pack's `toolchain/pom.xml`, or a plain JUnit one) with every plugin,
filling the Maven repository all Java toolchain folders share (`<toolchains>/m2`: a pack's and the language
default need the same plugins, downloaded once), and copies google-java-format and FindSecBugs into `<tools>/jars`.
"""

from __future__ import annotations

import csv
import difflib
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
CHECKSTYLE = "3.6.0"  # maven-checkstyle-plugin; it runs Checkstyle 9.3
SPOTBUGS = "4.9.8.1"  # spotbugs-maven-plugin
FINDSECBUGS = "1.14.0"
GOOGLE_JAVA_FORMAT = "1.28.0"  # the newest that runs on Java 17
DEPENDENCY = "3.8.1"
_JACOCO = f"org.jacoco:jacoco-maven-plugin:{JACOCO}"
_CHECKSTYLE = f"org.apache.maven.plugins:maven-checkstyle-plugin:{CHECKSTYLE}"
_SPOTBUGS = f"com.github.spotbugs:spotbugs-maven-plugin:{SPOTBUGS}"
_READY = "ready"
_JAVAC = re.compile(r"^\[(ERROR|WARNING)\] (/\S+\.java):\[(\d+),(\d+)\] (.*)$", re.MULTILINE)
# What in a pom.xml would change what a gate checks: the gate's own plugins, skips and silenced warnings.
_WEAKENING = re.compile(
    r"maven-checkstyle-plugin|spotbugs|jacoco|<skip|skipTests|failOnWarning|-nowarn|<showWarnings>false"
    r"|testFailureIgnore|<compilerArgs|-Xlint:none|<excludes>"
)
# The gate's Checkstyle rules: bugs and the naming and structure javac does not enforce; layout is the
# formatter's, so nothing here disagrees with google-java-format.
CHECKSTYLE_RULES = """<?xml version="1.0"?>
<!DOCTYPE module PUBLIC "-//Checkstyle//DTD Checkstyle Configuration 1.3//EN"
  "https://checkstyle.org/dtds/configuration_1_3.dtd">
<module name="Checker">
  <property name="charset" value="UTF-8"/>
  <module name="FileTabCharacter"/>
  <module name="LineLength"><property name="max" value="100"/>
    <property name="ignorePattern" value="^(package|import) |https?://"/></module>
  <module name="TreeWalker">
    <module name="AvoidStarImport"/>
    <module name="RedundantImport"/>
    <module name="UnusedImports"/>
    <module name="IllegalImport"/>
    <module name="PackageName"/>
    <module name="TypeName"/>
    <module name="MethodName"/>
    <module name="MemberName"/>
    <module name="ParameterName"/>
    <module name="LocalVariableName"/>
    <module name="ConstantName"/>
    <module name="NeedBraces"/>
    <module name="EmptyStatement"/>
    <module name="EmptyBlock"><property name="option" value="text"/></module>
    <module name="EqualsHashCode"/>
    <module name="StringLiteralEquality"/>
    <module name="CovariantEquals"/>
    <module name="SimplifyBooleanExpression"/>
    <module name="SimplifyBooleanReturn"/>
    <module name="InnerAssignment"/>
    <module name="MissingSwitchDefault"/>
    <module name="FallThrough"/>
    <module name="OneStatementPerLine"/>
    <module name="MultipleVariableDeclarations"/>
    <module name="ModifierOrder"/>
    <module name="RedundantModifier"/>
    <module name="UpperEll"/>
    <module name="ArrayTypeStyle"/>
    <module name="FinalClass"/>
    <module name="MutableException"/>
    <module name="DefaultComesLast"/>
    <module name="OverloadMethodsDeclarationOrder"/>
  </module>
</module>
"""
# SpotBugs bug types the gate does not count: FindSecBugs' SPRING_ENDPOINT only marks each request handler
# for a reviewer (it is no defect); EI_EXPOSE_REP/EI_EXPOSE_REP2 flag every record holding a list.
_NOT_COUNTED = ("SPRING_ENDPOINT", "EI_EXPOSE_REP", "EI_EXPOSE_REP2")
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
_SEED_MAIN = "package seed;\n\npublic final class Seed {\n  public int one() {\n    return 1;\n  }\n}\n"
_SEED_TEST = (
    "package seed;\n\nimport org.junit.jupiter.api.Test;\n\nclass SeedTest {\n  @Test\n  void runs() {\n"
    "    org.junit.jupiter.api.Assertions.assertEquals(1, new Seed().one());\n  }\n}\n"
)


# Short-lived JVMs (Maven, SpotBugs' fork) start faster with the client compiler and the serial collector.
_QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def maven_repository(tools: Path) -> Path:
    return tools.parent / "m2"


def _maven(tools: Path, *goals: str) -> list[str]:
    return ["mvn", "-B", "-o", f"-Dmaven.repo.local={maven_repository(tools)}", *goals]


def _maven_env() -> dict[str, str]:
    return clean_env(MAVEN_OPTS=_QUICK_JVM)


def formatter_jar(tools: Path) -> Path:
    return tools / "jars" / f"google-java-format-{GOOGLE_JAVA_FORMAT}-all-deps.jar"


def _findsecbugs_jar(tools: Path) -> Path:
    return tools / "jars" / f"findsecbugs-plugin-{FINDSECBUGS}.jar"


# google-java-format reaches into javac's internals, which Java 16+ opens only on request.
_JAVAC_EXPORTS = [
    f"--add-exports=jdk.compiler/com.sun.tools.javac.{package}=ALL-UNNAMED"
    for package in ("api", "code", "file", "parser", "tree", "util")
]


def formatter(tools: Path) -> list[str]:
    """The command line of google-java-format, as the gate and the pack's formatter run it."""
    return ["java", *_QUICK_JVM.split(), *_JAVAC_EXPORTS, "-jar", str(formatter_jar(tools))]


def javac_findings(gate: str, copy: Path, output: str) -> list[GateFinding]:
    # Maven prints each compiler error twice: as javac reports it and again in its summary.
    return list(
        dict.fromkeys(
            GateFinding(gate, relative(copy, path), int(line), int(col), "javac", message.strip())
            for _level, path, line, col, message in _JAVAC.findall(output)
        )
    )


def checkstyle_findings(copy: Path, report: Path) -> list[GateFinding]:
    findings = []
    for file in ET.parse(report).getroot().iter("file"):  # Checkstyle wrote it, into our own scratch folder
        for error in file.iter("error"):
            rule = error.get("source", "checkstyle").rsplit(".", 1)[-1].removesuffix("Check")
            findings.append(
                GateFinding(
                    "style",
                    relative(copy, file.get("name", "")),
                    int(error.get("line", "0")),
                    int(error.get("column", "1") or 1),
                    f"checkstyle:{rule}",
                    error.get("message", "").strip(),
                )
            )
    return findings


def spotbugs_findings(copy: Path, report: Path) -> list[GateFinding]:
    findings = []
    root = ET.parse(report).getroot()  # SpotBugs wrote it, into our own scratch copy
    for bug in root.iter("BugInstance"):
        kind = bug.get("type", "spotbugs")
        if kind in _NOT_COUNTED:
            continue
        line = next((s for s in bug.iter("SourceLine") if s.get("primary") == "true"), None)
        line = line if line is not None else next(bug.iter("SourceLine"), None)
        source = line.get("sourcepath", "") if line is not None else ""
        file = next((f for f in ("src/main/java", "src/test/java") if (copy / f / source).is_file()), None)
        message = (bug.findtext("LongMessage") or bug.findtext("ShortMessage") or kind).strip()
        findings.append(
            GateFinding(
                "security",
                f"{file}/{source}" if file else source,
                int(line.get("start", "0")) if line is not None else 0,
                1,
                kind,
                f"{message} (SpotBugs {bug.get('category', '')}, priority {bug.get('priority', '?')})",
            )
        )
    return findings


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


def _first_difference(original: str, formatted: str) -> int:
    for group in difflib.SequenceMatcher(None, original.splitlines(), formatted.splitlines()).get_opcodes():
        if group[0] != "equal":
            return group[1] + 1
    return 1


def _build_problem(gate: str, root: Path) -> GateFinding | None:
    pom = root / "pom.xml"
    if not pom.is_file():
        return _whole(gate, "no-build-file", "no pom.xml at the project root: Maven cannot build this Java code")
    found = _WEAKENING.search(pom.read_text(encoding="utf-8", errors="replace"))
    if found:
        return GateFinding(
            gate,
            "pom.xml",
            pom.read_text(encoding="utf-8", errors="replace")[: found.start()].count("\n") + 1,
            1,
            "gate-config",
            f"pom.xml configures `{found.group(0)}`, which would change what the {gate} gate checks: "
            "remove it (the gate runs its own plugins with its own configuration)",
        )
    return None


class JavaGates:
    language = "java"
    suffixes = (".java",)

    def tool_problem(self, tools: Path) -> str | None:
        for tool in ("java", "mvn"):
            if shutil.which(tool) is None:
                return f"`{tool}` is not installed: install a JDK and Maven (Debian: apt-get install default-jdk maven)"
        stamp = tools / _READY
        if (
            not stamp.is_file()
            or stamp.read_text(encoding="utf-8") != _stamp(tools)
            or not maven_repository(tools).is_dir()
        ):
            name = tools.name.split("@", 1)[0]
            how = (
                f"specloom templates prepare {name}" if name != "java" else "specloom templates prepare --language java"
            )
            return f"the Maven repository and gate tools in {tools} are not prepared: run `{how}`"
        return None

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        if self.tool_problem(tools) is None:
            return
        for tool in ("java", "mvn"):
            if shutil.which(tool) is None:
                raise ToolchainError(self.tool_problem(tools) or f"{tool} is missing")
        tools.mkdir(parents=True, exist_ok=True)
        (tools / _READY).unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="specloom-java-seed-") as tmp:
            seed = Path(tmp) / "seed"
            pom = pack_toolchain / "pom.xml" if pack_toolchain and (pack_toolchain / "pom.xml").is_file() else None
            seed.mkdir()
            (seed / "pom.xml").write_text(pom.read_text(encoding="utf-8") if pom else _SEED_POM, encoding="utf-8")
            for sources in ("src/main/java", "src/test/java"):
                if pom and (pack_toolchain / sources).is_dir():
                    shutil.copytree(pack_toolchain / sources, seed / sources)
            if not (seed / "src/main/java").is_dir():
                (seed / "src/main/java/seed").mkdir(parents=True)
                (seed / "src/main/java/seed/Seed.java").write_text(_SEED_MAIN, encoding="utf-8")
                (seed / "src/test/java/seed").mkdir(parents=True)
                (seed / "src/test/java/seed/SeedTest.java").write_text(_SEED_TEST, encoding="utf-8")
            rules = Path(tmp) / "checkstyle.xml"
            rules.write_text(CHECKSTYLE_RULES, encoding="utf-8")
            fetch = f"org.apache.maven.plugins:maven-dependency-plugin:{DEPENDENCY}:copy"
            runs = [  # the only runs that may download: every jar and plugin a gate run uses, jars first
                *(
                    [fetch, f"-Dartifact={artifact}", f"-DoutputDirectory={tools / 'jars'}"]
                    for artifact in (
                        f"com.h3xstream.findsecbugs:findsecbugs-plugin:{FINDSECBUGS}",
                        f"com.google.googlejavaformat:google-java-format:{GOOGLE_JAVA_FORMAT}:jar:all-deps",
                    )
                ),
                [
                    f"{_JACOCO}:prepare-agent",
                    "verify",
                    f"{_JACOCO}:report",
                    *_style_goals(rules),
                    *_security_goals(tools),
                ],
            ]
            for goals in runs:
                args = [a for a in _maven(tools, "-q", *goals) if a != "-o"]
                done = subprocess.run(args, cwd=seed, capture_output=True, text=True, check=False)  # noqa: S603
                if done.returncode != 0:
                    raise ToolchainError(f"Maven could not fill {tools}: {(done.stdout + done.stderr)[-1500:]}")
        (tools / _READY).write_text(_stamp(tools), encoding="utf-8")

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        problem = self.tool_problem(tools)
        if problem:
            return [_whole("style", "tool-missing", problem)]
        findings = await _format_findings(root, tools)
        broken = _build_problem("style", root)
        if broken:
            return [*findings, broken]
        with scratch_copy(root, "specloom-java-style-") as copy:
            rules = copy.parent / f"{copy.name}-checkstyle.xml"
            rules.write_text(CHECKSTYLE_RULES, encoding="utf-8")
            try:
                done = await run_process(_maven(tools, "-q", *_style_goals(rules)), copy, _maven_env())
            finally:
                rules.unlink(missing_ok=True)
            report = copy / "target" / "checkstyle-result.xml"
            if done.returncode != 0 or not report.is_file():
                return [*findings, _whole("style", "tool-error", f"Checkstyle did not run: {done.stdout[-2000:]}")]
            return findings + checkstyle_findings(copy, report)

    async def security(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        problem = self.tool_problem(tools)
        if problem:
            return [_whole("security", "tool-missing", problem)]
        broken = _build_problem("security", root)
        if broken:
            return [broken]
        with scratch_copy(root, "specloom-java-security-") as copy:
            done = await run_process(_maven(tools, "-q", *_security_goals(tools)), copy, _maven_env())
            report = copy / "target" / "spotbugsXml.xml"
            if done.returncode == 0 and report.is_file():
                return spotbugs_findings(copy, report)
            return javac_findings("security", copy, done.stdout) or [
                _whole("security", "tool-error", f"SpotBugs did not run: {done.stdout[-2000:]}")
            ]

    async def tests(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        problem = self.tool_problem(tools)
        if problem:
            return [_whole("tests", "tool-missing", problem)]
        if next(project_files(root / "src" / "test", (".java",)), None) is None:
            return [_whole("tests", "no-tests", "no tests found: no Java file under src/test/")]
        broken = _build_problem("tests", root)
        if broken:
            return [broken]
        with scratch_copy(root, "specloom-java-tests-") as copy:
            goals = [f"{_JACOCO}:prepare-agent", "test", f"{_JACOCO}:report", "-Dmaven.test.failure.ignore=true"]
            goals += _COMPILE_STRICT
            # The test JVM: JaCoCo's agent (in the property its prepare-agent sets) and the quick JVM flags.
            goals += ["-Djacoco.propertyName=jacocoAgent", f"-DargLine=@{{jacocoAgent}} {_QUICK_JVM}"]
            # Not -q: javac's warnings are Maven [WARNING] lines.
            done = await run_process(_maven(tools, *goals), copy, _maven_env())
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


def _stamp(tools: Path) -> str:
    """What a prepared folder records: the pins, and the repository its seed build filled (a folder prepared into
    another repository, before the repository was shared, is prepared again)."""
    return _pins() + f"repository {maven_repository(tools)}\n"


def _pins() -> str:
    return (
        f"junit {JUNIT}, surefire {SUREFIRE}, compiler {COMPILER}, jacoco {JACOCO}, checkstyle plugin {CHECKSTYLE}, "
        f"spotbugs plugin {SPOTBUGS}, findsecbugs {FINDSECBUGS}, google-java-format {GOOGLE_JAVA_FORMAT}\n"
    )


# javac with every warning shown and failing the build: the tests gate compiles so.
_COMPILE_STRICT = [
    "-Dmaven.compiler.showWarnings=true",
    "-Dmaven.compiler.failOnWarning=true",
    "-Dmaven.compiler.showDeprecation=true",
]


def _style_goals(rules: Path) -> list[str]:
    return [  # Checkstyle reads the sources: no compile
        f"{_CHECKSTYLE}:check",
        f"-Dcheckstyle.config.location={rules}",
        "-Dcheckstyle.includeTestSourceDirectory=true",
        "-Dcheckstyle.includeResources=false",
        "-Dcheckstyle.includeTestResources=false",
        "-Dcheckstyle.failOnViolation=false",
        "-Dcheckstyle.consoleOutput=false",
    ]


def _security_goals(tools: Path) -> list[str]:
    return [
        "compile",
        f"{_SPOTBUGS}:spotbugs",
        f"-Dspotbugs.pluginList={_findsecbugs_jar(tools)}",
        "-Dspotbugs.effort=Default",
        "-Dspotbugs.threshold=Medium",
        "-Dspotbugs.xmlOutput=true",
        f"-Dspotbugs.jvmArgs={_QUICK_JVM}",
    ]


async def _format_findings(root: Path, tools: Path) -> list[GateFinding]:
    files = sorted(project_files(root, (".java",)))
    if not files:
        return []
    done = await run_process([*formatter(tools), "--dry-run", *map(str, files)], root, clean_env())
    if done.returncode not in (0, 1) or (done.returncode == 1 and not done.stdout.strip()):
        return [_whole("style", "tool-error", f"google-java-format failed: {(done.stderr or done.stdout)[-2000:]}")]
    findings = []
    for listed in done.stdout.split():
        path = Path(listed) if Path(listed).is_absolute() else root / listed
        shown = await run_process([*formatter(tools), str(path)], root, clean_env())
        line = _first_difference(path.read_text(encoding="utf-8", errors="replace"), shown.stdout)
        findings.append(
            GateFinding(
                "style",
                relative(root, str(path)),
                line,
                1,
                "google-java-format",
                f"not formatted as google-java-format {GOOGLE_JAVA_FORMAT} formats it (first difference here): "
                f"run `java -jar google-java-format-{GOOGLE_JAVA_FORMAT}-all-deps.jar --replace` on it",
            )
        )
    return findings


GATES = JavaGates()
