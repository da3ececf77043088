"""The application factory: `uvicorn --factory bookstore.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from .errors import install_error_handlers
from .repository import Repositories
from .routes import authors, books
from .security import TokenVerifier, tokens_from_env


def create_app(repositories: Repositories | None = None, verifier: TokenVerifier | None = None) -> FastAPI:
    app = FastAPI(title="Bookstore", version="1.2.0")
    app.state.repositories = repositories or Repositories()
    app.state.verifier = verifier or tokens_from_env()
    install_error_handlers(app)
    app.include_router(books.router)
    app.include_router(authors.router)
    return app
