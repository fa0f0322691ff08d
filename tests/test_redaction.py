"""Nothing secret in logs: tokens redacted (query strings included), addresses masked, and SQL
errors never carry their parameters."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from sqlalchemy.exc import IntegrityError

from shared.db import make_engine
from shared.logging import configure_logging
from shared.redaction import mask_email, redact

# The shape of links in notifications' emails (itsdangerous: payload.timestamp.signature).
CONFIRM_TOKEN = "eyJzIjoxMjMsInAiOiJjb25maXJtIn0.Z0abCd.x9YqJk2LmNoPqRsTuVwXyZ012345"


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The services' real logging set-up (JSON), writing where the test can read it."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    configure_logging("notifications", log_format="json", level="INFO")
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    root.handlers[:] = saved
    root.setLevel(level)
    structlog.reset_defaults()


def read_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_the_access_log_shows_no_link_token(json_logs: io.StringIO) -> None:
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.INFO)  # a test server elsewhere in the run may have quietened it
    access.disabled = False
    for page in ("confirm", "unsubscribe", "manage"):
        # exactly how uvicorn writes an access line
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "203.0.113.7:5000", "GET", f"/{page}?token={CONFIRM_TOKEN}", "1.1", 200,
        )  # fmt: skip
    lines = read_lines(json_logs)
    assert len(lines) == 3
    text = json.dumps(lines)
    assert CONFIRM_TOKEN not in text and CONFIRM_TOKEN.split(".")[2] not in text
    assert "/confirm?token=[redacted]" in text


def test_addresses_are_masked_and_secret_fields_dropped(json_logs: io.StringIO) -> None:
    log = structlog.get_logger()
    log.info("subscription_requested", email="fife.editor@cjp.test", token=CONFIRM_TOKEN)
    log.info("bearer seen", header="Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")
    text = json.dumps(read_lines(json_logs))
    assert "fife.editor@cjp.test" not in text and "f***@c***.test" in text
    assert CONFIRM_TOKEN not in text and "eyJzdWIiOiJ4In0" not in text


def test_a_failed_statement_shows_no_parameters_in_its_error_or_its_log_line(
    tmp_path: Path, json_logs: io.StringIO
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'staff.db'}")
    metadata = MetaData()
    staff = Table(
        "staff", metadata, Column("id", Integer, primary_key=True),
        Column("email", String, unique=True),
    )  # fmt: skip
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(staff).values(email="coordinator@cjp.test"))
    with pytest.raises(IntegrityError) as failed, engine.begin() as connection:
        connection.execute(insert(staff).values(email="coordinator@cjp.test"))
    assert "coordinator@cjp.test" not in str(failed.value)
    try:
        raise failed.value
    except IntegrityError:
        structlog.get_logger().exception("unhandled_error", contact="coordinator@cjp.test")
    engine.dispose()
    text = json.dumps(read_lines(json_logs))
    assert "UNIQUE constraint failed" in text
    assert "coordinator@cjp.test" not in text


def test_the_rules() -> None:
    assert mask_email("coordinator@cjp.test") == "c***@c***.test"
    assert redact("/manage?token=abc&x=1") == "/manage?token=[redacted]&x=1"
    assert redact("password=hunter2") == "password=[redacted]"
