"""Models of Swagger Petstore, one per schema in its OpenAPI description."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _json_number(value: object) -> object:
    """JSON numbers only: pydantic would read true as 1 and "5" as 5."""
    if isinstance(value, bool | str):
        raise ValueError("expected a JSON number")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_number)]


class Error(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    code: JsonInt = Field(ge=-2147483648, le=2147483647)
    message: str


class Pet(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: JsonInt = Field(ge=-9223372036854775808, le=9223372036854775807)
    name: str
    tag: str = Field(default=None)


Pets = list[Pet]
