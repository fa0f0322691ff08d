"""Load a postcode table from the ONS Postcode Directory or Ordnance Survey Code-Point Open.

ONS Postcode Directory CSVs have a header naming ``pcds`` (or ``pcd``), ``lat`` and ``long``
(WGS84); rows without a grid reference carry latitude 99.999999 and are skipped. Code-Point Open
CSVs give postcode, eastings and northings on the British National Grid (OSGB36, EPSG:27700),
with or without a header row (without one the columns are postcode, quality, eastings,
northings); pyproj converts them to WGS84 (EPSG:4326). Without PROJ's OSTN15 grid file that
conversion uses the published Helmert parameters, good to a few metres: ample for "within N miles".
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TextIO

from pyproj import Transformer
from sqlalchemy import Engine, Executable
from sqlalchemy.dialects import postgresql, sqlite

from services.directory.adapters.tables import Postcode
from shared.db import is_postgres, transaction

BATCH = 5000
_NO_POSITION = 99.0  # ONS marks postcodes without a grid reference with 99.999999


@dataclass(frozen=True)
class PostcodePoint:
    postcode: str
    latitude: float
    longitude: float


class PostcodeFileError(ValueError):
    """The file is neither an ONS Postcode Directory nor a Code-Point Open CSV."""


def normalise_postcode(raw: str) -> str:
    """Upper case without spaces: ``ky1 1xt`` and ``KY1  1XT`` are both ``KY11XT``."""
    return "".join(raw.replace("\x00", "").split()).upper()


def read_postcodes(stream: TextIO) -> Iterator[PostcodePoint]:
    """Every usable row of an ONS Postcode Directory or Code-Point Open CSV."""
    rows = csv.reader(stream)
    first = next(rows, None)
    if first is None:
        return
    columns = [name.strip().lower() for name in first]
    if "lat" in columns and "long" in columns:
        yield from _ons_rows(rows, columns)
    elif "eastings" in columns and "northings" in columns:
        yield from _grid_rows(rows, columns.index("postcode"), columns.index("eastings"),
                              columns.index("northings"))  # fmt: skip
    elif len(first) >= 4 and _is_number(first[2]) and _is_number(first[3]):
        yield from _grid_rows([first, *rows], 0, 2, 3)  # Code-Point Open without a header
    else:
        raise PostcodeFileError(
            "Expected ONS Postcode Directory columns (pcds or pcd, lat, long) or Code-Point Open "
            "columns (postcode, eastings, northings)."
        )


def _ons_rows(rows: Iterable[list[str]], columns: list[str]) -> Iterator[PostcodePoint]:
    code = columns.index("pcds") if "pcds" in columns else columns.index("pcd")
    lat, lon = columns.index("lat"), columns.index("long")
    for row in rows:
        if len(row) <= max(code, lat, lon) or not _is_number(row[lat]):
            continue
        latitude = float(row[lat])
        if abs(latitude) < _NO_POSITION and row[lon].strip():
            yield PostcodePoint(normalise_postcode(row[code]), latitude, float(row[lon]))


def _grid_rows(
    rows: Iterable[list[str]], code: int, east: int, north: int
) -> Iterator[PostcodePoint]:
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    usable = (r for r in rows if len(r) > max(code, east, north) and _is_number(r[east]))
    while batch := list(islice(usable, BATCH)):
        eastings = [float(row[east]) for row in batch]
        northings = [float(row[north]) for row in batch]
        longitudes, latitudes = to_wgs84.transform(eastings, northings)
        for row, latitude, longitude in zip(batch, latitudes, longitudes, strict=True):
            if float(row[east]) or float(row[north]):  # 0,0 means "no position"
                yield PostcodePoint(normalise_postcode(row[code]), latitude, longitude)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_postcodes(engine: Engine, path: Path) -> int:
    """Insert or update every postcode in ``path``, in batches; the number of rows loaded."""
    loaded = 0
    with path.open(newline="", encoding="utf-8-sig") as stream:
        points = read_postcodes(stream)
        while batch := list(islice(points, BATCH)):
            with transaction(engine) as session:
                session.execute(_upsert(engine), [vars(point) for point in batch])
            loaded += len(batch)
    return loaded


def _upsert(engine: Engine) -> Executable:
    table = Postcode.__table__  # type: ignore[attr-defined]
    dialect = postgresql if is_postgres(engine) else sqlite
    statement = dialect.insert(table)
    return statement.on_conflict_do_update(
        index_elements=["postcode"],
        set_={"latitude": statement.excluded.latitude, "longitude": statement.excluded.longitude},
    )
