"""Run the directory service: ``python -m services.directory``."""

from __future__ import annotations

import uvicorn

from services.directory.app import create_app
from services.directory.settings import get_directory_settings
from shared.logging import configure_logging
from shared.settings import get_common_settings
from shared.tracing import configure_tracing


def main() -> None:
    common = get_common_settings()
    configure_logging("directory", log_format=common.log_format, level=common.log_level)
    configure_tracing("directory")  # only if OTEL_TRACES_EXPORTER asks for it
    settings = get_directory_settings()
    uvicorn.run(
        create_app(settings, common), host=settings.host, port=settings.port, log_config=None
    )


if __name__ == "__main__":
    main()
