"""Models of Bookstore, one per schema in its OpenAPI description."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _reject_numbers(value: object) -> object:
    """JSON numbers are not dates; without this pydantic would read them as Unix timestamps."""
    if isinstance(value, int | float):
        raise ValueError("expected an ISO 8601 string")
    return value


IsoDate = Annotated[date, BeforeValidator(_reject_numbers)]
IsoDateTime = Annotated[datetime, BeforeValidator(_reject_numbers)]


def _json_number(value: object) -> object:
    """JSON numbers only: pydantic would read true as 1 and "5" as 5."""
    if isinstance(value, bool | str):
        raise ValueError("expected a JSON number")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_number)]


class Author(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str = Field(min_length=1)
    email: str = Field(default=None, pattern="^[^@\\s]+@[^@\\s]+$")
    born: JsonInt | None = Field(default=None, ge=0)
    id: UUID


class Genre(StrEnum):
    FICTION = "fiction"
    NON_FICTION = "non-fiction"
    POETRY = "poetry"
    DRAMA = "drama"


class Book(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    title: str = Field(min_length=1, max_length=200)
    authorId: UUID
    genre: Genre
    isbn: str = Field(default=None, pattern="^[0-9]{13}$")
    publishedOn: IsoDate = Field(default=None)
    tags: list[str] = Field(default=None, max_length=10)
    id: UUID
    createdAt: IsoDateTime


class BookPage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    items: list[Book]
    total: JsonInt = Field(ge=0)


class Error(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    error: str
    message: str


class NewAuthor(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str = Field(min_length=1)
    email: str = Field(default=None, pattern="^[^@\\s]+@[^@\\s]+$")
    born: JsonInt | None = Field(default=None, ge=0)


class NewBook(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    title: str = Field(min_length=1, max_length=200)
    authorId: UUID
    genre: Genre
    isbn: str = Field(default=None, pattern="^[0-9]{13}$")
    publishedOn: IsoDate = Field(default=None)
    tags: list[str] = Field(default=None, max_length=10)
