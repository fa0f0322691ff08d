"""Rows to HSDS 3.0 objects. HSDS types are not nullable, so empty values are left out."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from services.directory.adapters.tables import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceChange,
    Taxonomy,
    TaxonomyTerm,
)
from services.directory.adapters.tables.base import as_utc

HsdsObject = dict[str, Any]
_ADDRESS_NAMESPACE = uuid.UUID("6f1d8e4e-8f0a-4d0c-9d6c-2f3b0e8a5c11")


def clean(values: HsdsObject) -> HsdsObject:
    return {key: value for key, value in values.items() if value is not None}


def moment(value: datetime) -> str:
    return as_utc(value).isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def service_one_to_one(service: Service) -> HsdsObject:
    """The service's own fields, as in ``service_list`` (no nested lists)."""
    return clean(
        {
            "id": service.id,
            "organization_id": service.organization_id,
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "interpretation_services": service.interpretation_services,
            "application_process": service.application_process or service.assessment_process,
            "fees_description": service.fees_description,
            "wait_time": service.wait_time,
            "accreditations": service.accreditations,
            "eligibility_description": service.eligibility_description,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": day(service.assured_date),
            "assurer_email": service.assurer_email,
            "alert": service.alert,
            "last_modified": moment(service.updated_at),
        }
    )


def organization(row: Organization) -> HsdsObject:
    return clean(
        {
            "id": row.id,
            "name": row.name,
            "alternate_name": row.alternate_name,
            "description": row.description or row.name,
            "email": row.email,
            "website": row.website,
        }
    )


def taxonomy(row: Taxonomy) -> HsdsObject:
    return clean(
        {"id": row.id, "name": row.name, "description": row.description, "uri": row.uri,
         "version": row.version}
    )  # fmt: skip


def taxonomy_term(row: TaxonomyTerm, owner: Taxonomy | None = None) -> HsdsObject:
    return clean(
        {
            "id": row.id,
            "code": row.code,
            "name": row.name,
            "description": row.description,
            "parent_id": row.parent_id,
            "taxonomy": owner.name if owner is not None else None,
            "taxonomy_id": row.taxonomy_id,
            "taxonomy_detail": taxonomy(owner) if owner is not None else None,
        }
    )


def phone(row: Phone) -> HsdsObject:
    return clean(
        {"id": row.id, "service_id": row.service_id, "number": row.number, "type": row.type,
         "description": row.description}
    )  # fmt: skip


def schedule(row: Schedule) -> HsdsObject:
    return clean(
        {
            "id": row.id,
            "service_id": row.service_id,
            "service_at_location_id": row.service_at_location_id,
            "freq": row.freq,
            "byday": row.byday or None,
            "opens_at": row.opens_at,
            "closes_at": row.closes_at,
            "valid_from": day(row.valid_from),
            "valid_to": day(row.valid_to),
            "description": row.description,
            "notes": f"Times are local time ({row.timezone}).",
        }
    )


def service_area(row: ServiceArea) -> HsdsObject:
    return clean(
        {
            "id": row.id,
            "service_id": row.service_id,
            "name": row.name,
            "description": row.description,
            "extent": row.local_authority_code,
            "extent_type": "text",
        }
    )


def location(row: Location) -> HsdsObject:
    shaped = clean(
        {
            "id": row.id,
            "location_type": row.location_type,
            "organization_id": row.organization_id,
            "name": row.name,
            "description": row.description,
            "latitude": row.latitude,
            "longitude": row.longitude,
        }
    )
    if row.address_1 and row.city and row.postal_code:
        shaped["addresses"] = [
            {
                "id": str(uuid.uuid5(_ADDRESS_NAMESPACE, row.id)),
                "location_id": row.id,
                "address_1": row.address_1,
                "city": row.city,
                "state_province": row.region or "Scotland",
                "postal_code": row.postal_code,
                "country": "GB",
                "address_type": "physical",
            }
        ]
    return shaped


def change_metadata(row: ServiceChange) -> HsdsObject:
    """A history row as HSDS metadata; only the role of who changed it is published."""
    return {
        "id": str(uuid.uuid5(_ADDRESS_NAMESPACE, f"change-{row.id}")),
        "resource_id": row.service_id,
        "resource_type": "service",
        "last_action_date": moment(row.changed_at),
        "last_action_type": row.kind,
        "field_name": row.field,
        "previous_value": _as_text(row.old_value),
        "replacement_value": _as_text(row.new_value),
        "updated_by": row.changed_by_role or "system",
    }


def _as_text(stored: str | None) -> str:
    value = json.loads(stored) if stored else None
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)
