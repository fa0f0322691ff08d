"""Live updates over graphql-transport-ws, fed from the Kafka deliverable topic."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from services.gateway.entrypoints.graphql.context import Info
from services.gateway.entrypoints.graphql.deliverable_status import DeliverableStatus
from services.gateway.entrypoints.graphql.types_deliverables import (
    Deliverable,
    deliverable_from_api,
)
from services.gateway.entrypoints.live_feed import StatusChange


@strawberry.type(description="A deliverable's status changed.")
class DeliverableStatusChange:
    event_id: strawberry.ID
    number: int
    title: str
    old_status: DeliverableStatus
    new_status: DeliverableStatus
    round: str | None
    occurred_at: datetime

    @strawberry.field(description="The deliverable as it is now (read from the service).")
    async def deliverable(self, info: Info) -> Deliverable | None:
        found = await info.context.loaders.deliverable.load(self.number)
        return deliverable_from_api(found) if found else None


def _change_from(change: StatusChange) -> DeliverableStatusChange:
    return DeliverableStatusChange(
        event_id=strawberry.ID(change.event_id),
        number=change.number,
        title=change.title,
        old_status=DeliverableStatus(change.old_status),
        new_status=DeliverableStatus(change.new_status),
        round=change.round,
        occurred_at=change.occurred_at,
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Status changes as they happen; `number` picks one.")
    async def deliverable_status_changed(
        self, info: Info, number: int | None = None
    ) -> AsyncGenerator[DeliverableStatusChange, None]:
        async for change in info.context.runtime.feed.changes():
            if number is None or change.number == number:
                # One context serves the whole connection: read the deliverable afresh.
                info.context.loaders.deliverable.clear_all()
                yield _change_from(change)
