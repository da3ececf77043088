"""Fixtures: a fresh app per test, with a known token."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from library.app import create_app
from library.security import StaticTokenVerifier

TOKEN = "test-token"  # noqa: S105 - a fixture credential, not a secret (also in the headers below)


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_app(verifier=StaticTokenVerifier([TOKEN]))
    with TestClient(app, headers={"X-API-Key": "test-token"}) as test_client:
        yield test_client


@pytest.fixture
def anonymous() -> Iterator[TestClient]:
    with TestClient(create_app(verifier=StaticTokenVerifier([TOKEN]))) as test_client:
        yield test_client
