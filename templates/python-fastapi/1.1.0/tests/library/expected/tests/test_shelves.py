"""Tests of /shelves: every operation's success, not-found, invalid-input and auth behaviour."""

from itertools import count

import pytest
from fastapi.testclient import TestClient

from library.models import Shelf

_keys = count(100)
CREATE_BODY = {"label": "sample-text", "floor": 1}
UPDATE_BODY = {"label": "sample-texb", "floor": 1}
SAMPLE_ITEM = {"label": "sample-text", "floor": 1}
ERROR_FIELDS = ["code", "detail"]
MISSING = "987654321"


def fresh_key() -> int:
    return next(_keys)


def seed(client: TestClient, changes: dict | None = None) -> dict:
    """Store an item directly in the repository and return it as the API shows it."""
    key = fresh_key()
    data = {**SAMPLE_ITEM, "id": key, **(changes or {})}
    item = Shelf.model_validate(data)
    client.app.state.repositories.shelves.put(str(data["id"]), item)
    shown = item.model_dump(mode="json", by_alias=True, exclude_none=True)
    return shown


def key_of(item: dict) -> str:
    return str(item["id"])


def assert_error(response, status: int) -> None:
    assert response.status_code == status, response.text
    assert set(ERROR_FIELDS) <= set(response.json())


def test_list_shelves_returns_the_stored_items(client: TestClient) -> None:
    first, second = seed(client), seed(client)
    response = client.get("/shelves")
    assert response.status_code == 200
    assert [key_of(item) for item in response.json()] == [key_of(first), key_of(second)]


def test_list_shelves_honours_limit(client: TestClient) -> None:
    first, _ = seed(client), seed(client)
    response = client.get("/shelves", params={"limit": 1})
    assert response.status_code == 200
    items = response.json()
    assert [key_of(item) for item in items] == [key_of(first)]


def test_list_shelves_honours_offset(client: TestClient) -> None:
    _, second = seed(client), seed(client)
    response = client.get("/shelves", params={"offset": 1})
    assert response.status_code == 200
    items = response.json()
    assert [key_of(item) for item in items] == [key_of(second)]


def test_create_shelf_returns_201_with_the_created_body(client: TestClient) -> None:
    response = client.post("/shelves", json=CREATE_BODY)
    assert response.status_code == 201, response.text
    created = response.json()
    for name, value in CREATE_BODY.items():
        assert created[name] == value
    assert client.get(f"/shelves/{key_of(created)}").status_code == 200


def test_create_shelf_rejects_invalid_input(client: TestClient) -> None:
    assert_error(client.post("/shelves", json=["not", "an", "object"]), 422)


def test_get_shelf_returns_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.get(f"/shelves/{key_of(stored)}")
    assert response.status_code == 200
    assert response.json() == {k: v for k, v in stored.items() if k != "_key"}


def test_get_shelf_answers_404_for_an_unknown_id(client: TestClient) -> None:
    assert_error(client.get(f"/shelves/{MISSING}"), 404)


def test_delete_shelf_removes_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.delete(f"/shelves/{key_of(stored)}")
    assert response.status_code == 204
    assert client.app.state.repositories.shelves.get(key_of(stored)) is None


def test_delete_shelf_answers_404_for_an_unknown_id(client: TestClient) -> None:
    assert_error(client.delete(f"/shelves/{MISSING}"), 404)


def test_update_shelf_updates_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.patch(f"/shelves/{key_of(stored)}", json=UPDATE_BODY)
    assert response.status_code == 200, response.text
    changed = response.json()
    for name, value in UPDATE_BODY.items():
        assert changed[name] == value
    assert key_of(changed) == key_of(stored)


def test_update_shelf_answers_404_for_an_unknown_id(client: TestClient) -> None:
    assert_error(client.patch(f"/shelves/{MISSING}", json=UPDATE_BODY), 404)


def test_update_shelf_rejects_invalid_input(client: TestClient) -> None:
    stored = seed(client)
    assert_error(client.patch(f"/shelves/{key_of(stored)}", json=["not", "an", "object"]), 422)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/shelves", None),
        ("POST", "/shelves", {"label": "sample-text", "floor": 1}),
        ("GET", "/shelves/987654321", None),
        ("DELETE", "/shelves/987654321", None),
        ("PATCH", "/shelves/987654321", {"label": "sample-text", "floor": 1}),
    ],
)
def test_requests_without_credentials_are_refused(anonymous: TestClient, method: str, path: str, body: object) -> None:
    assert_error(anonymous.request(method, path, json=body), 401)
