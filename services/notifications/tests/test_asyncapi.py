"""The committed AsyncAPI document describes the consumer and dead-letter publisher as built."""

from __future__ import annotations

from services.notifications.adapters.topics import CONSUMED_TOPICS, DEAD_LETTER_TOPIC
from services.notifications.entrypoints.event_catalogue import DOCUMENT, render


def test_committed_asyncapi_matches_the_code() -> None:
    generated = render()
    assert DOCUMENT.read_text() == generated, (
        "run: python -m services.notifications.entrypoints.event_catalogue"
    )
    for topic in [*CONSUMED_TOPICS, DEAD_LETTER_TOPIC]:
        assert f"address: {topic}" in generated
