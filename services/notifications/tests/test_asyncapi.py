"""The committed AsyncAPI document describes the consumer and dead-letter publisher as built."""

from __future__ import annotations

from services.notifications.asyncapi import DOCUMENT, render
from services.notifications.topics import CONSUMED_TOPICS, DEAD_LETTER_TOPIC


def test_committed_asyncapi_matches_the_code() -> None:
    generated = render()
    assert DOCUMENT.read_text() == generated, "run: python -m services.notifications.asyncapi"
    for topic in [*CONSUMED_TOPICS, DEAD_LETTER_TOPIC]:
        assert f"address: {topic}" in generated
