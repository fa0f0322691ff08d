"""The service form's rules, without a gateway: checks, the gateway input and the preview."""

from __future__ import annotations

from typing import Any

from services.web.entrypoints.http.directory_forms import (
    ALL_FIELDS,
    change_list,
    changed_input,
    check,
    gateway_input,
    values_of_entry,
)
from services.web.use_cases.directory_data import Entry

ENTRY = Entry.model_validate({
    "id": "s1", "name": "Hub", "localAuthorities": ["fife"], "serviceTypes": ["dtto"],
    "courts": ["Kirkcaldy Sheriff Court"], "phone": "01592 1", "publishedDate": "2025-04-01",
    "schedules": [{"byday": "MO", "opensAt": "09:00", "closesAt": "17:00"}],
    "locations": [{"name": "Office", "address1": "1 High St", "postalCode": "KY1 1AA"}],
    "contacts": [{"name": "Key Worker"}],
})  # fmt: skip


def _values(**changes: Any) -> dict[str, Any]:
    return values_of_entry(ENTRY) | changes


def test_an_unchanged_form_changes_nothing() -> None:
    assert changed_input(values_of_entry(ENTRY), _values()) == {}
    assert not check(_values(), creating=False)


def test_only_changed_fields_are_sent_and_rows_count_as_one_field() -> None:
    after = _values(phone="01592 2", place_postal_code="KY2 2BB")
    assert changed_input(values_of_entry(ENTRY), after) == {
        "phone": "01592 2",
        "locations": [{"name": "Office", "address1": "1 High St", "city": None,
                       "postalCode": "KY2 2BB", "latitude": None, "longitude": None}],
    }  # fmt: skip
    rows = change_list(values_of_entry(ENTRY), after, {})
    assert rows == [
        ("Referral phone number", "01592 1", "01592 2"),
        ("Where", "Office, 1 High St, KY1 1AA", "Office, 1 High St, KY2 2BB"),
    ]


def test_every_field_reaches_the_gateway_input() -> None:
    given = gateway_input(_values(minimum_age="16", hours_byday="mo,tu", place_latitude="56.1"))
    assert given["minimumAge"] == 16 and given["publishedDate"] == "2025-04-01"
    assert given["schedules"][0]["byday"] == "MO,TU"
    assert given["locations"][0]["latitude"] == 56.1
    assert given["courts"] == ["Kirkcaldy Sheriff Court"]
    plain = {f.name for f in ALL_FIELDS if not f.name.startswith(("hours_", "place_", "person_"))}
    assert {name.lower() for name in given} >= {n.replace("_", "") for n in plain}


def test_bad_values_are_refused_next_to_their_field() -> None:
    errors = check(
        _values(name="", local_authorities=[], minimum_age="old", published_date="1/4/25",
                hours_byday="Monday", hours_opens_at="9am", place_longitude="200"),
        creating=True,
    )  # fmt: skip
    assert set(errors.messages) == {
        "name", "organisation_name", "local_authorities", "minimum_age", "published_date",
        "hours_byday", "hours_opens_at", "place_longitude",
    }  # fmt: skip
