"""Mutation inputs and payloads."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.input(description="Fields to change on a directory service; omitted ones stay.")
class ServiceUpdateInput:
    name: str | None = None
    description: str | None = None
    status: str | None = None
    contact_email: str | None = None
    phone: str | None = None


@strawberry.enum
class SubscriptionTargetKind(Enum):
    DELIVERABLE = "deliverable"
    AIM = "aim"
    PRIORITY_ACTION = "priority_action"
    LEAD_PARTNER = "lead_partner"
    ALL_DELIVERABLES = "all_deliverables"
    LOCAL_AUTHORITY = "local_authority"
    SERVICE_TYPE = "service_type"
    SERVICE = "service"


@strawberry.enum
class Frequency(Enum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"


@strawberry.input(description="Follow something by email (double opt-in: confirm from the email).")
class SubscribeInput:
    email: str
    target_kind: SubscriptionTargetKind
    target_value: str | None = None
    frequency: Frequency = Frequency.IMMEDIATELY


@strawberry.type
class SubscribePayload:
    status: str


@strawberry.type
class SubscriptionStatusPayload:
    status: str
