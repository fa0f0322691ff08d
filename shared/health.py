"""Liveness and readiness, the same in every service: ``/health/live`` and ``/health/ready``.

*Live* answers as long as the process serves HTTP (a failing liveness probe restarts the pod);
*ready* runs the service's checks (its database, for a consumer its group membership and the
broker) and answers 503 naming what is not ready, so a load balancer stops sending it traffic
without restarting it. ``/health`` stays as an alias of *live* for scripts that know only it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

HEALTH_PATHS = frozenset({"/health", "/health/live", "/health/ready"})
CHECK_TIMEOUT_SECONDS = 2.0


class NotReady(Exception):
    """Raised by a readiness check, with a reason an operator can act on."""


ReadinessCheck = Callable[[FastAPI], Awaitable[None]]


def health_router(checks: Mapping[str, ReadinessCheck]) -> APIRouter:
    """The three health routes; ``checks`` are run concurrently for ``/health/ready``."""
    router = APIRouter(tags=["health"])

    @router.get("/health", include_in_schema=False)
    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready(request: Request) -> JSONResponse:
        results = await asyncio.gather(*(_run(check, request.app) for check in checks.values()))
        outcome = dict(zip(checks, results, strict=True))
        healthy = all(result == "ok" for result in outcome.values())
        body = {"status": "ready" if healthy else "not_ready", "checks": outcome}
        return JSONResponse(body, status_code=200 if healthy else 503)

    return router


async def _run(check: ReadinessCheck, app: FastAPI) -> str:
    try:
        await asyncio.wait_for(check(app), timeout=CHECK_TIMEOUT_SECONDS)
    except NotReady as exc:
        return str(exc)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT_SECONDS:g} s"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    return "ok"


def database_check(engine_of: Callable[[FastAPI], Engine | None]) -> ReadinessCheck:
    """Ready when the service's own database answers ``SELECT 1``."""

    async def check(app: FastAPI) -> None:
        engine = engine_of(app)
        if engine is None:
            raise NotReady("database not opened yet")
        await asyncio.to_thread(_select_one, engine)

    return check


def _select_one(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def engine_in_state(app: FastAPI) -> Engine | None:
    """The engine most services keep at ``app.state.engine`` (None until the lifespan opened it)."""
    return getattr(app.state, "engine", None)


def install_health(app: FastAPI, checks: Mapping[str, ReadinessCheck]) -> None:
    """Serve ``/health``, ``/health/live`` and ``/health/ready`` with ``checks``."""
    app.include_router(health_router(checks))
