"""Every present language is gated: its own checks run, and a language whose tools cannot run fails closed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from specloom.backends.languages import gated_languages, gates_for, present_languages
from specloom.gates import GateConfig, run_gates_sync
from specloom.gates.security import SecurityGate
from specloom.gates.style import StyleGate
from specloom.gates.tests import TestsGate
from specloom.toolchains import folders_for, language_folder, pack_folder, prepare, toolchains_root
from tests.gates.test_gates import CLEAN, write

TS_EVAL = {"src/handler.ts": "export function run(req: { body: string }) {\n  return eval(req.body);\n}\n"}
GO_SHELL = {
    "go.mod": "module demo\n\ngo 1.22\n",
    "run.go": 'package demo\n\nimport "os/exec"\n\nfunc Run(input string) error {\n'
    '\treturn exec.Command("sh", "-c", input).Run()\n}\n',
}


def empty_toolchains(tmp_path: Path) -> GateConfig:
    """Every language pointed at an empty toolchain folder: nothing was prepared."""
    return GateConfig(toolchains={name: tmp_path / "toolchains" / name for name in gated_languages()})


def by_name(root: Path, cfg: GateConfig, gates=None) -> dict:
    return {r.name: r for r in run_gates_sync(root, cfg, gates)}


def codes(result) -> list[tuple[str, int, str]]:
    return [(f.file, f.line, f.code) for f in result.findings]


def test_registry_has_a_module_per_language_and_finds_what_is_present(tmp_path: Path):
    assert gated_languages() == ["python", "typescript", "go", "rust", "java", "csharp"]
    assert all(gates_for(name).language == name for name in gated_languages())
    root = write(tmp_path, {**TS_EVAL, "lib.rs": "fn main() {}\n", "README.md": "# x\n"})
    assert [lang.language for lang in present_languages(root)] == ["typescript", "rust"]


def test_typescript_eval_fails_security_at_its_line_and_its_unprepared_tools_fail_closed(tmp_path: Path):
    root = write(tmp_path / "proj", TS_EVAL)
    results = by_name(root, empty_toolchains(tmp_path))
    assert ("src/handler.ts", 2, "MAL001") in codes(results["security"]) and not results["security"].passed
    for gate in ("style", "security", "tests"):
        missing = [f for f in results[gate].findings if f.code == "tool-missing"]
        assert missing and missing[0].message.startswith("typescript: "), gate
        assert not results[gate].passed and results[gate].skipped_reason is None


def test_go_shell_command_fails_security_whatever_the_go_tools(tmp_path: Path):
    root = write(tmp_path / "proj", GO_SHELL)
    result = by_name(root, empty_toolchains(tmp_path), [SecurityGate()])["security"]
    shell = [f for f in result.findings if f.code == "MAL003"]
    assert [(f.file, f.line, f.column) for f in shell] == [("run.go", 6, 9)]
    assert "sh" in shell[0].message and not result.passed


def test_each_language_in_a_mixed_tree_is_checked_and_merged(tmp_path: Path):
    root = write(tmp_path / "proj", {**CLEAN, "calc/extra.py": "import os\n", **TS_EVAL})
    result = by_name(root, empty_toolchains(tmp_path), [StyleGate()])["style"]
    assert ("calc/extra.py", 1, "F401") in codes(result)  # ruff ran on the Python
    assert any(f.code == "tool-missing" and f.message.startswith("typescript: ") for f in result.findings)


def test_python_code_without_tests_fails_the_tests_gate(tmp_path: Path):
    root = write(tmp_path, {"calc/__init__.py": "", "calc/ops.py": CLEAN["calc/ops.py"]})
    result = by_name(root, GateConfig(pytest_plugin_autoload=False), [TestsGate()])["tests"]
    assert not result.passed and [f.code for f in result.findings] == ["no-tests"]
    assert result.findings[0].message.startswith("no tests found")


@pytest.mark.skipif(shutil.which("dotnet") is not None, reason="the .NET SDK is installed here")
def test_csharp_without_the_sdk_fails_closed_naming_it_and_its_install(tmp_path: Path):
    root = write(tmp_path / "proj", {"Program.cs": "class Program { static void Main() {} }\n"})
    results = by_name(root, empty_toolchains(tmp_path))
    for gate in ("style", "security", "tests"):
        [missing] = [f for f in results[gate].findings if f.code == "tool-missing"]
        assert ".NET SDK" in missing.message and "apt-get install dotnet-sdk-8.0" in missing.message


RUST_LIB = """pub fn add(a: i32, b: i32) -> i32 {
    a + b
}

