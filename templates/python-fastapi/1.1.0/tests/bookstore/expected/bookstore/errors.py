"""Errors, answered in the shape the spec declares (`Error`)."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


class ApiError(Exception):
    """An error answered with `status` and the spec's error body."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self.args = (message,)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_body(status: int, code: str, message: str) -> dict[str, object]:
    return {
        "error": code,
        "message": message,
    }


def not_found(what: str, key: object) -> ApiError:
    return ApiError(404, "not_found", f"{what} {key} does not exist.")


async def _on_api_error(request: Request, exc: ApiError) -> JSONResponse:
    return JSONResponse(error_body(exc.status, exc.code, exc.message), status_code=exc.status, headers=exc.headers)


async def _on_http_error(request: Request, exc: HTTPException) -> JSONResponse:
    # Framework errors (malformed JSON, unknown route, wrong method) answer in the same shape.
    code = str(exc.detail).lower().replace(" ", "_") if exc.status_code != 400 else "malformed_request"
    return JSONResponse(
        error_body(exc.status_code, code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


async def _on_invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()[:5]
    )
    return JSONResponse(error_body(422, "invalid_request", problems), status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_invalid_request)
