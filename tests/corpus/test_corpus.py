"""Public OpenAPI documents no one here wrote (@readme/oas-examples): each one's check, plan and generation
outcome equals the reviewed record in oas-examples.expected.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import (
    EXPECTED,
    Outcome,
    documents,
    fragment,
    install,
    load_expected,
    run_document,
    workspace,
)

RECORD = load_expected()


@pytest.fixture(scope="session")
def corpus() -> Path:
    package, why = install()
    if package is None:
        pytest.skip(f"the @readme/oas-examples corpus is unavailable: {why}")
    return package


@pytest.fixture(scope="session")
def corpus_workspace(corpus: Path, tmp_path_factory) -> Path:
    return workspace(corpus, tmp_path_factory.mktemp("corpus"))


def test_every_document_of_the_package_is_recorded(corpus: Path):
    assert documents(corpus) == sorted(RECORD), f"record the new or removed documents in {EXPECTED.name}"


@pytest.mark.slow
@pytest.mark.parametrize("document", sorted(RECORD))
def test_the_document_has_its_recorded_outcome(document: str, corpus_workspace: Path, tmp_path: Path):
    expected = RECORD[document]
    actual: Outcome = run_document(corpus_workspace, document, tmp_path / "out")
    seen = {"check": actual.check, "codes": actual.codes, "outcome": actual.outcome, "reason": fragment(actual)}
    hint = f"{document}: now {seen} (first finding: {actual.reason[:400]!r}); update {EXPECTED.name} if intended"
    assert (actual.check, actual.codes, actual.outcome) == (
        expected["check"],
        expected.get("codes", []),
        expected["outcome"],
    ), hint
    assert expected.get("reason", "") in actual.reason, hint
    # Every operation is generated or named, with why, in the plan's notes; `unnamed` records today's gaps.
    assert actual.unnamed == expected.get("unnamed", []), f"{document}: neither generated nor named: {actual.unnamed}"
    if actual.outcome == "delivered":
        assert (actual.out / ".specloom/manifest.json").is_file(), document
