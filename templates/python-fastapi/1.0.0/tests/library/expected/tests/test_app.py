"""The application factory and its defaults."""

import pytest
from fastapi.testclient import TestClient

from library.app import create_app
from library.repository import InMemoryRepository, Repositories
from library.security import TOKENS_ENV


def test_create_app_uses_in_memory_repositories_by_default() -> None:
    app = create_app()
    assert isinstance(app.state.repositories, Repositories)
    assert isinstance(app.state.repositories.shelves, InMemoryRepository)
    assert isinstance(app.state.repositories.books, InMemoryRepository)


def test_repository_ids_skip_keys_already_taken() -> None:
    repository: InMemoryRepository[str] = InMemoryRepository()
    repository.put("1", "taken")
    assert repository.next_id() == 2
    assert repository.delete("1") and not repository.delete("1")


def test_tokens_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKENS_ENV, "alpha, beta")
    with TestClient(create_app()) as client:
        response = client.request(
            "GET",
            "/shelves",
            headers={"X-API-Key": "beta"},
            json=None,
        )
        assert response.status_code != 401


def test_no_configured_tokens_refuses_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKENS_ENV, raising=False)
    with TestClient(create_app()) as client:
        response = client.request(
            "GET",
            "/shelves",
            headers={"X-API-Key": "beta"},
            json=None,
        )
        assert response.status_code == 401
