"""Tests of /books: every operation's success, not-found, invalid-input and auth behaviour."""

from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from bookstore.models import Book

CREATE_BODY = {
    "title": "sample-text",
    "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438",
    "genre": "fiction",
    "isbn": "7777777777777",
    "publishedOn": "2026-01-15",
    "tags": ["sample-text"],
}
UPDATE_BODY = {
    "title": "sample-texb",
    "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438",
    "genre": "fiction",
    "isbn": "7777777777777",
    "publishedOn": "2026-01-15",
    "tags": ["sample-text"],
}
SAMPLE_ITEM = {
    "title": "sample-text",
    "authorId": "d23f0824-128b-4f33-8c5c-7fd0a6a3a450",
    "genre": "fiction",
    "isbn": "7777777777777",
    "publishedOn": "2026-01-15",
    "tags": ["sample-text"],
    "createdAt": "2026-01-15T09:30:00Z",
}
ERROR_FIELDS = ["error", "message"]
MISSING = "00000000-0000-4000-8000-000000000000"


def fresh_key() -> str:
    return str(uuid4())


def seed(client: TestClient, changes: dict | None = None) -> dict:
    """Store an item directly in the repository and return it as the API shows it."""
    key = fresh_key()
    data = {**SAMPLE_ITEM, "id": key, **(changes or {})}
    item = Book.model_validate(data)
    client.app.state.repositories.books.put(str(data["id"]), item)
    shown = item.model_dump(mode="json", by_alias=True, exclude_none=True)
    return shown


def key_of(item: dict) -> str:
    return str(item["id"])


def assert_error(response, status: int) -> None:
    assert response.status_code == status, response.text
    assert set(ERROR_FIELDS) <= set(response.json())


def test_list_books_returns_the_stored_items(client: TestClient) -> None:
    first, second = seed(client), seed(client)
    response = client.get("/books")
    assert response.status_code == 200
    page = response.json()
    assert [key_of(item) for item in page["items"]] == [key_of(first), key_of(second)]
    assert page["total"] == 2


def test_list_books_honours_limit(client: TestClient) -> None:
    first, _ = seed(client), seed(client)
    response = client.get("/books", params={"limit": 1})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [key_of(item) for item in items] == [key_of(first)]


def test_list_books_honours_offset(client: TestClient) -> None:
    _, second = seed(client), seed(client)
    response = client.get("/books", params={"offset": 1})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [key_of(item) for item in items] == [key_of(second)]


def test_list_books_filters_by_genre(client: TestClient) -> None:
    wanted = seed(client, {"genre": "fiction"})
    seed(client, {"genre": "non-fiction"})
    response = client.get("/books", params={"genre": "fiction"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [key_of(item) for item in items] == [key_of(wanted)]


def test_create_book_returns_201_with_the_created_body(client: TestClient) -> None:
    response = client.post("/books", json=CREATE_BODY)
    assert response.status_code == 201, response.text
    created = response.json()
    for name, value in CREATE_BODY.items():
        assert created[name] == value
    assert client.get(f"/books/{key_of(created)}").status_code == 200


def test_create_book_rejects_invalid_input(client: TestClient) -> None:
    assert_error(client.post("/books", json=["not", "an", "object"]), 422)


def test_get_book_returns_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.get(f"/books/{key_of(stored)}")
    assert response.status_code == 200
    assert response.json() == {k: v for k, v in stored.items() if k != "_key"}


def test_get_book_answers_404_for_an_unknown_id(client: TestClient) -> None:
    assert_error(client.get(f"/books/{MISSING}"), 404)


def test_replace_book_replaces_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.put(f"/books/{key_of(stored)}", json=UPDATE_BODY)
    assert response.status_code == 200, response.text
    changed = response.json()
    for name, value in UPDATE_BODY.items():
        assert changed[name] == value
    assert key_of(changed) == key_of(stored)


def test_replace_book_answers_404_for_an_unknown_id(client: TestClient) -> None:
    assert_error(client.put(f"/books/{MISSING}", json=UPDATE_BODY), 404)


def test_replace_book_rejects_invalid_input(client: TestClient) -> None:
    stored = seed(client)
    assert_error(client.put(f"/books/{key_of(stored)}", json=["not", "an", "object"]), 422)


def test_delete_book_removes_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.delete(f"/books/{key_of(stored)}")
    assert response.status_code == 204
    assert client.app.state.repositories.books.get(key_of(stored)) is None


def test_delete_book_answers_404_for_an_unknown_id(client: TestClient) -> None:
    assert_error(client.delete(f"/books/{MISSING}"), 404)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/books", None),
        (
            "POST",
            "/books",
            {
                "title": "sample-text",
                "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438",
                "genre": "fiction",
                "isbn": "7777777777777",
                "publishedOn": "2026-01-15",
                "tags": ["sample-text"],
            },
        ),
        ("GET", "/books/00000000-0000-4000-8000-000000000000", None),
        (
            "PUT",
            "/books/00000000-0000-4000-8000-000000000000",
            {
                "title": "sample-text",
                "authorId": "6513270e-269e-4d37-b2a7-4de452e6b438",
                "genre": "fiction",
                "isbn": "7777777777777",
                "publishedOn": "2026-01-15",
                "tags": ["sample-text"],
            },
        ),
        ("DELETE", "/books/00000000-0000-4000-8000-000000000000", None),
    ],
)
def test_requests_without_credentials_are_refused(anonymous: TestClient, method: str, path: str, body: object) -> None:
    assert_error(anonymous.request(method, path, json=body), 401)
