"""The AI output contract: required source files, tests named freely under tests/, and a repair round for a
refused answer before the next provider. Real pipeline, real gates, scripted answers over the wire."""

from __future__ import annotations

import json

import pytest

from specloom.providers.output import MalformedOutput, parse_output

from .answers import BUCKET, GOOD, REGISTRY, TEST_BUCKET, TEST_REGISTRY
from .conftest import provider_toml
from .test_generation import ADR, PRIMARY_BACKUP, generate, workspace
from .wire_server import Reply

PLANNED = ["ratelimit/bucket.py", "ratelimit/registry.py", "tests/test_bucket.py", "tests/test_registry.py"]
TESTS = PLANNED[2:]


def blocks(files: dict[str, str]) -> str:
    return "\n\n".join(f"```python\n# File: {path}\n{code}```" for path, code in files.items())


# Both planned test modules' tests in one file the model named itself.
OWN_TEST_NAME = blocks(
    {
        "ratelimit/bucket.py": BUCKET,
        "ratelimit/registry.py": REGISTRY,
        "tests/test_ratelimit.py": TEST_BUCKET.replace(
            "from ratelimit.bucket import TokenBucket\n",
            "from ratelimit.bucket import TokenBucket\nfrom ratelimit.registry import BucketRegistry\n",
        )
        + "\n\n"
        + TEST_REGISTRY.replace("from ratelimit.registry import BucketRegistry\n\n\n", ""),
    }
)
NO_REGISTRY = blocks({"ratelimit/bucket.py": BUCKET, "tests/test_bucket.py": TEST_BUCKET})


def test_tests_may_be_named_freely_under_the_tests_folder():
    parsed = parse_output(OWN_TEST_NAME, PLANNED, TESTS)
    assert sorted(parsed.files) == ["ratelimit/bucket.py", "ratelimit/registry.py", "tests/test_ratelimit.py"]
    assert parsed.extra == []


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (NO_REGISTRY, "missing planned file(s): ratelimit/registry.py"),
        (blocks({"ratelimit/bucket.py": BUCKET, "ratelimit/registry.py": REGISTRY}), "no test file under tests/"),
        (
            blocks({"ratelimit/bucket.py": BUCKET, "ratelimit/registry.py": REGISTRY, "ratelimit/test_it.py": "x\n"}),
            "test file(s) ratelimit/test_it.py outside tests/",
        ),
        (GOOD + "\n\n" + blocks({"ratelimit/bucket.py": BUCKET}), "ratelimit/bucket.py is given twice"),
        (GOOD.replace("# File: ratelimit/registry.py", "# File: /etc/registry.py"), "code block 2"),
    ],
)
def test_what_the_contract_refuses_is_named(answer, problem):
    with pytest.raises(MalformedOutput) as refused:
        parse_output(answer, PLANNED, TESTS)
    assert problem in refused.value.message


async def test_an_answer_with_its_own_test_file_name_is_delivered(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup"]))
    wire.script("primary", Reply(OWN_TEST_NAME))
    outcome, _ = await generate(root, ADR.name)
    assert outcome.outcome == "delivered", outcome.message
    assert (root / "out/tests/test_ratelimit.py").is_file() and not (root / "out/tests/test_bucket.py").exists()
    assert next(g for g in outcome.gates if g["name"] == "tests")["passed"]
    assert [(a["provider"], a["round"]) for a in outcome.attempts] == [("primary", "generate")]


async def test_a_missing_source_file_gets_a_repair_round_naming_it_then_is_delivered(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup"]))
    wire.script("primary", Reply(NO_REGISTRY, tokens_in=700, tokens_out=300), Reply(GOOD))
    outcome, record = await generate(root, ADR.name)
    assert outcome.outcome == "delivered", outcome.message
    repair_request = json.dumps(wire.calls("primary")[1].body)
    assert "missing planned file(s): ratelimit/registry.py" in repair_request
    assert wire.calls("backup") == []
    audited = [(a["provider"], a["round"], a["outcome"]) for a in record.record.provider_attempts]
    assert audited == [("primary", "generate", "error"), ("primary", "generate: output repair", "ok")]
    refused = record.record.provider_attempts[0]
    assert "ratelimit/registry.py" in refused["error"] and (refused["tokens_in"], refused["tokens_out"]) == (700, 300)


async def test_a_second_refusal_moves_on_and_every_round_is_audited(wire, api_key, tmp_path):
    root = workspace(tmp_path, provider_toml(wire, PRIMARY_BACKUP, ["primary", "backup"]))
    wire.script("primary", Reply(NO_REGISTRY), Reply(NO_REGISTRY))
    wire.script("backup", Reply(NO_REGISTRY), Reply(NO_REGISTRY))
    outcome, record = await generate(root, ADR.name)
    assert outcome.outcome == "providers_failed" and not (root / "out").exists()
    assert "missing planned file(s): ratelimit/registry.py" in outcome.message
    audited = [(a["provider"], a["round"]) for a in record.record.provider_attempts]
    assert audited == [
        ("primary", "generate"),
        ("primary", "generate: output repair"),
        ("backup", "generate"),
        ("backup", "generate: output repair"),
    ]
