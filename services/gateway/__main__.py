"""`python -m services.gateway`: serve GraphQL at http://HOST:PORT/graphql."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from services.gateway.app import create_app
from services.gateway.settings import get_settings
from services.gateway.wiring import prepare_database
from shared.db import make_engine
from shared.logging import configure_logging
from shared.settings import get_common_settings
from shared.tracing import configure_tracing


def app_in_worker() -> FastAPI:
    """The app as each worker process builds it (logging and tracing set up there too)."""
    common = get_common_settings()
    configure_logging("gateway", log_format=common.log_format, level=common.log_level)
    configure_tracing("gateway")  # only if OTEL_TRACES_EXPORTER asks for it
    return create_app(get_settings(), common)


def main() -> None:
    settings = get_settings()
    # proxy_headers off: the gateway reads X-Forwarded-For itself, from configured trusted proxies
    # only and their last entry only (client_budgets.py).
    options = {
        "host": settings.host, "port": settings.port, "log_config": None, "proxy_headers": False,
        "server_header": False,
    }  # fmt: skip
    if settings.workers == 1:
        uvicorn.run(app_in_worker(), **options)  # type: ignore[arg-type]
        return
    engine = make_engine(settings.database_url)
    try:
        prepare_database(settings, engine)  # once, before the workers (theirs find nothing to do)
    finally:
        engine.dispose()
    uvicorn.run(
        "services.gateway.__main__:app_in_worker", factory=True, workers=settings.workers,
        **options,  # type: ignore[arg-type]
    )  # fmt: skip


if __name__ == "__main__":
    main()
