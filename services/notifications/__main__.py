"""`python -m services.notifications`: HTTP API, Kafka consumer and email sender in one process."""

from __future__ import annotations

import uvicorn

from services.notifications.app import create_app
from services.notifications.settings import get_settings
from shared.logging import configure_logging
from shared.settings import get_common_settings
from shared.tracing import configure_tracing


def main() -> None:
    common = get_common_settings()
    settings = get_settings()
    configure_logging("notifications", log_format=common.log_format, level=common.log_level)
    configure_tracing("notifications")  # only if OTEL_TRACES_EXPORTER asks for it
    uvicorn.run(
        create_app(settings, common), host=settings.host, port=settings.port, log_config=None
    )


if __name__ == "__main__":
    main()
