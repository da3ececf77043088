"""Models of Library, one per schema in its OpenAPI description."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _reject_numbers(value: object) -> object:
    """JSON numbers are not dates; without this pydantic would read them as Unix timestamps."""
    if isinstance(value, int | float):
        raise ValueError("expected an ISO 8601 string")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_reject_numbers)]


def _json_number(value: object) -> object:
    """JSON numbers only: pydantic would read true as 1 and "5" as 5."""
    if isinstance(value, bool | str):
        raise ValueError("expected a JSON number")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_number)]


class Language(StrEnum):
    EN = "en"
    FR = "fr"
    DE = "de"


class Book(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: JsonInt
    shelfId: JsonInt
    title: str = Field(min_length=1)
    language: Language
    pages: JsonInt = Field(default=None, ge=1)
    addedAt: IsoDateTime


class BookInput(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    title: str = Field(min_length=1)
    language: Language
    pages: JsonInt = Field(default=100, ge=1)


class Problem(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    code: str
    detail: str


class Shelf(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    label: str = Field(min_length=1, max_length=40)
    floor: JsonInt | None = Field(default=None, ge=0, le=9)
    id: JsonInt


class ShelfInput(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    label: str = Field(min_length=1, max_length=40)
    floor: JsonInt | None = Field(default=None, ge=0, le=9)


class ShelfPatch(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    label: str = Field(default=None, min_length=1, max_length=40)
    floor: JsonInt | None = Field(default=None, ge=0, le=9)
