"""`cjp migrate SERVICE` (the Kubernetes migration Job) brings a database to the newest revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from deploy.migrate import main
from shared.settings import get_common_settings


@pytest.mark.parametrize(
    ("service", "table"),
    [("deliverables", "deliverable"), ("notifications", "subscriber"), ("gateway", "account")],
)
def test_migrate_creates_the_service_tables_and_can_run_again(
    service: str, table: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / (service + '.db')}"
    monkeypatch.setenv("CJP_ENVIRONMENT", "test")
    get_common_settings.cache_clear()  # another test may have cached a production environment
    monkeypatch.setenv(f"CJP_{service.upper()}_DATABASE_URL", url)
    assert main([service]) == 0
    assert main([service]) == 0  # a second run (a re-run Job) changes nothing
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {table, "alembic_version"} <= tables


def test_migrate_names_the_services_it_knows() -> None:
    assert main(["web"]) == 2
