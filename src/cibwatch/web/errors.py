"""The API's one error shape, for every error (ours, validation, 404/405, and the unexpected)::

    {"error": {"status": 404, "code": "not_found", "message": "no case 7",
               "remedy": "listing the cases: GET /api/v1/cases", "details": []}}
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..cases.errors import CaseError
from ..errors import CibwatchError

__all__ = ["error_body", "install_error_handlers", "ERROR_SCHEMA"]

log = logging.getLogger("cibwatch.web")

_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
          413: "too_large", 415: "unsupported_media_type", 422: "validation_failed",
          429: "too_many_requests", 500: "internal_error", 503: "unavailable"}

#: The error shape in OpenAPI terms (components/schemas/Error).
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["status", "code", "message"],
        "properties": {
            "status": {"type": "integer"},
            "code": {"type": "string"},
            "message": {"type": "string"},
            "remedy": {"type": ["string", "null"]},
            "details": {"type": "array", "items": {"type": "object"}},
        }}},
}


def error_body(status: int, code: str, message: str, remedy: str | None = None,
               details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, "remedy": remedy,
                      "details": details or []}}


def _json(status: int, code: str, message: str, remedy: str | None = None,
          details: list[dict[str, Any]] | None = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, remedy, details), status_code=status,
                        headers=headers)


def _clean(errors: Any) -> list[dict[str, Any]]:
    out = []
    for e in errors:
        out.append({"field": ".".join(str(x) for x in e.get("loc", ())),
                    "message": str(e.get("msg", "")), "type": str(e.get("type", ""))})
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CaseError)
    async def _case(request: Request, exc: CaseError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return _json(exc.status, exc.code, exc.message, exc.remedy, exc.details, headers)

    @app.exception_handler(CibwatchError)
    async def _cibwatch(request: Request, exc: CibwatchError) -> JSONResponse:
        return _json(400, "bad_request", exc.message, exc.remedy)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _json(422, "validation_failed", "the request does not fit the API's schema",
                     "correcting the fields listed in details (see /api/v1/openapi.json)",
                     _clean(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, "error")
        message = str(exc.detail) if exc.detail else code.replace("_", " ")
        remedy = "listing the endpoints in /api/v1/openapi.json" if exc.status_code in (
            404, 405) else None
        return _json(exc.status_code, code, message, remedy,
                     headers=getattr(exc, "headers", None))

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        return _json(409, "stale_version", "the object changed while this request ran",
                     "reading it again and retrying")

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        return _json(409, "conflict", "the change conflicts with what is stored",
                     "reading the object again and retrying")

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        return _json(422, "validation_failed", "a value does not fit the store (too long, or "
                     "characters it cannot hold)", "shortening or cleaning the value")

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("case store unavailable: %s", exc)
        return _json(503, "unavailable", "the case store is busy or unreachable", "retrying",
                     headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _other(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, OverflowError | UnicodeError | ValueError):
            return _json(422, "validation_failed", f"a value cannot be used: {exc}")
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _json(500, "internal_error", "an unexpected error; it was logged",
                     "reporting it with the time of the request")
