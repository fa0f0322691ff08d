"""Services with a location within a radius: a box on the index, then the exact haversine."""

from __future__ import annotations

from sqlalchemy import Subquery, func, select
from sqlmodel import col

from services.directory.adapters.geography.distance import Near, miles_from
from services.directory.adapters.tables import Location, ServiceAtLocation


def nearby_services(near: Near) -> Subquery:
    """A subquery (service_id, distance_miles): each service's nearest location in the radius.

    The latitude/longitude ranges use ``ix_location_latitude_longitude`` to find candidates;
    only those get the exact great-circle distance.
    """
    south, north, west, east = near.box()
    miles = miles_from(near, col(Location.latitude), col(Location.longitude))
    return (
        select(
            col(ServiceAtLocation.service_id).label("service_id"),
            func.min(miles).label("distance_miles"),
        )
        .join(Location, col(Location.id) == col(ServiceAtLocation.location_id))
        .where(
            col(Location.latitude).between(south, north),
            col(Location.longitude).between(west, east),
            miles <= near.within_miles,
        )
        .group_by(col(ServiceAtLocation.service_id))
        .subquery("nearby")
    )
