"""Tests of /pets: every operation's success, not-found, invalid-input behaviour."""

from itertools import count

from fastapi.testclient import TestClient

from swagger_petstore.models import Pet

_keys = count(100)
CREATE_BODY = {"id": 1, "name": "sample-text", "tag": "sample-text"}
UPDATE_BODY = {"id": 1, "name": "sample-texb", "tag": "sample-text"}
SAMPLE_ITEM = {"name": "sample-text", "tag": "sample-text"}
ERROR_FIELDS = ["code", "message"]
MISSING = "987654321"


def fresh_key() -> int:
    return next(_keys)


def seed(client: TestClient, changes: dict | None = None) -> dict:
    """Store an item directly in the repository and return it as the API shows it."""
    key = fresh_key()
    data = {**SAMPLE_ITEM, "id": key, **(changes or {})}
    item = Pet.model_validate(data)
    client.app.state.repositories.pets.put(str(data["id"]), item)
    shown = item.model_dump(mode="json", by_alias=True, exclude_none=True)
    return shown


def key_of(item: dict) -> str:
    return str(item["id"])


def assert_error(response, status: int) -> None:
    assert response.status_code == status, response.text
    assert set(ERROR_FIELDS) <= set(response.json())


def test_list_pets_returns_the_stored_items(client: TestClient) -> None:
    first, second = seed(client), seed(client)
    response = client.get("/pets")
    assert response.status_code == 200
    assert [key_of(item) for item in response.json()] == [key_of(first), key_of(second)]


def test_list_pets_honours_limit(client: TestClient) -> None:
    first, _ = seed(client), seed(client)
    response = client.get("/pets", params={"limit": 1})
    assert response.status_code == 200
    items = response.json()
    assert [key_of(item) for item in items] == [key_of(first)]


def test_create_pets_returns_201(client: TestClient) -> None:
    response = client.post("/pets", json=CREATE_BODY)
    assert response.status_code == 201, response.text
    assert client.app.state.repositories.pets.get(str(CREATE_BODY["id"])) is not None


def test_create_pets_rejects_invalid_input(client: TestClient) -> None:
    assert_error(client.post("/pets", json=["not", "an", "object"]), 422)


def test_create_pets_refuses_a_duplicate_id(client: TestClient) -> None:
    assert client.post("/pets", json=CREATE_BODY).status_code == 201
    assert_error(client.post("/pets", json=CREATE_BODY), 409)


def test_show_pet_by_id_returns_the_item(client: TestClient) -> None:
    stored = seed(client)
    response = client.get(f"/pets/{key_of(stored)}")
    assert response.status_code == 200
    assert response.json() == {k: v for k, v in stored.items() if k != "_key"}


def test_show_pet_by_id_answers_404_for_an_unknown_id(client: TestClient) -> None:
    assert_error(client.get(f"/pets/{MISSING}"), 404)