pub fn length(v: &Vec<i32>) -> usize {
    return v.len();
}
"""


@pytest.mark.skipif(shutil.which("cargo-clippy") is None, reason="needs cargo and clippy")
def test_rust_style_names_clippy_lints_and_missing_tests_fail(tmp_path: Path):
    cargo = '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n'
    root = write(tmp_path / "proj", {"Cargo.toml": cargo, "src/lib.rs": RUST_LIB})
    results = by_name(root, empty_toolchains(tmp_path), [StyleGate(), TestsGate()])
    found = codes(results["style"])
    assert ("src/lib.rs", 5, "clippy::ptr_arg") in found and ("src/lib.rs", 6, "clippy::needless_return") in found
    assert [f.message for f in results["tests"].findings] == ["no tests found: no #[test] function in any .rs file"]
    assert sorted(p.name for p in root.iterdir()) == ["Cargo.toml", "src"]  # no Cargo.lock, no target/


@pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo")
def test_rust_tests_without_llvm_tools_fail_closed_naming_the_install(tmp_path: Path, monkeypatch):
    # A rustc whose sysroot has no llvm-tools component, as a toolchain without it answers.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "rustc").write_text(f"#!/bin/sh\necho {tmp_path / 'sysroot'}\n")
    (bin_dir / "rustc").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    tests = (
        "\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert!(super::add(1, 2) == 3);\n    }\n}\n"
    )
    root = write(tmp_path / "proj", {"Cargo.toml": '[package]\nname = "c"\n', "src/lib.rs": RUST_LIB + tests})
    result = by_name(root, empty_toolchains(tmp_path), [TestsGate()])["tests"]
    [missing] = result.findings
    assert missing.code == "tool-missing" and "rustup component add llvm-tools-preview" in missing.message


JAVA_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>demo</groupId><artifactId>calc</artifactId><version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
  <dependencies><dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>
    <version>5.14.1</version><scope>test</scope></dependency></dependencies>
  <build><plugins>
    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
    <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version></plugin>
  </plugins></build>
</project>
"""
JAVA_TEST = """package calc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OpsTest {
    @Test
    void adds() {
        assertEquals(6, Ops.add(2, 3));
    }
}
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("mvn") is None, reason="needs Maven")
def test_java_failing_test_is_named_with_file_and_line(tmp_path: Path):
    folder = language_folder("java")  # the shared default: Maven's plugins are downloaded only the first time
    assert prepare("java", folder) is None
    ops = "package calc;\n\npublic final class Ops {\n    public static int add(int a, int b) {\n"
    ops += "        return a + b;\n    }\n}\n"
    files = {"pom.xml": JAVA_POM, "src/main/java/calc/Ops.java": ops, "src/test/java/calc/OpsTest.java": JAVA_TEST}
    root = write(tmp_path / "proj", files)
    result = by_name(root, GateConfig(toolchains={"java": folder}), [TestsGate()])["tests"]
    [failed] = result.findings
    assert (failed.file, failed.line, failed.code) == ("src/test/java/calc/OpsTest.java", 10, "test-failed")
    assert "expected: <6> but was: <5>" in failed.message
    assert not (root / "target").exists()
    # The same seed prepared the style gate's tools: google-java-format and Checkstyle, with the gate's rules.
    unused = ops.replace("public final", "import java.util.List;\n\npublic final")
    (root / "src/main/java/calc/Ops.java").write_text(unused)
    style = by_name(root, GateConfig(toolchains={"java": folder}), [StyleGate()])["style"]
    found = codes(style)
    assert ("src/main/java/calc/Ops.java", 3, "google-java-format") in found, found
    assert ("src/main/java/calc/Ops.java", 3, "checkstyle:UnusedImports") in found, found


def test_toolchain_folders_per_pack_and_language(monkeypatch, tmp_path: Path):
    from specloom import __version__
    from specloom.templates.packs import discover

    monkeypatch.setenv("SPECLOOM_TOOLCHAINS", str(tmp_path))
    assert toolchains_root() == tmp_path
    pack = next(p for p in discover([])[0] if p.name == "python-fastapi")
    folders = folders_for(pack)
    assert folders["python"] == pack_folder(pack) == tmp_path / pack.ref
    assert folders["go"] == tmp_path / f"go@{__version__}"
    monkeypatch.delenv("SPECLOOM_TOOLCHAINS")
    assert toolchains_root() == Path.home() / ".cache" / "specloom" / "toolchains"


@pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo")
def test_rust_tests_run_under_llvm_source_based_coverage(tmp_path: Path):
    folder = tmp_path / "rust-tools"
    assert prepare("rust", folder) is None  # rustup's llvm-tools: added by prepare when missing
    tests = "\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n"
    tests += "        assert_eq!(super::add(2, 3), 6);\n    }\n}\n"
    cargo = '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n'
    root = write(tmp_path / "proj", {"Cargo.toml": cargo, "src/lib.rs": RUST_LIB + tests})
    cfg = GateConfig(toolchains={"rust": folder})
    [failed] = by_name(root, cfg, [TestsGate()])["tests"].findings
    assert (failed.file, failed.line, failed.code) == ("src/lib.rs", 13, "test-failed")
    assert "left: 5" in failed.message and "right: 6" in failed.message
    (root / "src/lib.rs").write_text(RUST_LIB + tests.replace("6);", "5);"))
    [low] = by_name(root, cfg, [TestsGate()])["tests"].findings
    assert low.code == "coverage" and "below the 95% threshold" in low.message and "src/lib.rs" in low.message
    (root / "src/lib.rs").write_text(RUST_LIB.split("pub fn length")[0] + tests.replace("6);", "5);"))
    assert by_name(root, cfg, [TestsGate()])["tests"].findings == []
    assert sorted(p.name for p in root.iterdir()) == ["Cargo.toml", "src"]  # the run wrote nothing into the tree


# The .NET SDK cannot be installed on this machine, so this stand-in `dotnet` answers as the real one
# does (MSBuild's diagnostic lines, coverlet's Cobertura report) to test how the C# gates read them.
FAKE_DOTNET = """#!/bin/sh
case "$1" in
  --list-sdks) echo "8.0.404 [/usr/share/dotnet/sdk]" ;;
  restore|format) exit 0 ;;
  build) echo "$PWD/src/Calc.cs(3,13): warning CS0168: The variable 'x' is declared but never used [$PWD/Calc.csproj]"
         exit 1 ;;
  test) while [ "$1" != "--results-directory" ]; do shift; done
        mkdir -p "$2/run"
        echo '<coverage line-rate="0.5" branch-rate="0"></coverage>' > "$2/run/coverage.cobertura.xml"
        echo "Passed!  - Failed: 0, Passed: 1, Skipped: 0, Total: 1" ;;
esac
"""


def test_csharp_gates_read_msbuild_diagnostics_and_coverlet_coverage(monkeypatch, tmp_path: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dotnet").write_text(FAKE_DOTNET)
    (bin_dir / "dotnet").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    root = write(
        tmp_path / "proj", {"Calc.csproj": "<Project Sdk='Microsoft.NET.Sdk' />\n", "src/Calc.cs": "class C {}\n"}
    )
    results = by_name(root, empty_toolchains(tmp_path), [StyleGate(), TestsGate()])
    assert codes(results["style"]) == [("src/Calc.cs", 3, "CS0168")]
    [coverage] = results["tests"].findings
    assert coverage.code == "coverage" and "50.0% is below the 95% threshold" in coverage.message
