"""What the database refuses, answered as the caller's mistake rather than a 500.

- A number that does not fit a 64-bit integer column (SQLite raises ``OverflowError`` while
  binding it; PostgreSQL answers ``numeric_value_out_of_range``) is ``BAD_USER_INPUT`` (422).
- A unique or not-null constraint the request would break is ``CONFLICT`` (409): the rule is kept
  by the database, and the request changed nothing.
- A database that is away (restarting, crashed, unreachable) is ``UNAVAILABLE`` (503, with
  ``Retry-After``): the request was not done and may be tried again; the service itself stays
  up and answers again as soon as the database does.

Installed by ``shared.http.install_http_basics`` for every service.
"""

from __future__ import annotations

import sqlite3

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = structlog.get_logger()
OUT_OF_RANGE = "A number in the request is too large (at most 9223372036854775807)."
CONFLICTING = "That change conflicts with what is already recorded (it would repeat or empty it)."
AWAY = "The database is not answering just now; nothing was changed. Try again in a moment."
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


def is_database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database is away (restarting, crashed, unreachable), not that
    the work itself is wrong: such work is waited for and tried again, never counted against it.

    PostgreSQL's shutdown, crash recovery and refused connections all arrive as
    ``OperationalError`` (psycopg's AdminShutdown, CannotConnectNow, ...); a connection found
    dead mid-statement is a ``DBAPIError`` with ``connection_invalidated``.
    """
    if isinstance(error, OperationalError) and isinstance(error.orig, sqlite3.Error):
        # SQLite's OperationalError also means "no such table": only a busy file waits.
        return any(word in str(error.orig) for word in ("locked", "busy"))
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def install_database_refusals(app: FastAPI) -> None:
    async def _overflow(request: Request, exc: Exception) -> JSONResponse:
        if not is_integer_overflow(exc):
            raise exc  # someone else's bug: the generic handler logs it as a 500
        log.info("integer_out_of_range", path=request.url.path)
        return JSONResponse(_body("BAD_USER_INPUT", OUT_OF_RANGE), status_code=422)

    async def _integrity(request: Request, exc: Exception) -> JSONResponse:
        log.info("constraint_refused", path=request.url.path, error=str(exc.args[0])[:200])
        return JSONResponse(_body("CONFLICT", CONFLICTING), status_code=409)

    async def _away(request: Request, exc: Exception) -> JSONResponse:
        if not is_database_unavailable(exc):
            raise exc  # a statement the database refused: the generic handler logs it as a 500
        log.warning("database_unavailable", path=request.url.path, error=str(exc)[:200])
        body = _body("UNAVAILABLE", AWAY)
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    for away in (OperationalError, InterfaceError, PoolTimeout, DBAPIError):
        app.add_exception_handler(away, _away)
    app.add_exception_handler(OverflowError, _overflow)
    app.add_exception_handler(DataError, _overflow)
    app.add_exception_handler(IntegrityError, _integrity)
