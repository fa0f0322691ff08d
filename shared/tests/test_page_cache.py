"""Answers kept per process until the read model's version is raised, bounded, and expiring."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from shared.page_cache import PageCache, cache_key, raise_version


@pytest.fixture
def engine() -> Iterator[Engine]:
    """A real SQLite database holding ``read_model_version`` as the migrations create it."""
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE read_model_version (id INTEGER PRIMARY KEY, version BIGINT)")
        )
        connection.execute(text("INSERT INTO read_model_version (id, version) VALUES (1, 0)"))
    yield engine
    engine.dispose()


def _ask(engine: Engine, cache: PageCache, keys: str) -> list[str]:
    """Ask ``cache`` for each key in turn; the keys it had to compute."""
    computed: list[str] = []

    def compute_for(key: str) -> Callable[[], bytes]:
        def compute() -> bytes:
            computed.append(key)
            return key.encode()

        return compute

    for key in keys:
        with Session(engine) as session:
            assert cache.answer(session, key, compute_for(key)) == key.encode()
    return computed


def test_the_cache_is_bounded_and_answers_expire(engine: Engine) -> None:
    assert _ask(engine, PageCache(max_answers=2, ttl=0.0), "aba") == ["a", "b", "a"]  # none reused
    assert _ask(engine, PageCache(max_answers=2, ttl=60.0), "abab") == ["a", "b"]  # reused
    assert _ask(engine, PageCache(max_answers=2, ttl=60.0), "abca") == ["a", "b", "c", "a"]


def test_raising_the_version_in_a_committed_write_ends_every_kept_answer(engine: Engine) -> None:
    cache = PageCache()
    assert _ask(engine, cache, "ab") == ["a", "b"]
    with Session(engine) as session:
        raise_version(session)
        session.rollback()  # a write that never commits ends nothing
    assert _ask(engine, cache, "ab") == []
    with Session(engine) as session:
        raise_version(session)
        session.commit()
    assert _ask(engine, cache, "ab") == ["a", "b"]


def test_a_request_without_a_key_is_never_kept(engine: Engine) -> None:
    cache, calls = PageCache(), []

    def compute() -> bytes:
        calls.append(1)
        return b"x"

    with Session(engine) as session:
        assert [cache.answer(session, None, compute) for _ in range(2)] == [b"x", b"x"]
    assert len(calls) == 2


def test_keys_are_stable_and_name_what_must_not_be_kept() -> None:
    assert cache_key([("q", "bail"), ("limit", "5")]) == "limit=5&q=bail"
    assert cache_key([("limit", "5"), ("q", "bail")], prefix="list?") == "list?limit=5&q=bail"
    assert cache_key([("open_now", "true")], uncacheable=("open_now",)) is None
    assert cache_key([("open_now", "false")], uncacheable=("open_now",)) == "open_now=false"
