"""Redelivered events are cheap: after a broker that forgot, every event of the last minutes
comes again (the relays publish them again), and the next new change waits behind them.

An event recorded in full is answered by one read of its row; one this process recorded is
answered from memory, without the database. Neither shortcut may swallow what the full path
exists for: a part-recorded event resumes (test_matching_in_chunks.py) and an ``event_id``
reused with other content is refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy import event as sqlalchemy_event

from services.notifications.adapters.metrics import EVENTS
from services.notifications.adapters.topics import DELIVERABLE_TOPIC
from services.notifications.entrypoints import consumer as consumer_module
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import migrated
from services.notifications.tests.events import status_changed
from services.notifications.tests.sinks import Broker, MailSink, eventually
from services.notifications.tests.test_matching_in_chunks import assert_each_once, audience, record
from services.notifications.use_cases.fanout import ReusedEventId


def test_an_event_recorded_in_full_comes_again_and_costs_one_read(database_url: str) -> None:
    engine = migrated(database_url)
    audience(engine)
    envelope = status_changed(40)
    assert not record(engine, envelope, 3).duplicate
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(" ".join(statement.split())[:60])

    sqlalchemy_event.listen(engine, "before_cursor_execute", note)
    try:
        again = record(engine, envelope.model_copy(), 3)
    finally:
        sqlalchemy_event.remove(engine, "before_cursor_execute", note)
    assert again.duplicate and (again.emails, again.digest_entries) == (0, 0)
    assert len(sent) == 1 and sent[0].upper().startswith("SELECT"), sent
    assert_each_once(engine, envelope)

    other = envelope.model_copy(update={"data": {**envelope.data, "new_status": "outstanding"}})
    with pytest.raises(ReusedEventId):  # the shortcut compares content, not only the id
        record(engine, other, 3)


def _duplicates() -> float:
    return float(EVENTS.labels("duplicate")._value.get())


async def test_a_redelivery_of_what_this_process_recorded_needs_no_database(
    sqlite_database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(sqlite_database_url, mail)
    async with run_service(settings, broker.bootstrap) as service:
        first = status_changed(40)
        before = _duplicates()
        await service.publish(DELIVERABLE_TOPIC, first, key="40")
        await eventually(lambda: _handled(service.wiring.engine) == 1)
        consumer = service.wiring.consumer
        kept = consumer._engine
        # The consumer's database is gone (a file in a folder that does not exist): a copy of the
        # event can only be answered from memory; through the database it would wait for it.
        consumer._engine = create_engine(f"{sqlite_database_url}-gone/none.db")
        try:
            await service.publish(DELIVERABLE_TOPIC, first.model_copy(), key="40")
            await eventually(lambda: _duplicates() > before)
        finally:
            consumer._engine = kept
    assert _duplicates() == before + 1


def _handled(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM received_event")).scalar_one())


def test_the_memory_of_recorded_events_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumer_module, "RECORDED_EVENTS_KEPT", 3)
    consumer = object.__new__(consumer_module.EventConsumer)
    consumer._recorded = consumer_module.OrderedDict()
    events = [status_changed(n) for n in range(5)]
    for envelope in events:
        consumer._remember(envelope.event_id, consumer_module._content_of(envelope))
    assert list(consumer._recorded) == [e.event_id for e in events[2:]]  # the oldest went first
