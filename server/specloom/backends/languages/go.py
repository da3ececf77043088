"""Go's gates: gofmt, go vet and staticcheck (style), gosec (security), go test with coverage (tests).

staticcheck and gosec are `go install`ed at pinned versions into `<tools>/bin`; the build, module and
staticcheck caches live in the same toolchain folder, so a gate run never downloads (GOPROXY=off) and a
repeat run is warm.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from specloom.gates.base import GateConfig, GateFinding, clean_env, run_process, whole_run
from specloom.gates.base import relative as _relative

# Pinned: both build with Go 1.26 (the versions the module proxy serves here; see the pack README).
TOOLS = {
    "staticcheck": "honnef.co/go/tools/cmd/staticcheck@v0.8.2",
    "gosec": "github.com/securego/gosec/v2/cmd/gosec@v2.30.0",
}
# staticcheck's own default selection, given on the command line so a project's staticcheck.conf cannot narrow it.
STATICCHECK_CHECKS = "all,-ST1000,-ST1003,-ST1016,-ST1020,-ST1021,-ST1022,-ST1023"
_PREPARED = ".prepared"  # written last by prepare: the pins it installed
_POSITION = re.compile(r"^(?P<file>[^\s:][^:]*\.go):(?P<line>\d+):(?:(?P<column>\d+):)?\s*(?P<message>.*)$")
_TOTAL = re.compile(r"^total:\s+\(statements\)\s+(?P<percent>[\d.]+)%", re.MULTILINE)


def go_env(tools: Path, *, offline: bool = True) -> dict[str, str]:
    """The environment every Go command runs in: tools inside the toolchain folder, no download during gates. The
    module and build caches are content-addressed and safe to share, so all Go toolchain folders share them: a
    second folder (a pack's beside the language default) downloads and compiles nothing the first did."""
    env = clean_env(
        GOPATH=str(tools / "gopath"),
        GOMODCACHE=str(tools.parent / "go-mod-cache"),
        GOCACHE=str(tools.parent / "go-build-cache"),
        GOBIN=str(tools / "bin"),
        STATICCHECK_CACHE=str(tools.parent / "staticcheck-cache"),
        GOTOOLCHAIN="local",
        GOWORK="off",
        CGO_ENABLED="0",
        GOTELEMETRY="off",
    )
    if offline:
        env |= {"GOPROXY": "off", "GOFLAGS": "-mod=readonly -buildvcs=false -trimpath"}
    else:
        env |= {key: os.environ[key] for key in ("GOPROXY", "GONOSUMDB", "GOSUMDB", "GOPRIVATE") if key in os.environ}
        env["GOFLAGS"] = "-buildvcs=false"
    return env


def _go() -> str | None:
    return shutil.which("go")


def _gofmt() -> str | None:
    found = shutil.which("gofmt")
    go = _go()
    if found is None and go is not None and (Path(go).resolve().parent / "gofmt").is_file():
        return str(Path(go).resolve().parent / "gofmt")
    return found


def relative(root: Path, path: str) -> str:
    """A tool's path relative to `root`. staticcheck and go vet replay cached findings with the absolute path of
    the tree they were first found in (the same files in another staging folder): then the longest tail of the
    path that names a file under `root` is the one meant."""
    found = _relative(root, path)
    if not Path(found).is_absolute():
        return found
    parts = Path(found).parts
    for start in range(1, len(parts)):
        tail = Path(*parts[start:])
        if (root / tail).is_file():
            return tail.as_posix()
    return found


def _pins() -> str:
    return "\n".join(f"{name} {module}" for name, module in sorted(TOOLS.items())) + "\n"


class GoGates:
    language = "go"
    suffixes = (".go",)

    def tool_problem(self, tools: Path) -> str | None:
        if _go() is None:
            return "the Go toolchain (`go`) is not on PATH: install Go 1.22 or newer (e.g. `apt-get install golang`)"
        if _gofmt() is None:
            return "`gofmt` is not beside `go`: reinstall the Go toolchain"
        missing = [name for name in TOOLS if not (tools / "bin" / name).is_file()]
        marker = tools / _PREPARED
        if missing or not marker.is_file() or marker.read_text(encoding="utf-8") != _pins():
            what = ", ".join(missing) or "the pinned versions of " + ", ".join(TOOLS)
            return f"{what} missing from the Go toolchain folder {tools}: run `specloom templates prepare go-nethttp`"
        return None

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        from specloom.toolchains import ToolchainError

        if self.tool_problem(tools) is None:
            return
        go = _go()
        if go is None:
            raise ToolchainError(self.tool_problem(tools) or "go is missing")
        tools.mkdir(parents=True, exist_ok=True)
        (tools / _PREPARED).unlink(missing_ok=True)
        env = go_env(tools, offline=False)
        for name, module in sorted(TOOLS.items()):
            _run_or_fail([go, "install", module], tools, env, f"installing {name} ({module})")
        # Warm the build cache with what the pack's projects compile (net/http, httptest, coverage), so the
        # first gate run after preparation is as fast as the next.
        warm = tools / "warm"
        warm.mkdir(exist_ok=True)
        (warm / "go.mod").write_text("module warm\n\ngo 1.22\n", encoding="utf-8")
        (warm / "main.go").write_text(_WARM_MAIN, encoding="utf-8")
        (warm / "main_test.go").write_text(_WARM_TEST, encoding="utf-8")
        offline = go_env(tools)
        profile = warm / "cover.out"
        _run_or_fail([go, "test", f"-coverprofile={profile}", "-coverpkg=./...", "./..."], warm, offline, "warming")
        _run_or_fail([go, "vet", "./..."], warm, offline, "warming go vet")
        _run_or_fail([str(tools / "bin" / "staticcheck"), "./..."], warm, offline, "warming staticcheck")
        (tools / _PREPARED).write_text(_pins(), encoding="utf-8")

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        problem = self.tool_problem(tools)
        if problem:
            return [whole_run("style", "tool-missing", problem)]
        env = go_env(tools)
        findings = await _gofmt_findings(root, env)
        if not (root / "go.mod").is_file():
            return [*findings, _no_module("style")]
        vet = await run_process([_go(), "vet", "-json", "./..."], root, env)
        findings += _vet_findings(root, vet.stderr + vet.stdout)
        if vet.returncode != 0 and not findings:
            findings.append(whole_run("style", "go-vet", (vet.stderr or vet.stdout).strip()[:2000]))
        check = await run_process(
            [str(tools / "bin" / "staticcheck"), "-f", "json", "-checks", STATICCHECK_CHECKS, "./..."], root, env
        )
        findings += _staticcheck_findings(root, check.stdout)
        if check.returncode != 0 and not any(f.code.startswith(("SA", "S1", "ST", "QF", "U1")) for f in findings):
            findings += _compiler_findings(root, "style", "staticcheck", check.stdout + check.stderr)
        return findings

    async def security(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        problem = self.tool_problem(tools)
        if problem:
            return [whole_run("security", "tool-missing", problem)]
        if not (root / "go.mod").is_file():
            return [_no_module("security")]
        # -nosec: a `#nosec` comment in the code cannot silence the gate.
        run = await run_process(
            [str(tools / "bin" / "gosec"), "-fmt", "json", "-quiet", "-nosec", "-no-fail", "./..."], root, go_env(tools)
        )
        try:
            report = json.loads(run.stdout or "{}")
        except json.JSONDecodeError:
            return [whole_run("security", "gosec", f"gosec gave no report: {(run.stderr or run.stdout)[:2000]}")]
        findings = [
            GateFinding(
                "security",
                relative(root, issue.get("file", "")),
                _int(issue.get("line")),
                _int(issue.get("column")),
                str(issue.get("rule_id", "gosec")),
                f"{issue.get('details', '')} (severity {issue.get('severity', '?')}, confidence "
                f"{issue.get('confidence', '?')})",
            )
            for issue in report.get("Issues") or []
        ]
        for errors in (report.get("Golang errors") or {}).values():
            for error in errors or []:
                findings.append(
                    GateFinding(
                        "security",
                        relative(root, error.get("file", "")),
                        _int(error.get("line")),
                        _int(error.get("column")),
                        "go-build",
                        str(error.get("error", "")),
                    )
                )
        return findings

    async def tests(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        problem = self.tool_problem(tools)
        if problem:
            return [whole_run("tests", "tool-missing", problem)]
        if not (root / "go.mod").is_file():
            return [_no_module("tests")]
        if not any(root.rglob("*_test.go")):
            return [whole_run("tests", "no-tests", "no Go tests found: write *_test.go files beside the code")]
        env = go_env(tools)
        with tempfile.TemporaryDirectory(prefix="specloom-go-cover-") as tmp:
            profile = Path(tmp) / "cover.out"
            run = await run_process(
                [_go(), "test", "-count=1", f"-coverprofile={profile}", "-coverpkg=./...", "./..."], root, env
            )
            output = run.stdout + run.stderr
            if run.returncode != 0:
                return _test_failures(root, output)
            if not profile.is_file():
                return [whole_run("tests", "no-coverage", "go test wrote no coverage profile")]
            report = await run_process([_go(), "tool", "cover", f"-func={profile}"], root, env)
        total = _TOTAL.search(report.stdout)
        if total is None:
            return [whole_run("tests", "no-coverage", f"no total in the coverage report: {report.stderr[:500]}")]
        percent = float(total["percent"])
        if percent < cfg.coverage_threshold:
            return [
                whole_run(
                    "tests",
                    "coverage",
                    f"line coverage {percent:g}% is below the {cfg.coverage_threshold:g}% threshold",
                )
            ]
        return []


def _run_or_fail(args: list[str], cwd: Path, env: dict[str, str], what: str) -> None:
    from specloom.toolchains import ToolchainError

    try:
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolchainError(f"{what} failed: {exc}") from exc
    if done.returncode != 0:
        raise ToolchainError(f"{what} failed: {(done.stderr or done.stdout).strip()[-2000:]}")


def _no_module(gate: str) -> GateFinding:
    return whole_run(gate, "no-go-module", "Go code without a go.mod at the project root: run `go mod init <module>`")


def _int(value: object) -> int:
    try:
        return int(str(value).split("-")[0])
    except ValueError:
        return 0


async def _gofmt_findings(root: Path, env: dict[str, str]) -> list[GateFinding]:
    run = await run_process([_gofmt(), "-l", "-e", "."], root, env)
    findings = _compiler_findings(root, "style", "gofmt", run.stderr)
    listed = [line for line in run.stdout.splitlines() if line.strip()]
    for path in listed:
        diff = await run_process([_gofmt(), "-d", path], root, env)
        hunk = re.search(r"^@@ -(\d+)", diff.stdout, re.MULTILINE)
        findings.append(
            GateFinding(
                "style",
                relative(root, path),
                int(hunk[1]) if hunk else 1,
                1,
                "gofmt",
                "not formatted as gofmt formats it: run `gofmt -w` on the file",
            )
        )
    return findings


def _compiler_findings(root: Path, gate: str, code: str, text: str) -> list[GateFinding]:
    """`file.go:line:col: message` lines (compiler and tool errors) as findings."""
    found = []
    for line in text.splitlines():
        m = _POSITION.match(line.strip())
        if m:
            found.append(
                GateFinding(
                    gate, relative(root, m["file"]), int(m["line"]), int(m["column"] or 0), code, m["message"].strip()
                )
            )
    return found


def _vet_findings(root: Path, text: str) -> list[GateFinding]:
    """`go vet -json` prints one JSON object per package (after a `# pkg` line): analyzer -> diagnostics."""
    findings: list[GateFinding] = []
    decoder = json.JSONDecoder()
    index = 0
    while (start := text.find("{", index)) != -1:
        try:
            report, index = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            index = start + 1
            continue
        for analyzers in report.values() if isinstance(report, dict) else []:
            for analyzer, diagnostics in analyzers.items() if isinstance(analyzers, dict) else []:
                for diagnostic in diagnostics if isinstance(diagnostics, list) else []:
                    m = re.match(r"^(.*\.go):(\d+):(\d+)$", str(diagnostic.get("posn", "")))
                    file, line, column = (m[1], int(m[2]), int(m[3])) if m else ("", 0, 0)
                    findings.append(
                        GateFinding(
                            "style",
                            relative(root, file) if file else "",
                            line,
                            column,
                            f"vet:{analyzer}",
                            str(diagnostic.get("message", "")),
                        )
                    )
    # A package that does not compile is reported as compiler errors, not as a JSON diagnostic.
    if not findings:
        findings = _compiler_findings(root, "style", "go-build", text)
    return findings


def _staticcheck_findings(root: Path, text: str) -> list[GateFinding]:
    findings = []
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        location = item.get("location") or {}
        code = str(item.get("code", "staticcheck"))
        if code == "compile" and not location.get("file") and str(item.get("message", "")).startswith("# "):
            continue  # the `# package` header above the compiler's errors, which come as their own items
        findings.append(
            GateFinding(
                "style",
                relative(root, location.get("file", "")) if location.get("file") else "",
                _int(location.get("line")),
                _int(location.get("column")),
                "go-build" if code == "compile" else code,
                str(item.get("message", "")),
            )
        )
    return findings


def _test_failures(root: Path, output: str) -> list[GateFinding]:
    failed = re.findall(r"^\s*--- FAIL: (\S+)", output, re.MULTILINE)
    places = _compiler_findings(root, "tests", "test-failure", output)
    if places:
        return places
    names = ", ".join(failed[:10]) or "the test binary"
    return [whole_run("tests", "test-failure", f"go test failed ({names}): {output.strip()[-2000:]}")]


_WARM_MAIN = """package main

import (
\t"encoding/json"
\t"net/http"
\t"os"
)

func handler() http.Handler {
\tmux := http.NewServeMux()
\tmux.HandleFunc("GET /{id}", func(w http.ResponseWriter, r *http.Request) {
\t\t_ = json.NewEncoder(w).Encode(map[string]string{"id": r.PathValue("id")})
\t})
\treturn mux
}

func main() {
\t_ = http.ListenAndServe(":"+os.Getenv("PORT"), handler())
}
"""
_WARM_TEST = """package main

import (
\t"net/http"
\t"net/http/httptest"
\t"testing"
)

func TestHandler(t *testing.T) {
\trec := httptest.NewRecorder()
\thandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/1", nil))
\tif rec.Code != http.StatusOK {
\t\tt.Fatal(rec.Code)
\t}
}
"""

GATES = GoGates()
