"""Models of Bookstore, one per schema in its OpenAPI description."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Author(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str = Field(min_length=1)
    email: str | None = None
    born: int | None = Field(default=None, ge=0)
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
    isbn: str | None = Field(default=None, pattern="^[0-9]{13}$")
    publishedOn: date | None = None
    tags: list[str] | None = Field(default=None, max_length=10)
    id: UUID
    createdAt: datetime


class BookPage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    items: list[Book]
    total: int = Field(ge=0)


class Error(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    error: str
    message: str


class NewAuthor(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str = Field(min_length=1)
    email: str | None = None
    born: int | None = Field(default=None, ge=0)


class NewBook(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    title: str = Field(min_length=1, max_length=200)
    authorId: UUID
    genre: Genre
    isbn: str | None = Field(default=None, pattern="^[0-9]{13}$")
    publishedOn: date | None = None
    tags: list[str] | None = Field(default=None, max_length=10)
