"""Tests of /shelves/{shelfId}/books: every operation's success, not-found, invalid-input and auth behaviour."""

from itertools import count

import pytest
from fastapi.testclient import TestClient

from library.models import Book, Shelf

_keys = count(100)
CREATE_BODY = {"title": "sample-text", "language": "en", "pages": 100}
UPDATE_BODY = {"title": "sample-texb", "language": "en", "pages": 100}
SAMPLE_ITEM = {"title": "sample-text", "language": "en", "pages": 1, "addedAt": "2026-01-15T09:30:00Z"}
ERROR_FIELDS = ["code", "detail"]
MISSING = "987654321"
PARENT = 1


def fresh_key() -> int:
    return next(_keys)


def seed_parent(client: TestClient) -> None:
    parent = Shelf.model_validate({**{"label": "sample-text", "floor": 1}, "id": PARENT})
    client.app.state.repositories.shelves.put(str(PARENT), parent)


def seed(client: TestClient, changes: dict | None = None) -> dict:
    """Store an item directly in the repository and return it as the API shows it."""
    seed_parent(client)
    key = fresh_key()
    data = {**SAMPLE_ITEM, "id": key, "shelfId": PARENT, **(changes or {})}
    item = Book.model_validate(data)
    client.app.state.repositories.books.put(str(data["id"]), item)
    shown = item.model_dump(mode="json", by_alias=True, exclude_none=True)
    return shown


def key_of(item: dict) -> str:
    return str(item["id"])


def assert_error(response, status: int) -> None:
    assert response.status_code == status, response.text
    assert set(ERROR_FIELDS) <= set(response.json())


def test_list_shelf_books_returns_the_stored_items(client: TestClient) -> None:
    first, second = seed(client), seed(client)
    response = client.get(f"/shelves/{PARENT}/books")
    assert response.status_code == 200
    assert [key_of(item) for item in response.json()] == [key_of(first), key_of(second)]


def test_list_shelf_books_filters_by_language(client: TestClient) -> None:
    wanted = seed(client, {"language": "en"})
    seed(client, {"language": "fr"})
    response = client.get(f"/shelves/{PARENT}/books", params={"language": "en"})
    assert response.status_code == 200
    items = response.json()
    assert [key_of(item) for item in items] == [key_of(wanted)]


def test_create_shelf_book_returns_201_with_the_created_body(client: TestClient) -> None:
    seed_parent(client)
    response = client.post(f"/shelves/{PARENT}/books", json=CREATE_BODY)
    assert response.status_code == 201, response.text
    created = response.json()
    for name, value in CREATE_BODY.items():
        assert created[name] == value
    assert client.get(f"/shelves/{PARENT}/books/{key_of(created)}").status_code == 200


def test_create_shelf_book_rejects_invalid_input(client: TestClient) -> None:
    seed_parent(client)
    assert_error(client.post(f"/shelves/{PARENT}/books", json=["not", "an", "object"]), 422)


def test_get_shelf_book_returns_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.get(f"/shelves/{PARENT}/books/{key_of(stored)}")
    assert response.status_code == 200
    assert response.json() == {k: v for k, v in stored.items() if k != "_key"}


def test_get_shelf_book_answers_404_for_an_unknown_id(client: TestClient) -> None:
    seed(client)
    assert_error(client.get(f"/shelves/{PARENT}/books/{MISSING}"), 404)


def test_delete_shelf_book_removes_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.delete(f"/shelves/{PARENT}/books/{key_of(stored)}")
    assert response.status_code == 204
    assert client.app.state.repositories.books.get(key_of(stored)) is None


def test_delete_shelf_book_answers_404_for_an_unknown_id(client: TestClient) -> None:
    seed(client)
    assert_error(client.delete(f"/shelves/{PARENT}/books/{MISSING}"), 404)


def test_an_unknown_parent_answers_404(client: TestClient) -> None:
    assert_error(client.get(f"/shelves/{MISSING}/books"), 404)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/shelves/987654321/books", None),
        ("POST", "/shelves/987654321/books", {"title": "sample-text", "language": "en", "pages": 100}),
        ("GET", "/shelves/987654321/books/987654321", None),
        ("DELETE", "/shelves/987654321/books/987654321", None),
    ],
)
def test_requests_without_credentials_are_refused(anonymous: TestClient, method: str, path: str, body: object) -> None:
    assert_error(anonymous.request(method, path, json=body), 401)
