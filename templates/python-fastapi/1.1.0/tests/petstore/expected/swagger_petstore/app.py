"""The application factory: `uvicorn --factory swagger_petstore.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from .errors import install_error_handlers
from .repository import Repositories
from .routes import pets


def create_app(repositories: Repositories | None = None) -> FastAPI:
    app = FastAPI(title="Swagger Petstore", version="1.0.0")
    app.state.repositories = repositories or Repositories()
    install_error_handlers(app)
    app.include_router(pets.router)
    return app
