"""Contract tests: what this service expects of each event it consumes is what its producer
publishes. They read the producers' committed catalogues (never the producers' code), so a
producer change that would break notifications fails here.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from services.notifications.adapters.topics import CONSUMED_TOPICS
from services.notifications.domain.consumed import REGISTRY
from services.notifications.domain.consumed.registry import ConsumedEvent, MalformedEvent, WebLinks
from services.notifications.tests.events import CATALOGUES
from services.notifications.tests.schema_examples import example
from shared.event_catalogue import load_catalogue, published_messages

PUBLISHED: dict[tuple[str, str], dict[str, Any]] = {}
for _path in CATALOGUES.values():
    PUBLISHED.update(published_messages(load_catalogue(_path)))
ENTRIES = sorted(REGISTRY, key=lambda entry: entry.event_type)
LINKS = WebLinks("https://web.example")


def data_schema(entry: ConsumedEvent[Any]) -> dict[str, Any]:
    """The producer's schema of the event's ``data``, with the definitions it refers to."""
    envelope = PUBLISHED[(entry.topic, entry.event_type)]
    return {**envelope["properties"]["data"], "$defs": envelope.get("$defs", {})}


def test_the_consumer_reads_the_topics_its_registry_names() -> None:
    assert sorted(CONSUMED_TOPICS) == REGISTRY.topics


def test_every_event_published_on_a_consumed_topic_is_registered() -> None:
    published = {event_type for topic, event_type in PUBLISHED if topic in CONSUMED_TOPICS}
    assert published == {entry.event_type for entry in ENTRIES}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.event_type)
def test_every_field_the_consumer_reads_is_published(entry: ConsumedEvent[Any]) -> None:
    assert (entry.topic, entry.event_type) in PUBLISHED, "the producer no longer publishes it"
    schema = data_schema(entry)
    published = set(schema["properties"])
    wanted = set(entry.facts.model_fields)
    assert wanted <= published, f"never published: {sorted(wanted - published)}"
    needed = {name for name, field in entry.facts.model_fields.items() if field.is_required()}
    assert needed <= set(schema.get("required", [])), "required here, optional at the producer"


@pytest.mark.parametrize("full", [True, False], ids=["every-field", "required-only-nulls"])
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.event_type)
def test_what_the_producer_may_publish_is_understood_and_worded(
    entry: ConsumedEvent[Any], full: bool
) -> None:
    schema = data_schema(entry)
    data = example(schema, schema, full=full)
    jsonschema.validate(data, schema)  # the example is one the producer may really send
    event = REGISTRY.parse(entry.event_type, data)
    assert event is not None
    words = event.words(LINKS)
    assert words.headline and "None" not in words.headline
    event.audience()
    event.owner_steps()


def test_a_field_the_consumer_needs_going_missing_would_be_caught() -> None:
    """The checks above can fail: without a field the consumer needs, the event is refused."""
    entry = REGISTRY.get("DeliverableStatusChanged")
    assert entry is not None
    schema = data_schema(entry)
    data = example(schema, schema, full=True)
    del data["new_status"]
    with pytest.raises(MalformedEvent, match="new_status"):
        REGISTRY.parse(entry.event_type, data)
