"""Models of Swagger Petstore, one per schema in its OpenAPI description."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Pet(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: int
    name: str
    tag: str | None = None


Pets = list[Pet]
