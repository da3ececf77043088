"""Routes of /authors: listAuthors, createAuthor, getAuthor."""

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Path, Request

from ..errors import not_found
from ..models import Author, NewAuthor
from ..repository import Repositories
from ..security import require_auth

router = APIRouter(tags=["authors"])


def get_repositories(request: Request) -> Repositories:
    return request.app.state.repositories


Repos = Annotated[Repositories, Depends(get_repositories)]


@router.get(
    "/authors",
    operation_id="listAuthors",
    status_code=200,
    response_model=list[Author],
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def list_authors(repos: Repos) -> list[Author]:
    items = repos.authors.list()
    return items


@router.post(
    "/authors",
    operation_id="createAuthor",
    status_code=201,
    response_model=Author,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def create_author(body: NewAuthor, repos: Repos) -> Author:
    new_id = uuid4()
    key = str(new_id)
    item = Author.model_validate(
        {
            **body.model_dump(by_alias=True, exclude_none=True),
            "id": new_id,
        }
    )
    repos.authors.put(key, item)
    return item


@router.get(
    "/authors/{authorId}",
    operation_id="getAuthor",
    status_code=200,
    response_model=Author,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def get_author(author_id: Annotated[UUID, Path(alias="authorId")], repos: Repos) -> Author:
    current = repos.authors.get(str(author_id))
    if current is None:
        raise not_found("author", author_id)
    return current
