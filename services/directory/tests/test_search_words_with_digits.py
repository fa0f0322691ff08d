"""A word with digits in it is searched for as typed, never "corrected" to its letters.

The typo vocabulary holds runs of letters only, so "route66" was unknown to it while its letters,
"route", were known (from the same entry): the search was corrected to "route" and found nothing,
as the text index holds "route66". Seen in the browser suite, whose generated words end in hex.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.run import search_services
from services.directory.adapters.views import service_views
from services.directory.tests.module_databases import BACKENDS
from services.directory.tests.search_fixtures import database_with

ENTRY = {
    "name": "Route66 Mentoring", "organisation": "Fife Justice",
    "description": "Mentoring for people leaving custody, with recovery support.",
    "local_authorities": ["fife"], "service_types": ["bail-supervision"],
    "referral_routes": ["court"], "client_groups": ["adults"], "reviewed_days_ago": 5,
}  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    with database_with(request, tmp_path_factory, [ENTRY]) as made:
        yield made


def _search(engine: Engine, text: str) -> tuple[list[str], str | None]:
    with Session(engine) as session:
        result = search_services(session, SearchCriteria(text=text))
        return [view.name for view in service_views(session, result.ids)], result.corrected_query


@pytest.mark.parametrize("typed", ["route66", "Route66", "route66 mentoring"])
def test_a_word_with_digits_is_searched_for_as_typed(engine: Engine, typed: str) -> None:
    assert _search(engine, typed) == (["Route66 Mentoring"], None)


def test_words_of_letters_are_still_corrected(engine: Engine) -> None:
    assert _search(engine, "mentorign") == (["Route66 Mentoring"], "mentoring")
