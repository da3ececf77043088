"""Authentication: apiKey, checked by a pluggable verifier."""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Iterable
from typing import Annotated

from fastapi import Header, Request

from .errors import ApiError

TokenVerifier = Callable[[str], bool]
TOKENS_ENV = "LIBRARY_API_TOKENS"


class StaticTokenVerifier:
    """Accepts a fixed set of tokens, compared in constant time."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self._tokens = [token for token in tokens if token]

    def __call__(self, token: str) -> bool:
        return any(hmac.compare_digest(token, known) for known in self._tokens)


def tokens_from_env() -> StaticTokenVerifier:
    """Tokens from ${LIBRARY_API_TOKENS} (comma-separated); none configured means every request is refused."""
    return StaticTokenVerifier(part.strip() for part in os.environ.get(TOKENS_ENV, "").split(","))


def _unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "Missing or invalid credentials.", headers={"WWW-Authenticate": "ApiKey"})


def require_auth(request: Request, api_key: Annotated[str | None, Header(alias="X-API-Key")] = None) -> None:
    if not api_key or not request.app.state.verifier(api_key):
        raise _unauthorized()
