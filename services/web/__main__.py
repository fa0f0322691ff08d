"""``python -m services.web``: serve the pages with uvicorn."""

from __future__ import annotations

import uvicorn

from services.web.app import create_app
from services.web.settings import get_settings
from shared.logging import configure_logging
from shared.settings import get_common_settings
from shared.tracing import configure_tracing


def main() -> None:
    common = get_common_settings()
    configure_logging("web", log_format=common.log_format, level=common.log_level)
    configure_tracing("web")  # only if OTEL_TRACES_EXPORTER asks for it
    settings = get_settings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
