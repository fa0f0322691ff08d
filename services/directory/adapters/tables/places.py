"""Where and when a service is delivered: locations, contacts, phones and schedules (HSDS)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field

from services.directory.adapters.tables.base import DirectoryTable, id_field


class Location(DirectoryTable, table=True):
    """An HSDS location; its single postal address is kept on the row.

    ``latitude``/``longitude`` (WGS84) place it for distance searches; one index on both lets
    a search's bounding box find the candidates.
    """

    __tablename__ = "location"
    __table_args__ = (Index("ix_location_latitude_longitude", "latitude", "longitude"),)

    id: str = id_field()
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    location_type: str = "physical"
    name: str | None = None
    description: str | None = None
    address_1: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class ServiceAtLocation(DirectoryTable, table=True):
    __tablename__ = "service_at_location"

    id: str = id_field()
    service_id: str = Field(foreign_key="service.id", index=True)
    location_id: str = Field(foreign_key="location.id", index=True)
    description: str | None = None


class Contact(DirectoryTable, table=True):
    __tablename__ = "contact"

    id: str = id_field()
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    name: str | None = None
    title: str | None = None
    email: str | None = None


class Phone(DirectoryTable, table=True):
    __tablename__ = "phone"

    id: str = id_field()
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    number: str
    type: str | None = "voice"
    description: str | None = None


class Schedule(DirectoryTable, table=True):
    """Weekly opening hours; ``byday`` holds RFC 5545 day codes (``MO,TU``), times are ``HH:MM``."""

    __tablename__ = "schedule"

    id: str = id_field()
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    service_at_location_id: str | None = Field(default=None, foreign_key="service_at_location.id")
    freq: str = "WEEKLY"
    byday: str = Field(default="", index=True)  # "open now"
    opens_at: str | None = Field(default=None, max_length=5)
    closes_at: str | None = Field(default=None, max_length=5)
    timezone: str = "Europe/London"
    valid_from: date | None = None
    valid_to: date | None = None
    description: str | None = None
