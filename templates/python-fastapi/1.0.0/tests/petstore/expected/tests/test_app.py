"""The application factory and its defaults."""

from swagger_petstore.app import create_app
from swagger_petstore.repository import InMemoryRepository, Repositories


def test_create_app_uses_in_memory_repositories_by_default() -> None:
    app = create_app()
    assert isinstance(app.state.repositories, Repositories)
    assert isinstance(app.state.repositories.pets, InMemoryRepository)


def test_repository_ids_skip_keys_already_taken() -> None:
    repository: InMemoryRepository[str] = InMemoryRepository()
    repository.put("1", "taken")
    assert repository.next_id() == 2
    assert repository.delete("1") and not repository.delete("1")
