"""`python -m services.gateway`: serve GraphQL at http://HOST:PORT/graphql."""

from __future__ import annotations

import uvicorn

from services.gateway.app import create_app
from services.gateway.settings import get_settings
from shared.logging import configure_logging
from shared.settings import get_common_settings
from shared.tracing import configure_tracing


def main() -> None:
    common = get_common_settings()
    settings = get_settings()
    configure_logging("gateway", log_format=common.log_format, level=common.log_level)
    configure_tracing("gateway")  # only if OTEL_TRACES_EXPORTER asks for it
    uvicorn.run(
        create_app(settings, common),
        host=settings.host,
        port=settings.port,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        server_header=False,
    )


if __name__ == "__main__":
    main()
