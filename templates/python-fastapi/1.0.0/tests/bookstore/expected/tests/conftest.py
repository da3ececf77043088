"""Fixtures: a fresh app per test, with a known token."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bookstore.app import create_app
from bookstore.security import StaticTokenVerifier

VALID_CREDENTIAL = "test-token"  # the only credential the test app accepts; sent by `client`


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_app(verifier=StaticTokenVerifier([VALID_CREDENTIAL]))
    with TestClient(app, headers={"Authorization": "Bearer test-token"}) as test_client:
        yield test_client


@pytest.fixture
def anonymous() -> Iterator[TestClient]:
    with TestClient(create_app(verifier=StaticTokenVerifier([VALID_CREDENTIAL]))) as test_client:
        yield test_client
