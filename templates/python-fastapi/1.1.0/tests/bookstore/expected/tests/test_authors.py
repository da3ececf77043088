"""Tests of /authors: every operation's success, not-found, invalid-input and auth behaviour."""

from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from bookstore.models import Author

CREATE_BODY = {"name": "sample-text", "email": "ada@example.com", "born": 1}
UPDATE_BODY = {"name": "sample-texb", "email": "ada@example.com", "born": 1}
SAMPLE_ITEM = {"name": "sample-text", "email": "ada@example.com", "born": 1}
ERROR_FIELDS = ["error", "message"]
MISSING = "00000000-0000-4000-8000-000000000000"


def fresh_key() -> str:
    return str(uuid4())


def seed(client: TestClient, changes: dict | None = None) -> dict:
    """Store an item directly in the repository and return it as the API shows it."""
    key = fresh_key()
    data = {**SAMPLE_ITEM, "id": key, **(changes or {})}
    item = Author.model_validate(data)
    client.app.state.repositories.authors.put(str(data["id"]), item)
    shown = item.model_dump(mode="json", by_alias=True, exclude_none=True)
    return shown


def key_of(item: dict) -> str:
    return str(item["id"])


def assert_error(response, status: int) -> None:
    assert response.status_code == status, response.text
    assert set(ERROR_FIELDS) <= set(response.json())


def test_list_authors_returns_the_stored_items(client: TestClient) -> None:
    first, second = seed(client), seed(client)
    response = client.get("/authors")
    assert response.status_code == 200
    assert [key_of(item) for item in response.json()] == [key_of(first), key_of(second)]


def test_create_author_returns_201_with_the_created_body(client: TestClient) -> None:
    response = client.post("/authors", json=CREATE_BODY)
    assert response.status_code == 201, response.text
    created = response.json()
    for name, value in CREATE_BODY.items():
        assert created[name] == value
    assert client.get(f"/authors/{key_of(created)}").status_code == 200


def test_create_author_rejects_invalid_input(client: TestClient) -> None:
    assert_error(client.post("/authors", json=["not", "an", "object"]), 422)


def test_get_author_returns_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.get(f"/authors/{key_of(stored)}")
    assert response.status_code == 200
    assert response.json() == {k: v for k, v in stored.items() if k != "_key"}


def test_get_author_answers_404_for_an_unknown_id(client: TestClient) -> None:
    assert_error(client.get(f"/authors/{MISSING}"), 404)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/authors", None),
        ("POST", "/authors", {"name": "sample-text", "email": "ada@example.com", "born": 1}),
        ("GET", "/authors/00000000-0000-4000-8000-000000000000", None),
    ],
)
def test_requests_without_credentials_are_refused(anonymous: TestClient, method: str, path: str, body: object) -> None:
    assert_error(anonymous.request(method, path, json=body), 401)
