"""The parts of a directory entry beyond its summary: places, hours, contacts, freshness,
history rows, suggested corrections and import summaries (owned by the directory service)."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON


@strawberry.enum(description="Whether an entry's six-monthly review is done, near or overdue.")
class Freshness(Enum):
    FRESH = "fresh"
    DUE_SOON = "due_soon"
    STALE = "stale"


@strawberry.type(description="Weekly opening hours (`byday` holds RFC 5545 day codes).")
class OpeningHours:
    byday: str
    opens_at: str | None
    closes_at: str | None
    description: str | None


@strawberry.type(description="Where a service is delivered: one address and its coordinates.")
class Place:
    name: str | None
    address_1: str | None
    city: str | None
    postal_code: str | None
    latitude: float | None
    longitude: float | None


@strawberry.type(description="A named person to contact about a service.")
class ServiceContact:
    name: str | None
    title: str | None
    email: str | None


@strawberry.type(description="One changed field of a directory entry: who, when, old and new.")
class ServiceChange:
    kind: str = strawberry.field(description="`created`, `updated`, `withdrawn`, `reviewed`, ...")
    field: str
    old: JSON | None
    new: JSON | None
    changed_by: str
    changed_by_name: str | None
    changed_at: datetime


@strawberry.type(description="A correction someone suggested to a directory entry.")
class Suggestion:
    id: strawberry.ID
    service_id: strawberry.ID
    partnership: str | None
    field: str | None
    message: str
    status: str = strawberry.field(description="`open` or `resolved`.")
    created_at: datetime


@strawberry.type(description="A sheriff or justice of the peace court a service may serve.")
class Court:
    slug: str
    name: str
    local_authority: str


@strawberry.type(description="What an HSDS import did: entries created, updated, unchanged.")
class DirectoryImportResult:
    created: int
    updated: int
    unchanged: int


def hours_from_api(rows: list[dict[str, Any]]) -> list[OpeningHours]:
    return [
        OpeningHours(
            byday=row["byday"], opens_at=row.get("opens_at"), closes_at=row.get("closes_at"),
            description=row.get("description"),
        )
        for row in rows
    ]  # fmt: skip


def places_from_api(rows: list[dict[str, Any]]) -> list[Place]:
    names = ("name", "address_1", "city", "postal_code", "latitude", "longitude")
    return [Place(**{name: row.get(name) for name in names}) for row in rows]


def contacts_from_api(rows: list[dict[str, Any]]) -> list[ServiceContact]:
    return [
        ServiceContact(name=row.get("name"), title=row.get("title"), email=row.get("email"))
        for row in rows
    ]


def change_from_api(row: dict[str, Any]) -> ServiceChange:
    return ServiceChange(
        kind=row["kind"], field=row["field"], old=row.get("old"), new=row.get("new"),
        changed_by=row["changed_by"], changed_by_name=row.get("changed_by_name"),
        changed_at=datetime.fromisoformat(row["changed_at"]),
    )  # fmt: skip


def suggestion_from_api(row: dict[str, Any]) -> Suggestion:
    return Suggestion(
        id=strawberry.ID(row["id"]), service_id=strawberry.ID(row["service_id"]),
        partnership=row.get("partnership"), field=row.get("field"), message=row["message"],
        status=row["status"], created_at=datetime.fromisoformat(row["created_at"]),
    )  # fmt: skip


def day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def freshness_of(value: Any) -> Freshness:
    return Freshness(value) if value else Freshness.FRESH


def as_json_text(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False)
