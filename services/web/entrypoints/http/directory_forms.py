"""The service form: its fields declared once, read from a posted form, checked, turned into
the gateway's input, and compared with the entry for the preview of changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic.alias_generators import to_camel
from starlette.datastructures import FormData

from services.web.entrypoints.http.forms import FieldErrors
from services.web.use_cases.directory_data import Entry

Values = dict[str, Any]  # field name -> str, or list[str] for the checkbox lists
STATUSES = [("active", "Active"), ("inactive", "Inactive"),
            ("temporarily closed", "Temporarily closed")]  # fmt: skip
_HOUR = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_DAYS = re.compile(r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str = "text"  # text, textarea, int, date, status, lines, or a Choices list name
    hint: str | None = None


ENTRY_TEXT = [
    FormField("name", "Name of the service"),
    FormField("description", "What the service does", "textarea"),
    FormField("status", "Status", "status"),
    FormField("eligibility", "Who is eligible", "textarea"),
    FormField("suitable_for", "Suitable for", "textarea"),
    FormField("minimum_age", "Youngest age served", "int"),
    FormField("maximum_age", "Oldest age served", "int"),
    FormField("programme_title", "Programme title"),
    FormField("programme_provider", "Programme provider"),
    FormField("scheme_details", "Scheme details", "textarea"),
    FormField("possible_outcomes", "Possible outcomes", "textarea"),
    FormField("assessment_process", "Assessment process", "textarea"),
    FormField("published_date", "Date the information was published", "date",
              "For example 2025-04-01"),
    FormField("contact_email", "Referral email address"),
    FormField("phone", "Referral phone number"),
    FormField("url", "Website address"),
]  # fmt: skip
ENTRY_LISTS = [
    FormField("local_authorities", "Local-authority areas served", "local_authorities"),
    FormField("service_types", "Types of service", "service_types"),
    FormField("client_groups", "Client groups", "client_groups"),
    FormField("referral_routes", "How to refer", "referral_routes"),
    FormField("courts", "Courts served", "lines", "One court a line, e.g. Kirkcaldy Sheriff Court"),
]
HOURS = [
    FormField("hours_byday", "Days open", hint="Day codes, e.g. MO,TU,WE"),
    FormField("hours_opens_at", "Opens at", hint="24-hour time, e.g. 09:00"),
    FormField("hours_closes_at", "Closes at", hint="24-hour time, e.g. 17:00"),
    FormField("hours_description", "About the opening hours"),
]
PLACE = [
    FormField("place_name", "Name of the place"),
    FormField("place_address_1", "Address"),
    FormField("place_city", "Town or city"),
    FormField("place_postal_code", "Postcode"),
    FormField("place_latitude", "Latitude", hint="Decimal degrees, e.g. 56.11"),
    FormField("place_longitude", "Longitude", hint="Decimal degrees, e.g. -3.16"),
]
PERSON = [
    FormField("person_name", "Contact's name"),
    FormField("person_title", "Contact's job title"),
    FormField("person_email", "Contact's email address"),
]
ALL_FIELDS = ENTRY_TEXT + ENTRY_LISTS + HOURS + PLACE + PERSON
LABELS = {f.name: f.label for f in ALL_FIELDS}
ROWS = {"schedules": HOURS, "locations": PLACE, "contacts": PERSON}
_ROW_LABELS = {"schedules": "Opening hours", "locations": "Where", "contacts": "Contact person"}


def values_of_form(form: FormData) -> Values:
    values: Values = {f.name: str(form.get(f.name) or "").strip() for f in ALL_FIELDS}
    for field in ENTRY_LISTS:
        if field.kind != "lines":
            values[field.name] = [str(v) for v in form.getlist(field.name)]
    values["organisation_name"] = str(form.get("organisation_name") or "").strip()
    return values


def values_of_entry(entry: Entry) -> Values:
    values: Values = {f.name: _text(getattr(entry, f.name, None)) for f in ENTRY_TEXT}
    values |= {f.name: list(getattr(entry, f.name) or []) for f in ENTRY_LISTS}
    values["courts"] = "\n".join(entry.courts)
    for prefix, rows in (("hours_", entry.schedules), ("place_", entry.locations),
                         ("person_", entry.contacts or [])):  # fmt: skip
        first = rows[0].model_dump() if rows else {}
        for key, value in first.items():
            values[prefix + key] = _text(value)
    return values


def check(values: Values, *, creating: bool) -> FieldErrors:
    errors = FieldErrors()
    if not values["name"]:
        errors.add("name", "Enter the name of the service")
    if creating and not values.get("organisation_name"):
        errors.add("organisation_name", "Enter the organisation that runs the service")
    if not values["local_authorities"]:
        errors.add("local_authorities", "Select at least one local-authority area")
    for name in ("minimum_age", "maximum_age"):
        if values[name] and not (values[name].isdigit() and int(values[name]) <= 120):
            errors.add(name, f"{LABELS[name]} must be a whole number from 0 to 120")
    if values["published_date"] and not _is_date(values["published_date"]):
        errors.add("published_date", "Enter the date as year-month-day, e.g. 2025-04-01")
    if values["hours_byday"] and not _DAYS.match(values["hours_byday"].upper()):
        errors.add("hours_byday", "Enter days as codes separated by commas, e.g. MO,TU,WE")
    for name in ("hours_opens_at", "hours_closes_at"):
        if values[name] and not _HOUR.match(values[name]):
            errors.add(name, f"{LABELS[name]} must be a 24-hour time such as 09:00")
    for name, limit in (("place_latitude", 90), ("place_longitude", 180)):
        if values[name] and not _is_number_within(values[name], limit):
            errors.add(name, f"{LABELS[name]} must be a number from -{limit} to {limit}")
    return errors


def gateway_input(values: Values) -> dict[str, Any]:
    """Every field as the gateway's ``ServiceCreateInput`` / ``ServiceUpdateInput``."""
    given: dict[str, Any] = {f.name: values[f.name] or None for f in ENTRY_TEXT}
    for name in ("minimum_age", "maximum_age"):
        given[name] = int(values[name]) if values[name] else None
    given |= {f.name: values[f.name] for f in ENTRY_LISTS if f.kind != "lines"}
    given["courts"] = [line.strip() for line in values["courts"].splitlines() if line.strip()]
    given["schedules"] = _row(values, "hours_", HOURS, required="byday")
    given["locations"] = _row(values, "place_", PLACE)
    given["contacts"] = _row(values, "person_", PERSON)
    return {to_camel(name): value for name, value in given.items()}


