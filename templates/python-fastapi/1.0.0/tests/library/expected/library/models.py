"""Models of Library, one per schema in its OpenAPI description."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Language(StrEnum):
    EN = "en"
    FR = "fr"
    DE = "de"


class Book(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: int
    shelfId: int
    title: str = Field(min_length=1)
    language: Language
    pages: int | None = Field(default=None, ge=1)
    addedAt: datetime


class BookInput(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    title: str = Field(min_length=1)
    language: Language
    pages: int | None = Field(default=100, ge=1)


class Problem(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    code: str
    detail: str


class Shelf(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    label: str = Field(min_length=1, max_length=40)
    floor: int | None = Field(default=None, ge=0, le=9)
    id: int


class ShelfInput(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    label: str = Field(min_length=1, max_length=40)
    floor: int | None = Field(default=None, ge=0, le=9)


class ShelfPatch(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    label: str | None = Field(default=None, min_length=1, max_length=40)
    floor: int | None = Field(default=None, ge=0, le=9)
