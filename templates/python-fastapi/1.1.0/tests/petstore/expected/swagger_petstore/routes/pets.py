"""Routes of /pets: listPets, createPets, showPetById."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from ..errors import ApiError, not_found
from ..models import Pet
from ..repository import Repositories

router = APIRouter(tags=["pets"])


def get_repositories(request: Request) -> Repositories:
    return request.app.state.repositories


Repos = Annotated[Repositories, Depends(get_repositories)]


@router.get(
    "/pets",
    operation_id="listPets",
    status_code=200,
    response_model=list[Pet],
    response_model_exclude_none=True,
)
def list_pets(repos: Repos, limit: Annotated[int | None, Query(ge=-2147483648, le=100)] = None) -> list[Pet]:
    """List all pets"""
    items = repos.pets.list()
    if limit is not None:
        items = items[: max(limit, 0)]
    return items


@router.post(
    "/pets",
    operation_id="createPets",
    status_code=201,
    response_class=Response,
)
def create_pets(body: Pet, repos: Repos) -> Response:
    """Create a pet"""
    item = body
    key = str(item.id)
    if repos.pets.get(key) is not None:
        raise ApiError(409, "conflict", f"pet {key} already exists.")
    repos.pets.put(key, item)
    return Response(status_code=201)


@router.get(
    "/pets/{petId}",
    operation_id="showPetById",
    status_code=200,
    response_model=Pet,
    response_model_exclude_none=True,
)
def show_pet_by_id(pet_id: Annotated[str, Path(alias="petId")], repos: Repos) -> Pet:
    """Info for a specific pet"""
    current = repos.pets.get(str(pet_id))
    if current is None:
        raise not_found("pet", pet_id)
    return current
