"""Located bail-supervision entries around Dunfermline, as an HSDS document to import.

Used by the GraphQL and browser tests of distance search; positions are town centres.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.directory.adapters.geography.courts import COURT_COORDINATES
from services.directory.adapters.geography.distance import miles_between

# (name suffix, service type, area, latitude, longitude)
PLACES = [
    ("Dunfermline Bail Support", "bail-supervision", "fife", 56.0719, -3.4393),
    ("Kirkcaldy Bail Service", "bail-supervision", "fife", 56.1120, -3.1590),
    ("Edinburgh Bail Project", "bail-supervision", "edinburgh", 55.9533, -3.1883),
    ("Glasgow Bail Team", "bail-supervision", "glasgow-city", 55.8576, -4.2450),
    ("Dunfermline Unpaid Work", "cpo-unpaid-work", "fife", 56.0700, -3.4700),
]


def located_document(word: str) -> dict[str, Any]:
    """Five entries whose names start with ``word`` (so a test can find only its own)."""
    return {"services": [_service(word, *place) for place in PLACES]}


def expected_within(word: str, court: str, miles: float) -> list[tuple[str, float]]:
    """(name, miles) of the bail entries within ``miles`` of ``court``, nearest first."""
    found = [
        (f"{word} {suffix}", miles_between(COURT_COORDINATES[court], (lat, lon)))
        for suffix, kind, _, lat, lon in PLACES
        if kind == "bail-supervision"
    ]
    return sorted((item for item in found if item[1] <= miles), key=lambda item: item[1])


def _service(word: str, suffix: str, kind: str, area: str, lat: float, lon: float) -> Any:
    key = f"{word}/{suffix}"
    name = f"{word} {suffix}"
    location = {
        "id": _id(key, "location"), "name": f"{name} office", "latitude": lat, "longitude": lon,
    }  # fmt: skip
    return {
        "id": _id(key, "service"),
        "name": name,
        "description": f"{suffix}: a test entry with a known position.",
        "email": "located@example.org",
        "organization": {"id": _id(word, "organisation"), "name": f"{word} trust"},
        "service_areas": [{"extent": area}],
        "attributes": [{"taxonomy_term": {"code": kind}}, {"taxonomy_term": {"code": "court"}}],
        "service_at_locations": [{"id": _id(key, "link"), "location": location}],
        "community_justice": {
            "courts": ["dunfermline"],
            "is_sample": True,
            "last_reviewed_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
        },
    }


def _id(key: str, kind: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"cjp-test:{kind}:{key}"))