def changed_input(before: Values, after: Values) -> dict[str, Any]:
    """Only the fields whose value differs (a row list counts as one field)."""
    old, new = gateway_input(before), gateway_input(after)
    return {name: value for name, value in new.items() if old.get(name) != value}


def change_list(before: Values, after: Values, choice_names: dict[str, dict[str, str]]) -> list[
    tuple[str, str, str]
]:  # fmt: skip
    """(label, was, becomes) for each changed field, in words, for the preview."""
    rows = []
    for camel in changed_input(before, after):
        name = _snake(camel)
        label = _ROW_LABELS.get(name) or LABELS[name]
        rows.append((label, _words(name, before, choice_names), _words(name, after, choice_names)))
    return rows


def _words(name: str, values: Values, choice_names: dict[str, dict[str, str]]) -> str:
    if name in ROWS:
        parts = [values[f.name] for f in ROWS[name] if values[f.name]]
        return ", ".join(parts) or "(none)"
    value = values[name]
    if isinstance(value, list):
        names = choice_names.get(name, {})
        return ", ".join(str(names.get(code, code)) for code in value) or "(none)"
    return value.replace("\n", "; ") if value else "(none)"


def _row(values: Values, prefix: str, fields: list[FormField], required: str = "") -> list[Any]:
    row: dict[str, Any] = {f.name.removeprefix(prefix): values[f.name] or None for f in fields}
    if (required and not row[required]) or not any(row.values()):
        return []
    if row.get("byday"):
        row["byday"] = row["byday"].upper()
    for key in ("latitude", "longitude"):
        if row.get(key):
            row[key] = float(row[key])
    return [{to_camel(key): value for key, value in row.items()}]


def _snake(camel: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", camel).lower().replace("address1", "address_1")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_number_within(text: str, limit: int) -> bool:
    try:
        return -limit <= float(text) <= limit
    except ValueError:
        return False
