"""Run the directory service: ``python -m services.directory``."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from services.directory.app import create_app
from services.directory.settings import get_settings
from services.directory.wiring import prepare_database
from shared.logging import configure_logging
from shared.settings import get_common_settings
from shared.tracing import configure_tracing


def app_in_worker() -> FastAPI:
    """The app as each worker process builds it (logging and tracing set up there too)."""
    common = get_common_settings()
    configure_logging("directory", log_format=common.log_format, level=common.log_level)
    configure_tracing("directory")  # only if OTEL_TRACES_EXPORTER asks for it
    settings = get_settings()
    if settings.workers > 1:  # the supervising process seeded already: no write at start-up
        settings = settings.model_copy(update={"seed_on_start": False})
    return create_app(settings, common)


def main() -> None:
    settings = get_settings()
    if settings.workers == 1:
        uvicorn.run(app_in_worker(), host=settings.host, port=settings.port, log_config=None)
        return
    app_in_worker()  # logging in this supervising process too
    prepare_database(settings)  # once, before the workers start (theirs then find nothing to do)
    uvicorn.run(
        "services.directory.__main__:app_in_worker", factory=True, workers=settings.workers,
        host=settings.host, port=settings.port, log_config=None,
    )  # fmt: skip


if __name__ == "__main__":
    main()
