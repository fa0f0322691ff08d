"""A whole flow with CJP_LOG_FORMAT=json: every line any service writes is JSON with its ids."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.gateway.settings import DEVELOPMENT_TOKEN_SECRET as GATEWAY_TOKEN_SECRET
from services.notifications.settings import DEVELOPMENT_TOKEN_SECRET as LINK_TOKEN_SECRET
from shared.settings import DEVELOPMENT_IDENTITY_PRIVATE_KEY
from tests.e2e.flows import (
    change_status,
    deliverable,
    link_token,
    new_address,
    other_statuses,
    subscribe_and_confirm,
)
from tests.e2e.gateway import DEMO_PASSWORD, Gateway
from tests.e2e.system import RunningSystem

pytestmark = pytest.mark.e2e

OUR_PROCESSES = ("deliverables", "directory", "notifications", "gateway")
CJS_EDITOR = "cjs.editor@cjp.test"


def log_records(system: RunningSystem, name: str) -> list[dict[str, Any]]:
    """Every line of one process's log, each parsed as JSON (a plain line fails the test)."""
    path = system.supervisor.log_path(name)
    assert path is not None and path.exists()
    records = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise AssertionError(f"{name} log line {number} is not JSON: {line[:200]}") from None
        assert isinstance(record, dict), line
        records.append(record)
    return records


async def test_every_line_of_a_whole_flow_is_json_with_service_and_correlation_ids(
    system: RunningSystem, gateway: Gateway
) -> None:
    address = new_address("logs")
    await subscribe_and_confirm(gateway, system, address, "DELIVERABLE", "41")
    current = (await deliverable(gateway, 41))["status"]
    changed = await change_status(gateway, 41, other_statuses(current)[0], as_user=CJS_EDITOR)
    assert not changed.errors, changed.errors
    emails = await system.wait_for_emails(address, count=2)

    records = {name: log_records(system, name) for name in OUR_PROCESSES}
    for name, lines in records.items():
        assert lines, f"{name} wrote nothing"
        assert all(line.get("service") == name for line in lines), name
        assert all({"timestamp", "level", "event"} <= line.keys() for line in lines), name
    loggers = {line.get("logger") for line in records["notifications"]}
    assert "cjp.faststream" in loggers  # FastStream's lines, no longer coloured text
    assert any(str(logger).startswith("uvicorn") for logger in loggers)
    handled = [line for line in records["notifications"] if line["event"] == "event_handled"]
    assert handled and all(line.get("correlation_id") for line in handled)
    # Where each came from: FastStream's own line per message is DEBUG, so this one says it.
    assert all({"topic", "partition", "offset"} <= line.keys() for line in handled)
    assert not [line for line in records["notifications"] if line["event"] == "Received"]

    secrets = _secrets_of(emails, await gateway.token_for(CJS_EDITOR))
    for name, lines in records.items():
        text = "\n".join(json.dumps(line) for line in lines)
        for label, secret in secrets.items():
            assert secret not in text, f"{name} logged the {label}"


def _secrets_of(emails: list[Any], bearer: str) -> dict[str, str]:
    confirmation, change = emails[0], emails[-1]
    found = {
        "password": DEMO_PASSWORD,
        "subscriber's email address": emails[0].recipients[0],
        "confirmation token": link_token(confirmation.text(), "confirm"),
        "unsubscribe token": link_token(change.text(), "unsubscribe"),
    }
    found.update(
        {
            "identity signing key": DEVELOPMENT_IDENTITY_PRIVATE_KEY,
            "gateway token secret": GATEWAY_TOKEN_SECRET,
            "link token secret": LINK_TOKEN_SECRET,
            "bearer token": bearer,
        }
    )
    return found
