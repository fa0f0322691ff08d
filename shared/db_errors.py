"""What the database refuses, answered as the caller's mistake rather than a 500.

- A number that does not fit a 64-bit integer column (SQLite raises ``OverflowError`` while
  binding it; PostgreSQL answers ``numeric_value_out_of_range``) is ``BAD_USER_INPUT`` (422).
- A unique or not-null constraint the request would break is ``CONFLICT`` (409): the rule is kept
  by the database, and the request changed nothing.

Installed by ``shared.http.install_http_basics`` for every service.
"""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError

log = structlog.get_logger()
OUT_OF_RANGE = "A number in the request is too large (at most 9223372036854775807)."
CONFLICTING = "That change conflicts with what is already recorded (it would repeat or empty it)."
_SQLITE_OVERFLOW = "too large to convert to SQLite INTEGER"
_POSTGRES_OUT_OF_RANGE = "22003"  # SQLSTATE numeric_value_out_of_range


def _body(code: str, message: str) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "field": None}}


def is_integer_overflow(error: BaseException) -> bool:
    """Whether the database refused a number too large for its integer columns."""
    if isinstance(error, OverflowError):
        return _SQLITE_OVERFLOW in str(error)
    if isinstance(error, DataError):
        return getattr(error.orig, "sqlstate", None) == _POSTGRES_OUT_OF_RANGE
    return False


def install_database_refusals(app: FastAPI) -> None:
    async def _overflow(request: Request, exc: Exception) -> JSONResponse:
        if not is_integer_overflow(exc):
            raise exc  # someone else's bug: the generic handler logs it as a 500
        log.info("integer_out_of_range", path=request.url.path)
        return JSONResponse(_body("BAD_USER_INPUT", OUT_OF_RANGE), status_code=422)

    async def _integrity(request: Request, exc: Exception) -> JSONResponse:
        log.info("constraint_refused", path=request.url.path, error=str(exc.args[0])[:200])
        return JSONResponse(_body("CONFLICT", CONFLICTING), status_code=409)

    app.add_exception_handler(OverflowError, _overflow)
    app.add_exception_handler(DataError, _overflow)
    app.add_exception_handler(IntegrityError, _integrity)
