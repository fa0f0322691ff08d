"""Reference facts: community justice partnerships, local-authority areas and courts."""

from __future__ import annotations

from sqlmodel import Field

from services.directory.adapters.tables.base import DirectoryTable


class Partnership(DirectoryTable, table=True):
    """A Community Justice Partnership; it owns and reviews the entries of its areas."""

    __tablename__ = "partnership"

    code: str = Field(primary_key=True, max_length=64)
    name: str
    email: str | None = None


class LocalAuthority(DirectoryTable, table=True):
    """One of Scotland's 32 council areas."""

    __tablename__ = "local_authority"

    code: str = Field(primary_key=True, max_length=64)
    name: str = Field(unique=True)
    partnership_code: str = Field(foreign_key="partnership.code", index=True)


class Court(DirectoryTable, table=True):
    """A sheriff court an entry may be relevant to."""

    __tablename__ = "court"

    slug: str = Field(primary_key=True, max_length=64)
    name: str = Field(unique=True)
    local_authority_code: str = Field(foreign_key="local_authority.code", index=True)
    # Approximate position (WGS84) for "within N miles of this court" searches.
    latitude: float | None = None
    longitude: float | None = None
