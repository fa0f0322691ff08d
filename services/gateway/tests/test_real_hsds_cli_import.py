"""``cjp directory import`` takes a real HSDS 3.0 document (the standard's own example) into the
directory a running service uses, and the gateway finds what it imported."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from conftest import team_library_path
from services.directory.entrypoints.cli import main as directory_cli
from services.gateway.tests.conftest import GatewayFactory, GraphQLClient
from services.gateway.tests.real_services import real_services


async def test_cli_import_of_a_real_hsds_document_is_found_through_the_gateway(
    start_gateway: GatewayFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = team_library_path("hsds-3.0", "examples", "service_full.json", what="HSDS example")
    name = json.loads(example.read_text(encoding="utf-8"))["name"]
    async with real_services(tmp_path) as urls:
        database_url = f"sqlite:///{tmp_path / 's.db'}"  # the directory service's own database
        status = directory_cli(
            ["--database-url", database_url, "import", str(example), "--area", "fife"]
        )
        assert status == 0, capsys.readouterr().err
        assert "1 created" in capsys.readouterr().out
        url = await start_gateway(deliverables_url=urls.deliverables, directory_url=urls.directory)
        async with httpx.AsyncClient(timeout=20) as http:
            found = await GraphQLClient(http, url).run(
                'query($q: String!) { services(filter: {localAuthority: "fife", search: $q}) '
                "{ nodes { name organisationName freshness locations { postalCode } } } }",
                {"q": name},
            )
    assert "errors" not in found, found
    nodes = found["data"]["services"]["nodes"]
    imported = next(node for node in nodes if node["name"] == name)
    # No review or published date in the document: never reviewed here, so stale.
    assert imported["freshness"] == "STALE"
    assert imported["organisationName"]
