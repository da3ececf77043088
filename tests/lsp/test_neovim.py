"""Neovim (Debian's 0.7, headless) as a second real client: diagnostics, hover, code action, generation."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES

NVIM = shutil.which("nvim")


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed (.ci/run installs Debian's neovim)")
def test_neovim_sees_diagnostics_hover_actions_and_runs_a_generation(tmp_path: Path):
    shutil.copy(EXAMPLES / "openapi/bookstore.yaml", tmp_path / "bookstore.yaml")
    shutil.copy(EXAMPLES / "openapi/broken.yaml", tmp_path / "broken.yaml")
    (tmp_path / "specloom.toml").write_text('[identity]\nuser = "nvim@example.com"\n')
    out = tmp_path / "seen.json"
    env = {
        **os.environ,
        "SPECLOOM_PYTHON": sys.executable,
        "SPECLOOM_WORKSPACE": str(tmp_path),
        "SPECLOOM_OUT": str(out),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    script = Path(__file__).parent / "nvim" / "client.lua"
    subprocess.run(
        [NVIM, "--headless", "--clean", "-n", "-i", "NONE", "-u", str(script)],
        env=env,
        cwd=tmp_path,
        timeout=240,
        check=False,
        capture_output=True,
    )
    seen = json.loads(out.read_text())
    assert {"OAS101", "OAS110", "SEC002"} <= {d["code"] for d in seen["broken"]}
    assert [d["line"] for d in seen["broken"] if d["code"] == "OAS101"] == [14]
    assert "bookstore/routes/books.py" in seen["hover"]
    assert any(title.startswith("Generate implementation for GET /books") for title in seen["actions"])
    assert seen["generated"] == "delivered"
    assert "begin" in seen["progress"] and "end" in seen["progress"]
    assert (tmp_path / "generated/bookstore/routes/books.py").is_file()
