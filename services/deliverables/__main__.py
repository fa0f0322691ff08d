"""``python -m services.deliverables``: migrate, seed if empty, serve HTTP and relay events."""

from __future__ import annotations

import uvicorn

from services.deliverables.app import create_app
from services.deliverables.settings import get_settings
from shared.logging import configure_logging
from shared.settings import get_common_settings
from shared.tracing import configure_tracing


def main() -> None:
    common = get_common_settings()
    settings = get_settings()
    configure_logging("deliverables", log_format=common.log_format, level=common.log_level)
    configure_tracing("deliverables")  # only if OTEL_TRACES_EXPORTER asks for it
    app = create_app(settings, common)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
