"""Generation into a target that already holds code: the prompt quotes what the new files must fit, and the
report marks the planned files that exist with what delivery did to them."""

from __future__ import annotations

import json

from specloom.delivery.deliver import deliver, plan_delivery
from specloom.delivery.manifest import SpecInfo
from specloom.providers.output import parse_output

from .answers import GOOD
from .conftest import provider_toml
from .test_generation import ADR, generate, workspace
from .wire_server import Reply

PLANNED = ["ratelimit/bucket.py", "ratelimit/registry.py", "tests/test_bucket.py", "tests/test_registry.py"]


async def test_the_prompt_carries_the_existing_code_and_the_report_marks_it(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, {"primary": "openai"}, ["primary"]))
    target = root / "out"
    earlier = parse_output(GOOD, PLANNED).files
    assert deliver(plan_delivery(target, earlier), target, SpecInfo(ADR.name, "0" * 64), {}).delivered
    edited = earlier["ratelimit/registry.py"] + "\n\nDEFAULT_CAPACITY = 10  # added by hand\n"
    (target / "ratelimit/registry.py").write_text(edited)
    (target / "api").mkdir()
    (target / "api/routes.py").write_text('@router.get("/limits")\ndef show_limits():\n    return {}\n')
    wire.script("primary", Reply(GOOD))
    outcome, _ = await generate(root, ADR.name)
    assert outcome.outcome == "delivered", outcome.message
    prompt = json.dumps(wire.calls("primary")[0].body)
    assert "Code already in the target folder" in prompt
    assert "DEFAULT_CAPACITY = 10  # added by hand" in prompt  # the edited planned file, quoted
    assert '<data name=\\"api/routes.py\\"' in prompt  # the handler the new code must fit
    marks = {f["path"]: f.get("exists", {}).get("delivery") for f in outcome.plan}
    assert marks == {
        "ratelimit/bucket.py": "update",
        "ratelimit/registry.py": "merge",
        "tests/test_bucket.py": "update",
        "tests/test_registry.py": "update",
    }
    assert "DEFAULT_CAPACITY = 10  # added by hand" in (target / "ratelimit/registry.py").read_text()


async def test_existing_code_is_bounded_by_the_smallest_context_window(wire, api_key, tmp_path):
    toml = provider_toml(wire, {"primary": "openai"}, ["primary"]).replace(
        "timeout = 2", "timeout = 2\ncontext_window = 8000"
    )
    root = workspace(tmp_path, toml)
    (root / "out/api").mkdir(parents=True)
    handlers = "".join(f'@router.get("/limits/{n}")\ndef show_limit_{n}():\n    return {{}}\n\n\n' for n in range(300))
    (root / "out/api/routes.py").write_text(handlers)  # ~20,000 characters: more than 8,000 tokens allow
    (root / "out/api/models.py").write_text("class Limit:\n    capacity: int\n")
    wire.script("primary", Reply(GOOD))
    outcome, _ = await generate(root, ADR.name)
    assert outcome.outcome == "delivered", outcome.message
    prompt = json.dumps(wire.calls("primary")[0].body)
    assert '<data name=\\"api/models.py\\"' in prompt and "show_limit_0" not in prompt
