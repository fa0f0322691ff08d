"""Search within N miles of a court, a point or a loaded postcode; nearest first, in miles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from services.directory.adapters.geography.courts import COURT_COORDINATES
from services.directory.adapters.geography.distance import Near, miles_between
from services.directory.adapters.geography.places import resolve_near
from services.directory.adapters.geography.postcodes import PostcodeFileError, load_postcodes
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.run import search_services
from services.directory.adapters.seed.areas import COURTS
from services.directory.adapters.views import service_views
from services.directory.tests.search_fixtures import ENTRIES, search_engine
from shared.errors import BadUserInput

__all__ = ["search_engine"]

DUNFERMLINE_COURT = COURT_COORDINATES["dunfermline"]


def _position(name: str) -> tuple[float, float]:
    [entry] = [e for e in ENTRIES if e["name"] == name]
    return entry["location"][4], entry["location"][5]


def _near(engine: Engine, **place: Any) -> Near:
    with Session(engine) as session:
        found = resolve_near(session, **place)
    assert found is not None
    return found


def _found(engine: Engine, **criteria: Any) -> list[tuple[str, float]]:
    with Session(engine) as session:
        result = search_services(session, SearchCriteria(**criteria))
        views = service_views(session, result.ids)
    assert result.total == len(views)
    return [(view.name, result.distances[view.id]) for view in views]


def test_every_court_has_coordinates_in_scotland() -> None:
    assert set(COURT_COORDINATES) == {slug for slug, _, _ in COURTS} and len(COURTS) == 39
    for latitude, longitude in COURT_COORDINATES.values():
        assert 54.6 < latitude < 60.9 and -8.7 < longitude < -0.7


def test_haversine_agrees_with_a_known_distance() -> None:
    # Edinburgh to Glasgow city centres: about 41-42 miles as the crow flies.
    assert 40.5 < miles_between((55.9533, -3.1883), (55.8642, -4.2518)) < 42.5


def test_bail_supervision_within_20_miles_of_a_court_nearest_first(search_engine: Engine) -> None:
    near = _near(search_engine, court="dunfermline", within_miles=20)
    found = _found(search_engine, service_type="bail-supervision", near=near)
    assert [name for name, _ in found] == ["Bail Supervision Service", "Supervised Bail Project"]
    for name, miles in found:
        assert miles == pytest.approx(miles_between(DUNFERMLINE_COURT, _position(name)), abs=0.01)
    assert found[0][1] < 2 < 10 < found[1][1] < 20


def test_a_wider_radius_reaches_glasgow_and_text_still_filters(search_engine: Engine) -> None:
    near = _near(search_engine, court="Dunfermline Sheriff Court", within_miles=60)
    names = [name for name, _ in _found(search_engine, text="bail", near=near)]
    assert names == ["Bail Supervision Service", "Supervised Bail Project", "Women's Bail Support"]
    everything = [name for name, _ in _found(search_engine, near=near)]
    assert everything[:2] == ["Unpaid Work Team", "Bail Supervision Service"]
    assert "Recovery Cafe" not in everything  # no location, so no distance


def test_near_a_point_with_paging_and_facets(search_engine: Engine) -> None:
    near = Near(55.8600, -4.2500, 5)
    assert [name for name, _ in _found(search_engine, near=near)] == ["Women's Bail Support"]
    with Session(search_engine) as session:
        far = Near(*COURT_COORDINATES["dunfermline"], 60)
        result = search_services(
            session, SearchCriteria(near=far, limit=1, offset=1, with_facets=True)
        )
    assert result.total == 4 and len(result.ids) == 1
    counts = {f.value: f.count for f in result.facets["local_authority"]}
    assert counts == {"fife": 3, "glasgow-city": 1}


def test_postcodes_from_ons_and_code_point_open(search_engine: Engine, tmp_path: Path) -> None:
    ons = tmp_path / "onspd.csv"
    ons.write_text(
        "pcd,pcd2,pcds,doterm,lat,long\n"
        "KY127AA,KY12 7AA,KY12 7AA,,56.0719,-3.4393\n"
        "KY1 1XX,KY1  1XX,KY1 1XX,,56.1120,-3.1590\n"
        "ZZ991ZZ,ZZ99 1ZZ,ZZ99 1ZZ,,99.999999,0.000000\n"
    )
    assert load_postcodes(search_engine, ons) == 2
    # Code-Point Open, no header: postcode, quality, eastings, northings (Edinburgh Castle's
    # grid reference NT 2515 7350 is about 55.9486 N, 3.2008 W).
    code_point = tmp_path / "nt.csv"
    code_point.write_text('"EH1 2NG",10,325150,673500,"S92000003"\n')
    assert load_postcodes(search_engine, code_point) == 1
    castle = _near(search_engine, postcode="eh12ng", within_miles=1)
    assert castle.latitude == pytest.approx(55.9486, abs=0.002)
    assert castle.longitude == pytest.approx(-3.2008, abs=0.003)
    near = _near(search_engine, postcode="ky12 7aa", within_miles=3)
    assert [name for name, _ in _found(search_engine, near=near)] == [
        "Bail Supervision Service", "Unpaid Work Team",
    ]  # fmt: skip
    with pytest.raises(BadUserInput, match="not in the directory's postcode table"):
        _near(search_engine, postcode="AB1 0ZZ")


def test_a_file_of_neither_kind_is_refused(search_engine: Engine, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("name,town\nsomewhere,nowhere\n")
    with pytest.raises(PostcodeFileError):
        load_postcodes(search_engine, other)


@pytest.mark.parametrize(
    ("place", "field"),
    [
        ({"court": "atlantis"}, "near_court"),
        ({"court": "ayr", "postcode": "KA7 1AA"}, "near"),
        ({"latitude": 56.0}, "latitude"),
        ({"court": "ayr", "within_miles": 0}, "within_miles"),
    ],
)
def test_places_that_cannot_be_searched_say_why(
    search_engine: Engine, place: dict[str, Any], field: str
) -> None:
    with Session(search_engine) as session, pytest.raises(BadUserInput) as raised:
        resolve_near(session, **place)
    assert raised.value.field == field


def test_cjp_directory_load_postcodes_loads_a_file(tmp_path: Path) -> None:
    from deploy.cli import main

    database = f"sqlite:///{tmp_path / 'directory.db'}"
    ons = tmp_path / "onspd.csv"
    ons.write_text("pcds,lat,long\nAB10 1AA,57.1482,-2.0928\n")
    assert main(["directory", "--database-url", database, "load-postcodes", str(ons)]) == 0
    assert main(["directory", "--database-url", database, "load-postcodes", "missing.csv"]) == 1
