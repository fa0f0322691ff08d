"""Postcode centroids an operator loads (``cjp directory load-postcodes``) for "near" searches."""

from __future__ import annotations

from sqlmodel import Field

from services.directory.adapters.tables.base import DirectoryTable


class Postcode(DirectoryTable, table=True):
    """One postcode's centroid in WGS84; ``postcode`` is upper case without spaces (``KY11XT``)."""

    __tablename__ = "postcode"

    postcode: str = Field(primary_key=True, max_length=8)
    latitude: float
    longitude: float
