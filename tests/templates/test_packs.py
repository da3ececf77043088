import shutil
from pathlib import Path

import pytest

from specloom.templates.goldens import run_pack
from specloom.templates.packs import BUILTIN_PACKS, PackError, discover, load_pack, matches, select

PACK = BUILTIN_PACKS / "python-fastapi" / "1.1.0"


def copy_pack(tmp_path: Path, version: str = "1.1.0") -> Path:
    target = tmp_path / "python-fastapi" / version
    shutil.copytree(PACK, target)
    if version != "1.1.0":
        manifest = target / "manifest.toml"
        manifest.write_text(manifest.read_text().replace('version = "1.1.0"', f'version = "{version}"', 1))
    return target


def test_builtin_pack_loads_and_its_golden_cases_pass():
    packs, errors = discover()
    assert errors == []
    pack = select(packs, "python-fastapi", "^1.0")
    results = run_pack(pack)
    assert {r.case for r in results} == {"bookstore", "library", "petstore", "petstore-expanded"}
    assert all(r.passed for r in results), [r.differences for r in results]


def test_a_changed_template_fails_its_golden_case(tmp_path: Path):
    root = copy_pack(tmp_path)
    models = root / "templates" / "models.py.j2"
    models.write_text(models.read_text().replace("populate_by_name=True", "populate_by_name=False"))
    [bookstore] = [r for r in run_pack(load_pack(root)) if r.case == "bookstore"]
    assert not bookstore.passed and "populate_by_name=False" in "\n".join(bookstore.differences)


@pytest.mark.parametrize(
    ("snippet", "label"),
    [
        ("{{ eval('1') }}", "eval("),
        ("{{ ''.__class__ }}", "dunder"),
        ("import subprocess", "subprocess"),
        ("os.system('x')", "os.system"),
        ("{{ x|attr('__globals__') }}", "dunder"),
        ("__import__('os')", "__import__"),
    ],
)
def test_templates_with_forbidden_constructs_are_refused_with_file_and_line(tmp_path: Path, snippet: str, label: str):
    root = copy_pack(tmp_path)
    app = root / "templates" / "app.py.j2"
    app.write_text(app.read_text() + "\n" + snippet + "\n")
    with pytest.raises(PackError) as caught:
        load_pack(root)
    assert label in str(caught.value) and caught.value.path == app
    assert caught.value.line == len(app.read_text().splitlines())


def test_a_template_without_a_golden_case_is_refused(tmp_path: Path):
    root = copy_pack(tmp_path)
    manifest = root / "manifest.toml"
    manifest.write_text(
        manifest.read_text() + '\n[[templates]]\nid = "extra"\nsource = "app.py.j2"\n'
        'output = "{package}/extra.py"\ncategory = "app"\npurpose = "source"\n'
    )
    with pytest.raises(PackError, match="no golden test"):
        load_pack(root)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('backend = "python-fastapi"', 'backend = "cobol-cics"'), "names backend 'cobol-cics', which this specloom"),
        (('language = "python"', 'language = "go"'), "is for go/fastapi, but its backend python-fastapi renders"),
        (('backend = "python-fastapi"\n', ""), "incomplete or invalid: 'backend'"),
    ],
)
def test_a_pack_is_refused_unless_a_backend_of_its_language_owns_it(tmp_path: Path, change, message):
    root = copy_pack(tmp_path)
    manifest = root / "manifest.toml"
    manifest.write_text(manifest.read_text().replace(*change, 1))
    with pytest.raises(PackError, match=message):
        load_pack(root)


def test_overlays_add_versions_side_by_side_and_ranges_pick_among_them(tmp_path: Path):
    copy_pack(tmp_path, "1.0.0")
    copy_pack(tmp_path, "2.0.0")
    packs, errors = discover([tmp_path])
    assert errors == []
    assert [p.version for p in packs if p.name == "python-fastapi"] == ["1.0.0", "1.1.0", "2.0.0"]
    assert select(packs, "python-fastapi", "^1.0").version == "1.1.0"
    assert select(packs, "python-fastapi", "1.0.0").version == "1.0.0"
    assert select(packs, "python-fastapi", "*").version == "2.0.0"
    assert select(packs, "python-fastapi", ">=3") is None


def test_a_broken_overlay_is_reported_not_fatal(tmp_path: Path):
    bad = tmp_path / "broken" / "1.0.0"
    bad.mkdir(parents=True)
    (bad / "manifest.toml").write_text("name = [unclosed")
    packs, errors = discover([tmp_path])
    assert "python-fastapi@1.1.0" in [p.ref for p in packs]  # the built-in packs load beside the broken overlay
    assert len(errors) == 1 and "not valid TOML" in str(errors[0])


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ("1.2.3", "^1.0", True),
        ("2.0.0", "^1.0", False),
        ("0.2.5", "^0.2", True),
        ("0.3.0", "^0.2", False),
        ("1.2.9", "~1.2", True),
        ("1.3.0", "~1.2", False),
        ("1.5.0", ">=1.0,<2", True),
        ("1.0.0", "1", True),
    ],
)
def test_version_ranges(version: str, spec: str, expected: bool):
    assert matches(version, spec) is expected
