"""`specloom generate` end to end: the real CLI, real gates, real delivery and audit log."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES


def specloom(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}
    env["SPECLOOM_USER"] = "tester@example.com"
    return subprocess.run(
        [sys.executable, "-m", "specloom", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "specloom.toml").write_text('[identity]\ntenant = "team"\n')
    shutil.copy(EXAMPLES / "openapi/bookstore.yaml", tmp_path / "bookstore.yaml")
    return tmp_path


def test_generate_delivers_a_gated_project_and_audits_it(workspace: Path):
    (workspace / "specloom.toml").write_text('[identity]\ntenant = "team"\n\n[logging]\nfile = "logs/events.jsonl"\n')
    result = specloom("generate", "bookstore.yaml", "--out", "service", "--json", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)  # the seed's GenerationResult, with the pipeline's account in `report`
    assert report["status"] == "succeeded" and report["report"]["outcome"] == "delivered"
    assert report["id"] == report["report"]["generation_id"]
    generated = {f["path"]: f for f in report["code"]["files"] + report["code"]["tests"]}
    assert generated["bookstore/app.py"]["purpose"] == "source"
    assert all(f["purpose"] == "test" for f in report["code"]["tests"]) and report["code"]["tests"]
    assert "fastapi" in " ".join(report["code"]["dependencies"])
    assert {g["name"]: g["passed"] for g in report["validation"]["gates"]} == {
        "syntax": True,
        "style": True,
        "security": True,
        "tests": True,
    }
    assert set(report["metrics"]["step_ms"]) == {"parse", "context", "plan", "execute", "validate", "finalize", "audit"}
    service = workspace / "service"
    assert (service / "bookstore/routes/books.py").is_file()
    manifest = json.loads((service / ".specloom/manifest.json").read_text())
    assert manifest["packs"] == {"python-fastapi": "1.1.0"} and "bookstore/app.py" in manifest["files"]
    assert manifest["commands"]["test"] == "python -m pytest -q" and "${PORT:-8000}" in manifest["commands"]["serve"]
    assert manifest["credentials_env"] == ["BOOKSTORE_API_TOKENS"]
    # Each file records a hash of the spec elements it came from, which drift is measured against.
    books_sources = manifest["files"]["bookstore/routes/books.py"]["sources"]
    assert any(pointer.startswith("#/paths/~1books") for pointer in books_sources)
    assert all(len(digest) == 64 for digest in books_sources.values())
    shown = json.loads(specloom("audit", "show", report["audit_id"], "--json", cwd=workspace).stdout)
    assert shown["user_id"] == "tester@example.com" and shown["tenant_id"] == "team"
    assert shown["delivered_files"]["bookstore/app.py"] == manifest["files"]["bookstore/app.py"]["sha256"]
    assert specloom("audit", "verify", cwd=workspace).returncode == 0
    events = [json.loads(line) for line in (workspace / "logs/events.jsonl").read_text().splitlines()]
    assert [
        (e["event"], e["request_id"], e["tenant_id"], e["user_id"], e["spec_type"], e["language"], e["outcome"])
        for e in events
    ] == [("generation", report["id"], "team", "tester@example.com", "openapi", "python", "delivered")]
    assert events[0]["files_generated"] == len(manifest["files"]) and events[0]["duration_ms"] > 0


def test_a_failing_gate_writes_nothing_and_names_gate_file_and_line(workspace: Path):
    result = specloom("generate", "bookstore.yaml", "--out", "service", "--coverage-threshold", "101", cwd=workspace)
    assert result.returncode == 3
    assert "tests" in result.stdout and "below the 101% threshold" in result.stdout
    assert not (workspace / "service").exists()


def test_an_overlay_template_with_eval_is_refused_naming_file_and_line(workspace: Path):
    overlay = workspace / "packs/python-fastapi/1.1.0"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates/python-fastapi/1.1.0", overlay)
    app = overlay / "templates/app.py.j2"
    app.write_text(app.read_text() + "\nresult = eval(user_input)\n")
    (workspace / "specloom.toml").write_text('[generation]\ntemplate_overlays = ["packs"]\n')
    result = specloom("generate", "bookstore.yaml", "--out", "service", cwd=workspace)
    assert result.returncode == 3
    line = len(app.read_text().splitlines())
    assert f"app.py.j2:{line}" in result.stdout and "eval(" in result.stdout
    assert not (workspace / "service").exists()


def test_an_invalid_spec_is_refused_with_exit_2(workspace: Path):
    shutil.copy(EXAMPLES / "openapi/broken.yaml", workspace / "broken.yaml")
    result = specloom("generate", "broken.yaml", "--out", "service", cwd=workspace)
    assert result.returncode == 2 and "broken.yaml:6" in result.stdout
    assert not (workspace / "service").exists()


def test_a_selection_only_a_model_can_implement_says_so_without_a_provider(workspace: Path):
    result = specloom(
        "generate",
        str(EXAMPLES / "openapi/public/plaid-2020-09-14.yml"),
        "--operations",
        "itemGet",
        "--out",
        "x",
        cwd=workspace,
    )
    assert result.returncode != 0 and not (workspace / "x").exists()
    assert "The template pack leaves this selection to an AI provider (itemGet (POST /item/get)" in result.stdout
    assert "[providers.<name>]" in result.stdout and "No template pack renders" not in result.stdout


def test_a_user_edit_survives_regeneration_and_a_conflict_is_reported(workspace: Path):
    assert specloom("generate", "bookstore.yaml", "--out", "service", cwd=workspace).returncode == 0
    routes = workspace / "service/bookstore/routes/books.py"
    edited = routes.read_text().replace(
        '        raise not_found("book", book_id)\n    return current\n',
        '        raise not_found("book", book_id)\n    # audited by ops\n    return current\n',
        1,
    )
    routes.write_text(edited)
    spec = workspace / "bookstore.yaml"
    spec.write_text(spec.read_text().replace("summary: List books, newest first", "summary: List books by genre"))
    again = specloom("generate", "bookstore.yaml", "--out", "service", cwd=workspace)
    assert again.returncode == 0, again.stdout
    merged = routes.read_text()
    assert "# audited by ops" in merged and '"""List books by genre"""' in merged

    routes.write_text(merged.replace('"""List books by genre"""', '"""List books, my words"""'))
    spec.write_text(spec.read_text().replace("summary: List books by genre", "summary: List all books"))
    conflict = specloom("generate", "bookstore.yaml", "--out", "service", cwd=workspace)
    assert conflict.returncode == 5
    assert 'yours:     """List books, my words"""' in conflict.stdout
    assert 'new:       """List all books"""' in conflict.stdout
    assert '"""List books, my words"""' in routes.read_text()


def test_dry_run_shows_the_diff_and_writes_nothing(workspace: Path):
    result = specloom("generate", "bookstore.yaml", "--out", "service", "--dry-run", cwd=workspace)
    assert result.returncode == 0
    assert "    bookstore/routes/books.py  (source, template:python-fastapi@1.1.0)" in result.stdout
    assert "+def create_app(" in result.stdout  # the diff of what delivery would write
    assert not (workspace / "service").exists()


def test_anonymous_generation_is_refused(tmp_path: Path):
    shutil.copy(EXAMPLES / "openapi/bookstore.yaml", tmp_path / "bookstore.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPECLOOM_", "GIT_"))}
    env.update(HOME=str(tmp_path), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(tmp_path / "none"))
    result = subprocess.run(
        [sys.executable, "-m", "specloom", "generate", "bookstore.yaml", "--out", "service"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2 and "Anonymous generation is refused" in result.stdout
    assert not (tmp_path / "service").exists()


@pytest.mark.parametrize("delay", [0.8, 2.5, 4.0])
def test_kill_9_during_generation_leaves_the_target_whole_and_the_audit_log_valid(workspace: Path, delay: float):
    assert specloom("generate", "bookstore.yaml", "--out", "service", cwd=workspace).returncode == 0
    service = workspace / "service"
    old = {p.relative_to(service): p.read_bytes() for p in service.rglob("*.py")}
    spec = workspace / "bookstore.yaml"
    spec.write_text(spec.read_text().replace("summary: List books, newest first", "summary: List the books"))
    assert specloom("generate", "bookstore.yaml", "--out", "expected", cwd=workspace).returncode == 0
    new = {p.relative_to(workspace / "expected"): p.read_bytes() for p in (workspace / "expected").rglob("*.py")}
    assert old != new
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}
    env["SPECLOOM_USER"] = "tester@example.com"
    process = subprocess.Popen(
        [sys.executable, "-m", "specloom", "generate", "bookstore.yaml", "--out", "service"],
        cwd=workspace,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()
    for rel, content in old.items():
        assert (service / rel).read_bytes() in (content, new[rel]), rel  # entirely old or entirely new
    # The next run finishes or discards what was interrupted, then delivers the new generation.
    finished = specloom("generate", "bookstore.yaml", "--out", "service", cwd=workspace)
    assert finished.returncode == 0, finished.stdout
    assert {p.relative_to(service): p.read_bytes() for p in service.rglob("*.py")} == new
    assert specloom("audit", "verify", cwd=workspace).returncode == 0


def test_validate_runs_the_gates_on_any_folder(tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "calc.py").write_text("import os\n\n\ndef double(x):\n    return eval(x) * 2\n")
    (project / "test_calc.py").write_text(
        "from calc import double\n\n\ndef test_double():\n    assert double('2') == 4\n"
    )
    result = specloom("validate", str(project), cwd=tmp_path)
    assert result.returncode == 3
    assert "calc.py:1:" in result.stdout and "F401" in result.stdout  # unused import, from the style gate
    assert "calc.py:5:" in result.stdout  # eval, from the style (S307) and security gates


# A template broken the way a pack author could break it: the compiler or linter of the language must fail the
# generation (exit 3), naming the generated file and line, and the spec element the file was generated from.
BROKEN_TEMPLATES = {
    "rust": (
        "rust-actixweb/1.0.0",
        "src/engine.rs.j2",
        "\nfn specloom_probe() {\n    let unused = 1;\n}\n",
        r"style: src/engine\.rs:\d+:\d+: unused_variables unused variable: `unused` \(from #/paths/~1books/get\)",
    ),
    "go": (
        "go-nethttp/1.0.0",
        "resource.go.j2",
        "\nfunc specloomProbe() {\n\tunused := 1\n}\n",
        r"style: api/routes_authors\.go:\d+:\d+: go-build declared and not used: unused \(from #/paths/~1authors/get\)",
    ),
    "typescript": (
        "typescript-fastify/1.0.0",
        "src/routes/resource.ts.j2",
        "\nexport function specloomProbe(): void {\n  const unused = 1;\n}\n",
        r"style: src/routes/books\.ts:\d+:\d+: @typescript-eslint/no-unused-vars .* \(from #/paths/~1books/get\)",
    ),
    "java": (
        "java-springboot/1.0.0",
        "Controller.java.j2",
        '\nclass SpecloomProbe {\n  int broken = "text";\n}\n',
        r"tests: src/main/java/bookstore/AuthorsController\.java:\d+:\d+: javac incompatible types: .*"
        r" \(from #/paths/~1authors/get\)",
    ),
}


@pytest.mark.parametrize("language", sorted(BROKEN_TEMPLATES))
def test_generated_code_that_fails_its_compiler_or_linter_exits_3_naming_file_line_and_spec_element(
    workspace: Path, language: str
):
    pack, template, broken, finding = BROKEN_TEMPLATES[language]
    overlay = workspace / "packs" / pack
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates" / pack, overlay)
    (overlay / "templates" / template).write_text((overlay / "templates" / template).read_text() + broken)
    (workspace / "specloom.toml").write_text(
        '[identity]\ntenant = "team"\n[generation]\ntemplate_overlays = ["packs"]\n'
    )
    result = specloom("generate", "bookstore.yaml", "--out", "service", "--language", language, cwd=workspace)
    assert result.returncode == 3, result.stdout + result.stderr
    assert re.search(finding, result.stdout), result.stdout
    assert not re.search(r"^  \w+: :0:", result.stdout, re.MULTILINE), result.stdout  # every finding has a place
    assert not (workspace / "service").exists()
