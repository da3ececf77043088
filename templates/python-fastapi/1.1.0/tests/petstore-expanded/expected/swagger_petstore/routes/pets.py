"""Routes of /pets: findPets, addPet, find pet by id, deletePet."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from ..errors import not_found
from ..models import NewPet, Pet
from ..repository import Repositories

router = APIRouter(tags=["pets"])


def get_repositories(request: Request) -> Repositories:
    return request.app.state.repositories


Repos = Annotated[Repositories, Depends(get_repositories)]


@router.get(
    "/pets",
    operation_id="findPets",
    status_code=200,
    response_model=list[Pet],
    response_model_exclude_none=True,
)
def find_pets(
    repos: Repos,
    tags: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int | None, Query(ge=-2147483648, le=2147483647)] = None,
) -> list[Pet]:
    items = repos.pets.list()
    if tags is not None:
        items = [item for item in items if item.tag in tags]
    if limit is not None:
        items = items[: max(limit, 0)]
    return items


@router.post(
    "/pets",
    operation_id="addPet",
    status_code=200,
    response_model=Pet,
    response_model_exclude_none=True,
)
def add_pet(body: NewPet, repos: Repos) -> Pet:
    new_id = repos.pets.next_id()
    key = str(new_id)
    item = Pet.model_validate(
        {
            **body.model_dump(by_alias=True, exclude_none=True),
            "id": new_id,
        }
    )
    repos.pets.put(key, item)
    return item


@router.get(
    "/pets/{id}",
    operation_id="find pet by id",
    status_code=200,
    response_model=Pet,
    response_model_exclude_none=True,
)
def find_pet_by_id(id: Annotated[int, Path(alias="id")], repos: Repos) -> Pet:
    current = repos.pets.get(str(id))
    if current is None:
        raise not_found("pet", id)
    return current


@router.delete(
    "/pets/{id}",
    operation_id="deletePet",
    status_code=204,
    response_class=Response,
)
def delete_pet(id: Annotated[int, Path(alias="id")], repos: Repos) -> Response:
    current = repos.pets.get(str(id))
    if current is None:
        raise not_found("pet", id)
    repos.pets.delete(str(id))
    return Response(status_code=204)
