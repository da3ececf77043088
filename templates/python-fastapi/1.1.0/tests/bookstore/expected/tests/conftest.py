"""Fixtures: one app for the session, with empty storage for every test and a known token."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bookstore.app import create_app
from bookstore.repository import Repositories
from bookstore.security import StaticTokenVerifier

VALID_CREDENTIAL = "test-token"  # the only credential the test app accepts; sent by `client`


@pytest.fixture(scope="session")
def app() -> FastAPI:
    # Building the app is the slow part; storage is what a test may change, and it is reset below.
    return create_app(verifier=StaticTokenVerifier([VALID_CREDENTIAL]))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    app.state.repositories = Repositories()
    with TestClient(app, headers={"Authorization": "Bearer " + VALID_CREDENTIAL}) as test_client:
        yield test_client


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    app.state.repositories = Repositories()
    with TestClient(app) as test_client:
        yield test_client
