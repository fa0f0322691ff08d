"""The issue's replay attacks, rerun against the real deliverables and directory services.

Tokens are signed exactly as the gateway signs them; an attacker who captured one from the
network then sends it again, elsewhere or later.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient

from services.deliverables.app import create_app as deliverables_app
from services.deliverables.settings import DeliverablesSettings
from services.directory.app import create_app as directory_app
from services.directory.settings import DirectorySettings
from shared.identity import IDENTITY_HEADER, Identity, Role, load_private_key, sign_identity
from shared.settings import DEVELOPMENT_IDENTITY_PRIVATE_KEY

POLICE_EDITOR = Identity(
    subject="police.editor@cjp.test",
    name="Police editor",
    role=Role.PARTNER_EDITOR,
    organisation="police-scotland",
)
COORDINATOR = Identity(subject="coordinator@cjp.test", name="Co", role=Role.COORDINATOR)


def header(
    identity: Identity, service: str, method: str, path: str, **extra: object
) -> dict[str, str]:
    token = sign_identity(
        identity,
        private_key=DEVELOPMENT_IDENTITY_PRIVATE_KEY,
        audience=service,
        method=method,
        path=path,
        **extra,  # type: ignore[arg-type]
    )
    return {IDENTITY_HEADER: token}


@pytest.fixture
def deliverables(tmp_path: Path) -> Iterator[TestClient]:
    settings = DeliverablesSettings(
        database_url=f"sqlite:///{tmp_path}/deliverables.db", relay_enabled=False
    )
    with TestClient(deliverables_app(settings)) as client:
        yield client


@pytest.fixture
def directory(tmp_path: Path) -> Iterator[TestClient]:
    settings = DirectorySettings(
        database_url=f"sqlite:///{tmp_path}/directory.db",
        relay_enabled=False,
        review_check_interval_seconds=0,
    )
    with TestClient(directory_app(settings)) as client:
        yield client


def _a_deliverable_police_scotland_leads(client: TestClient) -> dict[str, object]:
    listing = client.get("/deliverables", params={"lead_partner": "police-scotland"}).json()
    return dict(listing["items"][0])


def test_a_header_captured_on_a_read_changes_nothing_when_replayed(
    deliverables: TestClient,
) -> None:
    target = _a_deliverable_police_scotland_leads(deliverables)
    number = target["number"]
    read_path = f"/deliverables/{number}"
    captured = header(POLICE_EDITOR, "deliverables", "GET", read_path)
    assert deliverables.get(read_path, headers=captured).status_code == 200  # the genuine read

    answers = [
        deliverables.post(f"{read_path}/status", json={"status": "complete"}, headers=captured)
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [401] * 4
    assert {a.json()["error"]["code"] for a in answers} == {"UNAUTHENTICATED"}
    assert deliverables.get(read_path).json()["status"] == target["status"]


def test_the_same_request_cannot_be_replayed_either(deliverables: TestClient) -> None:
    number = _a_deliverable_police_scotland_leads(deliverables)["number"]
    path = f"/deliverables/{number}/status"
    captured = header(POLICE_EDITOR, "deliverables", "POST", path)
    first = deliverables.post(path, json={"status": "outstanding"}, headers=captured)
    again = deliverables.post(path, json={"status": "complete"}, headers=captured)
    assert first.status_code == 200
    assert (again.status_code, again.json()["error"]["message"]) == (
        401,
        "This forwarded identity has been used already.",
    )
    assert deliverables.get(f"/deliverables/{number}").json()["status"] == "outstanding"


def test_a_coordinator_header_for_deliverables_is_refused_by_the_directory(
    deliverables: TestClient, directory: TestClient
) -> None:
    service = directory.get("/services", params={"limit": 1}).json()["items"][0]
    path = f"/services/{service['id']}"
    for_deliverables = header(COORDINATOR, "deliverables", "PATCH", path)
    response = directory.patch(path, json={"name": "Hijacked"}, headers=for_deliverables)
    assert response.status_code == 401
    assert directory.get(path).json()["name"] == service["name"]


def test_an_identity_that_lives_a_year_is_refused(deliverables: TestClient) -> None:
    number = _a_deliverable_police_scotland_leads(deliverables)["number"]
    path = f"/deliverables/{number}/status"
    token = header(POLICE_EDITOR, "deliverables", "POST", path)[IDENTITY_HEADER]
    claims = jwt.decode(token, options={"verify_signature": False})
    now = datetime.now(UTC)
    claims.update(iat=now, exp=now + timedelta(days=365))
    long_lived = jwt.encode(
        claims, load_private_key(DEVELOPMENT_IDENTITY_PRIVATE_KEY), algorithm="EdDSA"
    )
    response = deliverables.post(
        path, json={"status": "complete"}, headers={IDENTITY_HEADER: long_lived}
    )
    assert response.status_code == 401
