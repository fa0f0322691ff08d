"""Search done by the database: stemming, typo tolerance, filters, ranking, paging, facets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.run import SearchResult, search_services
from services.directory.adapters.views import service_views
from services.directory.tests.search_fixtures import search_engine

__all__ = ["search_engine"]

MONDAY_MORNING = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
SATURDAY_NOON = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
SUNDAY = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def _search(engine: Engine, **criteria: Any) -> tuple[list[str], SearchResult]:
    with Session(engine) as session:
        result = search_services(session, SearchCriteria(**criteria))
        names = [view.name for view in service_views(session, result.ids)]
    return names, result


def test_stemming_matches_other_forms_of_a_word(search_engine: Engine) -> None:
    names, _ = _search(search_engine, text="supervising")
    assert set(names) == {
        "Bail Supervision Service",
        "Supervised Bail Project",
        "Women's Bail Support",
    }


@pytest.mark.parametrize("typed", ["bial supervison", "Bail Supervisoin", "bail superviison"])
def test_typos_are_corrected_by_the_index_vocabulary(search_engine: Engine, typed: str) -> None:
    names, result = _search(search_engine, text=typed)
    assert result.corrected_query == "bail supervision"
    assert names[0] == "Bail Supervision Service"
    assert "Supervised Bail Project" in names and "Unpaid Work Team" not in names


def test_exact_and_fresh_first_stale_sinks(search_engine: Engine) -> None:
    names, result = _search(search_engine, text="bail supervision")
    assert names == ["Bail Supervision Service", "Women's Bail Support", "Supervised Bail Project"]
    assert result.corrected_query is None


def test_court_filter_by_slug_or_name_with_text(search_engine: Engine) -> None:
    by_slug, _ = _search(search_engine, text="bail", court="dunfermline")
    by_name, _ = _search(search_engine, text="bail", court="Kirkcaldy Sheriff Court")
    assert (by_slug, by_name) == (["Bail Supervision Service"], ["Supervised Bail Project"])


def test_age_client_group_and_referral_route_filters(search_engine: Engine) -> None:
    adults, _ = _search(search_engine, service_type="bail-supervision", age=30)
    assert "Supervised Bail Project" not in adults and len(adults) == 2
    women, _ = _search(search_engine, client_group="women")
    assert women == ["Women's Bail Support"]
    self_referral, _ = _search(search_engine, referral_route="self-referral")
    assert set(self_referral) == {"Women's Bail Support", "Recovery Cafe"}


def test_open_now_reads_the_schedules(search_engine: Engine) -> None:
    assert _search(search_engine, open_now=True, now=MONDAY_MORNING)[0] == [
        "Bail Supervision Service"
    ]
    assert _search(search_engine, open_now=True, now=SATURDAY_NOON)[0] == ["Recovery Cafe"]
    assert _search(search_engine, open_now=True, now=SUNDAY)[0] == []


def test_paging_keeps_the_total(search_engine: Engine) -> None:
    first, result = _search(search_engine, text="bail", limit=2)
    second, again = _search(search_engine, text="bail", limit=2, offset=2)
    assert result.total == again.total == 3
    assert len(first) == 2 and len(second) == 1 and second[0] not in first
    past_the_end, beyond = _search(search_engine, text="bail", limit=2, offset=10)
    assert past_the_end == [] and beyond.total == 3


def test_postgres_text_indexes_take_each_write_at_once(search_engine: Engine) -> None:
    """No GIN pending list for a search to read beside the index (migration 0010)."""
    if search_engine.dialect.name != "postgresql":
        pytest.skip("SQLite's FTS5 indexes have no pending list")
    with search_engine.connect() as connection:
        options: dict[str, list[str] | None] = dict(connection.execute(text(
            "SELECT c.relname, c.reloptions FROM pg_class AS c JOIN pg_index AS i"
            " ON i.indexrelid = c.oid JOIN pg_am AS a ON a.oid = c.relam WHERE a.amname = 'gin'"
        )).all())  # fmt: skip
    assert options == {
        name: ["fastupdate=off"]
        for name in ("ix_service_document_document", "ix_service_document_name_trgm",
                     "ix_search_word_trgm")
    }  # fmt: skip


def test_facets_count_each_value_without_their_own_filter(search_engine: Engine) -> None:
    _, result = _search(search_engine, text="bail", local_authority="fife", with_facets=True)
    areas = {f.value: f.count for f in result.facets["local_authority"]}
    types = {f.value: f.count for f in result.facets["service_type"]}
    assert areas == {"fife": 2, "glasgow-city": 1}
    assert types == {"bail-supervision": 2}
    courts = {f.value: f.count for f in result.facets["court"]}
    assert courts == {"dunfermline": 1, "kirkcaldy": 1}


def test_query_syntax_in_user_input_is_taken_literally(search_engine: Engine) -> None:
    plain, _ = _search(search_engine, text="bail")
    everything, _ = _search(search_engine)
    assert plain and len(everything) > len(plain)
    # FTS5 / tsquery operators and quotes are punctuation: the word alone is searched for.
    for typed in ['bail" OR (', "NEAR(bail", "bail*", "(bail)", "bail:*"]:
        assert _search(search_engine, text=typed)[0] == plain, typed
    # A star is no prefix wildcard, and LIKE's wildcards match nothing by themselves.
    for typed in ["bai*", "%_", "_"]:
        assert _search(search_engine, text=typed)[0] == [], typed
    # Punctuation alone (or a stop word with it) is no search at all: every entry, no error.
    for typed in ["'", "a & | !"]:
        assert sorted(_search(search_engine, text=typed)[0]) == sorted(everything), typed


def test_words_not_in_any_entry_find_nothing(search_engine: Engine) -> None:
    names, result = _search(search_engine, text="xylophone")
    assert names == [] and result.total == 0
