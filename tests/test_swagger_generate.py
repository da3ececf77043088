"""The Swagger 2.0 petstore generates through the template pack and passes every gate, from the 2.0 file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.helpers import EXAMPLES


def test_the_2_0_petstore_generates_and_passes_every_gate(tmp_path):
    shutil.copy(EXAMPLES / "openapi/public/petstore-swagger2.yaml", tmp_path / "petstore.yaml")
    (tmp_path / "specloom.toml").write_text('[identity]\nuser = "dev@example.com"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}
    done = subprocess.run(
        [sys.executable, "-m", "specloom", "generate", "petstore.yaml", "--out", "out", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)["report"]  # the pipeline's account inside the GenerationResult
    assert report["outcome"] == "delivered"
    assert all(g["passed"] for g in report["gates"])
    assert {g["name"] for g in report["gates"]} == {"syntax", "style", "security", "tests"}
    assert [f["code"] for f in report["spec_findings"]] == ["OAS003"]  # the report says it was converted
    routes = (tmp_path / "out/swagger_petstore/routes/pets.py").read_text()
    assert '"/pets/{petId}"' in routes and "show_pet_by_id" in routes
