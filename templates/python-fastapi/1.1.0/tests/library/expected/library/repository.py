"""Storage behind the routes: a small interface and an in-memory implementation."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from typing import Generic, Protocol, TypeVar

from .models import Book, Shelf

ItemT = TypeVar("ItemT")


class Repository(Protocol[ItemT]):
    def list(self) -> list[ItemT]: ...

    def get(self, key: str) -> ItemT | None: ...

    def put(self, key: str, item: ItemT) -> None: ...

    def delete(self, key: str) -> bool: ...

    def next_id(self) -> int: ...


class InMemoryRepository(Generic[ItemT]):
    """Items by key, in insertion order."""

    def __init__(self) -> None:
        self._items: dict[str, ItemT] = {}
        self._ids = count(1)

    def list(self) -> list[ItemT]:
        return list(self._items.values())

    def get(self, key: str) -> ItemT | None:
        return self._items.get(key)

    def put(self, key: str, item: ItemT) -> None:
        self._items[key] = item

    def delete(self, key: str) -> bool:
        return self._items.pop(key, None) is not None

    def next_id(self) -> int:
        candidate = next(self._ids)
        while str(candidate) in self._items:
            candidate = next(self._ids)
        return candidate


@dataclass
class Repositories:
    shelves: Repository[Shelf] = field(default_factory=InMemoryRepository)
    books: Repository[Book] = field(default_factory=InMemoryRepository)
