"""`make test` on a machine without the Debian packages it needs stops at once and names them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bare_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH holds only the basics: no rg, chromium, nvim, node or npm."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "sh", "env", "id", "python3", "make", "dpkg", "dpkg-query", "cat", "echo"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    return {"PATH": str(bin_dir), "HOME": str(tmp_path), "SPECLOOM_NO_APT": "1", "LANG": "C.UTF-8"}


def test_prereqs_names_every_missing_package_and_the_install_command(tmp_path):
    done = subprocess.run(
        [str(ROOT / ".ci" / "prereqs")], env=_bare_path(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    for package in ("ripgrep", "chromium", "neovim", "nodejs", "npm", "git"):
        assert package in done.stderr
    assert "sudo apt-get install -y " in done.stderr
    assert "cannot stat" not in done.stderr


def test_make_test_stops_before_installing_or_testing_anything(tmp_path):
    env = _bare_path(tmp_path)
    done = subprocess.run(
        ["make", "--no-print-directory", "test", "VENV=" + str(tmp_path / "venv")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "ripgrep" in done.stderr
    assert not (tmp_path / "venv").exists()  # the venv, pip and pytest never started
    assert "pytest" not in done.stdout
