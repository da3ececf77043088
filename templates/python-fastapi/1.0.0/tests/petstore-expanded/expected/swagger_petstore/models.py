"""Models of Swagger Petstore, one per schema in its OpenAPI description."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class NewPet(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str
    tag: str | None = None


class Pet(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str
    tag: str | None = None
    id: int
