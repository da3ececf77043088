"""The application factory and its defaults."""

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError

from swagger_petstore import models
from swagger_petstore.app import create_app
from swagger_petstore.errors import not_found
from swagger_petstore.repository import InMemoryRepository, Repositories


def test_create_app_uses_in_memory_repositories_by_default() -> None:
    app = create_app()
    assert isinstance(app.state.repositories, Repositories)
    assert isinstance(app.state.repositories.pets, InMemoryRepository)


def test_framework_errors_use_the_error_shape() -> None:
    with TestClient(create_app()) as client:
        unknown = client.get("/no/such/route")
        assert unknown.status_code == 404
        assert set(["code", "message"]) <= set(unknown.json())
        malformed = client.request("POST", "/pets", content=b"{not json", headers={"Content-Type": "application/json"})
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
            assert set(["code", "message"]) <= set(response.json())


@pytest.mark.parametrize(
    ("kind", "wrong", "right"),
    [
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
