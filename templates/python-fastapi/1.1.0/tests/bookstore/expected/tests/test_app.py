"""The application factory and its defaults."""

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError

from bookstore import models
from bookstore.app import create_app
from bookstore.errors import not_found
from bookstore.repository import InMemoryRepository, Repositories
from bookstore.security import TOKENS_ENV


def test_create_app_uses_in_memory_repositories_by_default() -> None:
    app = create_app()
    assert isinstance(app.state.repositories, Repositories)
    assert isinstance(app.state.repositories.books, InMemoryRepository)
    assert isinstance(app.state.repositories.authors, InMemoryRepository)


def test_framework_errors_use_the_error_shape() -> None:
    with TestClient(create_app()) as client:
        unknown = client.get("/no/such/route")
        assert unknown.status_code == 404
        assert set(["error", "message"]) <= set(unknown.json())
        malformed = client.request("POST", "/books", content=b"{not json", headers={"Content-Type": "application/json"})
        assert malformed.status_code in (400, 401, 422)


def test_errors_raised_by_routes_use_the_error_shape() -> None:
    app = create_app()

    @app.get("/specloom-probe/{number}")
    def probe(number: int) -> None:
        raise not_found("probe", number)

    with TestClient(app) as client:
        for path, status in (("/specloom-probe/1", 404), ("/specloom-probe/x", 422)):
            response = client.get(path)
            assert response.status_code == status
            assert set(["error", "message"]) <= set(response.json())


@pytest.mark.parametrize(
    ("kind", "wrong", "right"),
    [
        ("IsoDate", 0, "2026-01-15"),
        ("IsoDateTime", 0, "2026-01-15T09:30:00Z"),
        ("JsonInt", True, 5.0),
    ],
)
def test_values_are_read_as_json_types_not_coerced(kind: str, wrong: object, right: object) -> None:
    adapter = TypeAdapter(getattr(models, kind))
    with pytest.raises(ValidationError):
        adapter.validate_python(wrong)
    assert adapter.dump_python(adapter.validate_python(right), mode="json") == right


def test_repository_ids_skip_keys_already_taken() -> None:
    repository: InMemoryRepository[str] = InMemoryRepository()
    repository.put("1", "taken")
    assert repository.next_id() == 2
    assert repository.delete("1") and not repository.delete("1")


def test_tokens_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKENS_ENV, "alpha, beta")
    configured = "beta"
    with TestClient(create_app(), headers={"Authorization": "Bearer " + configured}) as client:
        response = client.request(
            "GET",
            "/books",
            json=None,
        )
        assert response.status_code != 401


def test_no_configured_tokens_refuses_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKENS_ENV, raising=False)
    configured = "beta"
    with TestClient(create_app(), headers={"Authorization": "Bearer " + configured}) as client:
        response = client.request(
            "GET",
            "/books",
            json=None,
        )
        assert response.status_code == 401


def test_a_credential_of_the_wrong_scheme_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKENS_ENV, "alpha")
    with TestClient(create_app()) as client:
        response = client.request(
            "GET",
            "/books",
            headers={"Authorization": "Digest alpha"},
            json=None,
        )
        assert response.status_code == 401
        assert "WWW-Authenticate" in response.headers
