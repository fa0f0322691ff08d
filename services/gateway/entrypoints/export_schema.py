"""`python -m services.gateway.entrypoints.export_schema`: write services/gateway/schema.graphql."""

from __future__ import annotations

from pathlib import Path

from services.gateway.entrypoints.graphql.schema import build_schema
from services.gateway.settings import GatewaySettings

SCHEMA_PATH = Path(__file__).parents[1] / "schema.graphql"


def schema_text() -> str:
    """The SDL of the full schema (introspection settings do not change it)."""
    return build_schema(GatewaySettings(introspection_enabled=True)).as_str() + "\n"


def main() -> None:
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")


if __name__ == "__main__":
    main()
