"""Messages that can be neither handled nor dead-lettered (too large for the dead-letter topic).

The consumer records a reference (topic, partition, offset, key, size, SHA-256) and the reason in
the notifications database, then moves on; the bytes stay in the source topic for inspection.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.notifications.adapters.tables import SetAsideMessage
from shared.db import transaction


def set_aside(
    engine: Engine,
    *,
    consumer: str,
    position: tuple[str, int, int],
    key: bytes | None,
    raw: bytes,
    reason: str,
) -> None:
    """Record the message once (a redelivery of the same position records nothing new)."""
    topic, partition, offset = position
    row = SetAsideMessage(
        consumer=consumer,
        topic=topic,
        partition=partition,
        offset=offset,
        key=key.decode(errors="replace")[:200] if key is not None else None,
        size_bytes=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        reason=reason[:2000],
    )
    try:
        with transaction(engine) as session:
            session.add(row)
    except IntegrityError:
        pass  # already recorded at this position


def set_aside_messages(engine: Engine) -> list[SetAsideMessage]:
    with transaction(engine) as session:
        return list(session.exec(select(SetAsideMessage).order_by(SetAsideMessage.id)))  # type: ignore[arg-type]
