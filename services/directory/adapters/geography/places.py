"""Turn "near a court", "near a postcode" or "near a point" into a ``Near``, or say why not."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from services.directory.adapters.geography.distance import MAX_WITHIN_MILES, Near
from services.directory.adapters.geography.postcodes import normalise_postcode
from services.directory.adapters.tables import Court, Postcode
from shared.errors import BadUserInput

DEFAULT_WITHIN_MILES = 10.0


def resolve_near(
    session: Session,
    *,
    court: str | None = None,
    postcode: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    within_miles: float | None = None,
) -> Near | None:
    """The point and radius asked for; ``None`` when no place was given."""
    given = [name for name, value in (("court", court), ("postcode", postcode)) if value]
    if latitude is not None or longitude is not None:
        given.append("latitude and longitude")
    if not given:
        return None
    if len(given) > 1:
        raise BadUserInput(
            f"Give one place to search near, not {' and '.join(given)}.", field="near"
        )
    miles = DEFAULT_WITHIN_MILES if within_miles is None else within_miles
    if not 0 < miles <= MAX_WITHIN_MILES:
        raise BadUserInput(
            f"within_miles must be above 0 and at most {MAX_WITHIN_MILES:g}.", field="within_miles"
        )
    if court:
        return _near_court(session, court, miles)
    if postcode:
        return _near_postcode(session, postcode, miles)
    return _near_point(latitude, longitude, miles)


def _near_court(session: Session, slug_or_name: str, miles: float) -> Near:
    slug_or_name = slug_or_name.replace("\x00", "")  # PostgreSQL text cannot hold NUL
    found = session.exec(
        select(Court).where(
            or_(col(Court.slug) == slug_or_name.strip().lower(), col(Court.name) == slug_or_name)
        )
    ).first()
    if found is None:
        raise BadUserInput(f"There is no court {slug_or_name!r}.", field="near_court")
    if found.latitude is None or found.longitude is None:
        raise BadUserInput(f"{found.name} has no recorded position.", field="near_court")
    return Near(found.latitude, found.longitude, miles)


def _near_postcode(session: Session, postcode: str, miles: float) -> Near:
    found = session.get(Postcode, normalise_postcode(postcode))
    if found is None:
        raise BadUserInput(
            f"The postcode {postcode.strip().upper()!r} is not in the directory's postcode table "
            "(an operator loads it with `cjp directory load-postcodes`).",
            field="near_postcode",
        )
    return Near(found.latitude, found.longitude, miles)


def _near_point(latitude: float | None, longitude: float | None, miles: float) -> Near:
    if latitude is None or longitude is None:
        raise BadUserInput("Give both latitude and longitude.", field="latitude")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadUserInput(
            "latitude must be within ±90 and longitude within ±180.", field="latitude"
        )
    return Near(latitude, longitude, miles)
