"""Fixtures: one app for the session, with empty storage for every test."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from swagger_petstore.app import create_app
from swagger_petstore.repository import Repositories


@pytest.fixture(scope="session")
def app() -> FastAPI:
    # Building the app is the slow part; storage is what a test may change, and it is reset below.
    return create_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    app.state.repositories = Repositories()
    with TestClient(app) as test_client:
        yield test_client
