"""Routes of /shelves/{shelfId}/books: listShelfBooks, createShelfBook, getShelfBook, deleteShelfBook."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from ..errors import not_found
from ..models import Book, BookInput, Language
from ..repository import Repositories
from ..security import require_auth

router = APIRouter(tags=["books"])


def get_repositories(request: Request) -> Repositories:
    return request.app.state.repositories


Repos = Annotated[Repositories, Depends(get_repositories)]


def _require_parent(repos: Repositories, shelf_id: int) -> None:
    if repos.shelves.get(str(shelf_id)) is None:
        raise not_found("shelfId", shelf_id)


@router.get(
    "/shelves/{shelfId}/books",
    operation_id="listShelfBooks",
    status_code=200,
    response_model=list[Book],
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def list_shelf_books(
    shelf_id: Annotated[int, Path(alias="shelfId")], repos: Repos, language: Annotated[Language | None, Query()] = None
) -> list[Book]:
    _require_parent(repos, shelf_id)
    items = repos.books.list()
    items = [item for item in items if str(item.shelfId) == str(shelf_id)]
    if language is not None:
        items = [item for item in items if item.language == language]
    return items


@router.post(
    "/shelves/{shelfId}/books",
    operation_id="createShelfBook",
    status_code=201,
    response_model=Book,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def create_shelf_book(shelf_id: Annotated[int, Path(alias="shelfId")], body: BookInput, repos: Repos) -> Book:
    _require_parent(repos, shelf_id)
    new_id = repos.books.next_id()
    key = str(new_id)
    item = Book.model_validate(
        {
            **body.model_dump(by_alias=True, exclude_none=True),
            "id": new_id,
            "shelfId": shelf_id,
            "addedAt": datetime.now(UTC),
        }
    )
    repos.books.put(key, item)
    return item


@router.get(
    "/shelves/{shelfId}/books/{bookId}",
    operation_id="getShelfBook",
    status_code=200,
    response_model=Book,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def get_shelf_book(
    shelf_id: Annotated[int, Path(alias="shelfId")], book_id: Annotated[int, Path(alias="bookId")], repos: Repos
) -> Book:
    _require_parent(repos, shelf_id)
    current = repos.books.get(str(book_id))
    if current is None or str(current.shelfId) != str(shelf_id):
        raise not_found("book", book_id)
    return current


@router.delete(
    "/shelves/{shelfId}/books/{bookId}",
    operation_id="deleteShelfBook",
    status_code=204,
    response_class=Response,
    dependencies=[Depends(require_auth)],
)
def delete_shelf_book(
    shelf_id: Annotated[int, Path(alias="shelfId")], book_id: Annotated[int, Path(alias="bookId")], repos: Repos
) -> Response:
    _require_parent(repos, shelf_id)
    current = repos.books.get(str(book_id))
    if current is None or str(current.shelfId) != str(shelf_id):
        raise not_found("book", book_id)
    repos.books.delete(str(book_id))
    return Response(status_code=204)
