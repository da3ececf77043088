"""Routes of /shelves: listShelves, createShelf, getShelf, deleteShelf, updateShelf."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from ..errors import not_found
from ..models import Shelf, ShelfInput, ShelfPatch
from ..repository import Repositories
from ..security import require_auth

router = APIRouter(tags=["shelves"])


def get_repositories(request: Request) -> Repositories:
    return request.app.state.repositories


Repos = Annotated[Repositories, Depends(get_repositories)]


@router.get(
    "/shelves",
    operation_id="listShelves",
    status_code=200,
    response_model=list[Shelf],
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def list_shelves(
    repos: Repos, limit: Annotated[int, Query(ge=1, le=50)] = 10, offset: Annotated[int, Query(ge=0)] = 0
) -> list[Shelf]:
    items = repos.shelves.list()
    items = items[max(offset, 0) :]
    items = items[: max(limit, 0)]
    return items


@router.post(
    "/shelves",
    operation_id="createShelf",
    status_code=201,
    response_model=Shelf,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def create_shelf(body: ShelfInput, repos: Repos) -> Shelf:
    new_id = repos.shelves.next_id()
    key = str(new_id)
    item = Shelf.model_validate(
        {
            **body.model_dump(by_alias=True, exclude_none=True),
            "id": new_id,
        }
    )
    repos.shelves.put(key, item)
    return item


@router.get(
    "/shelves/{shelfId}",
    operation_id="getShelf",
    status_code=200,
    response_model=Shelf,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def get_shelf(shelf_id: Annotated[int, Path(alias="shelfId")], repos: Repos) -> Shelf:
    current = repos.shelves.get(str(shelf_id))
    if current is None:
        raise not_found("shelve", shelf_id)
    return current


@router.delete(
    "/shelves/{shelfId}",
    operation_id="deleteShelf",
    status_code=204,
    response_class=Response,
    dependencies=[Depends(require_auth)],
)
def delete_shelf(shelf_id: Annotated[int, Path(alias="shelfId")], repos: Repos) -> Response:
    current = repos.shelves.get(str(shelf_id))
    if current is None:
        raise not_found("shelve", shelf_id)
    repos.shelves.delete(str(shelf_id))
    return Response(status_code=204)


@router.patch(
    "/shelves/{shelfId}",
    operation_id="updateShelf",
    status_code=200,
    response_model=Shelf,
    response_model_exclude_none=True,
    dependencies=[Depends(require_auth)],
)
def update_shelf(shelf_id: Annotated[int, Path(alias="shelfId")], body: ShelfPatch, repos: Repos) -> Shelf:
    current = repos.shelves.get(str(shelf_id))
    if current is None:
        raise not_found("shelve", shelf_id)
    item = Shelf.model_validate(
        {
            **current.model_dump(by_alias=True, exclude_none=True),
            **body.model_dump(by_alias=True, exclude_unset=True),
            "id": current.id,
        }
    )
    repos.shelves.put(str(shelf_id), item)
    return item
