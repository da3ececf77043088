"""Routes of /books: listBooks, createBook, getBook, replaceBook, deleteBook."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from ..errors import not_found
from ..models import Book, BookPage, Genre, NewBook
from ..repository import Repositories
from ..security import require_auth

router = APIRouter(tags=["books"])


def get_repositories(request: Request) -> Repositories:
    return request.app.state.repositories


Repos = Annotated[Repositories, Depends(get_repositories)]


@router.get(
    "/books",
    operation_id="listBooks",
    status_code=200,
    response_model=BookPage,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def list_books(
    repos: Repos,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    genre: Annotated[Genre | None, Query()] = None,
) -> BookPage:
    """List books, newest first"""
    items = repos.books.list()
    if genre is not None:
        items = [item for item in items if item.genre == genre]
    total = len(items)
    items = items[max(offset, 0) :]
    items = items[: max(limit, 0)]
    return BookPage.model_validate({"items": items, "total": total})


@router.post(
    "/books",
    operation_id="createBook",
    status_code=201,
    response_model=Book,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def create_book(body: NewBook, repos: Repos) -> Book:
    new_id = uuid4()
    key = str(new_id)
    item = Book.model_validate(
        {
            **body.model_dump(by_alias=True, exclude_none=True),
            "id": new_id,
            "createdAt": datetime.now(UTC),
        }
    )
    repos.books.put(key, item)
    return item


@router.get(
    "/books/{bookId}",
    operation_id="getBook",
    status_code=200,
    response_model=Book,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def get_book(book_id: Annotated[UUID, Path(alias="bookId")], repos: Repos) -> Book:
    current = repos.books.get(str(book_id))
    if current is None:
        raise not_found("book", book_id)
    return current


@router.put(
    "/books/{bookId}",
    operation_id="replaceBook",
    status_code=200,
    response_model=Book,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def replace_book(book_id: Annotated[UUID, Path(alias="bookId")], body: NewBook, repos: Repos) -> Book:
    current = repos.books.get(str(book_id))
    if current is None:
        raise not_found("book", book_id)
    item = Book.model_validate(
        {
            **body.model_dump(by_alias=True, exclude_none=True),
            "id": current.id,
            "createdAt": current.createdAt,
        }
    )
    repos.books.put(str(book_id), item)
    return item


@router.delete(
    "/books/{bookId}",
    operation_id="deleteBook",
    status_code=204,
    response_class=Response,
    dependencies=[Depends(require_auth)],
)
def delete_book(book_id: Annotated[UUID, Path(alias="bookId")], repos: Repos) -> Response:
    current = repos.books.get(str(book_id))
    if current is None:
        raise not_found("book", book_id)
    repos.books.delete(str(book_id))
    return Response(status_code=204)
