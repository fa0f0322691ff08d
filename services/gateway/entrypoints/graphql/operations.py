"""Coordinator-only operator fields, mirroring the services' ``/operator`` routes (and ``cjp``).

The services decide who may: anyone but a coordinator gets ``FORBIDDEN`` from them.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from services.gateway.adapters.upstream import Upstream
from services.gateway.entrypoints.graphql.context import Info


@strawberry.enum(description="A service that publishes events through an outbox.")
class OutboxService(Enum):
    DELIVERABLES = "deliverables"
    DIRECTORY = "directory"


@strawberry.enum(description="Outbox rows not published: still waiting, or set aside for good.")
class OutboxRowState(Enum):
    PENDING = "pending"
    FAILED = "failed"


@strawberry.type(description="An event its service has not published (yet).")
class OutboxRow:
    id: int
    event_id: str
    event_type: str
    topic: str
    key: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime


@strawberry.type(description="A message the notifications consumer could not handle.")
class DeadLetter:
    partition: int
    offset: int
    reason: str
    original_topic: str
    original_partition: int | None
    original_offset: int | None
    size_bytes: int


@strawberry.type(description="An email given up on, with the reason (address masked).")
class FailedDelivery:
    id: int
    kind: str
    address: str | None
    attempts: int
    reason: str | None
    subject: str | None
    created_at: datetime


@strawberry.type(description="An address no mail goes to after permanent failures or complaints.")
class SuspendedAddress:
    subscriber_id: int
    address: str | None
    permanent_failures: int
    suspended_at: datetime


def _outbox_upstream(info: Info, service: OutboxService) -> Upstream:
    upstream: Upstream = getattr(info.context.upstreams, service.value)
    return upstream


def _items(answer: Any) -> list[dict[str, Any]]:
    return list(answer["items"])


@strawberry.type
class OperatorQueries:
    @strawberry.field(description="Outbox rows not published, oldest first (coordinators only).")
    async def outbox_rows(
        self, info: Info, service: OutboxService, state: OutboxRowState = OutboxRowState.FAILED
    ) -> list[OutboxRow]:
        params = {"state": state.value}
        answer = await _outbox_upstream(info, service).get("/operator/outbox", params)
        return [OutboxRow(**row) for row in _items(answer)]

    @strawberry.field(description="The notifications consumer's dead letters (coordinators only).")
    async def dead_letters(self, info: Info) -> list[DeadLetter]:
        answer = await info.context.upstreams.notifications.get("/operator/dead-letters")
        return [DeadLetter(**row) for row in _items(answer)]

    @strawberry.field(description="Emails given up on, newest first (coordinators only).")
    async def failed_deliveries(self, info: Info) -> list[FailedDelivery]:
        answer = await info.context.upstreams.notifications.get("/operator/deliveries")
        return [FailedDelivery(**row) for row in _items(answer)]

    @strawberry.field(description="Suspended subscriber addresses (coordinators only).")
    async def suspended_addresses(self, info: Info) -> list[SuspendedAddress]:
        answer = await info.context.upstreams.notifications.get("/operator/suspended")
        return [SuspendedAddress(**row) for row in _items(answer)]


@strawberry.type
class OperatorMutations:
    @strawberry.mutation(
        description="Queue failed outbox rows again: all, or those `ids` (coordinators only); "
        "returns how many."
    )
    async def retry_outbox_rows(
        self, info: Info, service: OutboxService, ids: list[int] | None = None
    ) -> int:
        answer = await _outbox_upstream(info, service).post("/operator/outbox/retry", {"ids": ids})
        return int(answer["retried"])

    @strawberry.mutation(
        description="Publish a dead letter again to its original topic once the fault is fixed "
        "(coordinators only); returns that topic."
    )
    async def replay_dead_letter(self, info: Info, partition: int, offset: int) -> str:
        body = {"partition": partition, "offset": offset}
        answer = await info.context.upstreams.notifications.post(
            "/operator/dead-letters/replay", body
        )
        return str(answer["topic"])

    @strawberry.mutation(description="Mail a suspended address again (coordinators only).")
    async def lift_suspension(self, info: Info, subscriber_id: int) -> bool:
        path = f"/operator/suspended/{int(subscriber_id)}/lift"
        await info.context.upstreams.notifications.post(path, {})
        return True
