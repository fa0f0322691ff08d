"""Typo tolerance: replace query words the index has never seen with the nearest indexed word.

Candidates come from a trigram index inside the database (SQLite FTS5 ``trigram`` tokenizer,
PostgreSQL ``pg_trgm``); the closest candidate by edit similarity wins if it is close enough.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from sqlalchemy import text
from sqlmodel import Session

from shared.db import is_postgres

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_SIMILARITY = 0.75
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "who",
        "what",
        "where",
        "near",
    ]
)

_KNOWN_SQL = text("SELECT 1 FROM search_word WHERE word = :word")
_SQLITE_CANDIDATES = text(
    "SELECT word FROM search_word_trigram WHERE search_word_trigram MATCH :trigrams "
    "ORDER BY rank LIMIT 25"
)
_POSTGRES_CANDIDATES = text(
    "SELECT word FROM search_word WHERE word % :word ORDER BY similarity(word, :word) DESC LIMIT 25"
)


def query_words(raw: str) -> list[str]:
    """The words of a query that carry meaning (lower-cased, stopwords left out)."""
    return [w for w in (m.lower() for m in _WORD.findall(raw)) if w not in STOPWORDS]


def correct_words(session: Session, words: list[str]) -> list[str]:
    """Each word as typed if the index knows it, else its nearest indexed neighbour."""
    return [_correct(session, word) for word in words]


def _correct(session: Session, word: str) -> str:
    if len(word) < 4 or word.isdigit():
        return word
    if session.execute(_KNOWN_SQL, {"word": word}).first() is not None:
        return word
    candidates = _candidates(session, word)
    scored = [(SequenceMatcher(None, word, c).ratio(), c) for c in candidates]
    best = max(scored, default=(0.0, word))
    return best[1] if best[0] >= MIN_SIMILARITY else word


def _candidates(session: Session, word: str) -> list[str]:
    if is_postgres(session.get_bind()):  # type: ignore[arg-type]
        rows = session.execute(_POSTGRES_CANDIDATES, {"word": word})
    else:
        trigrams = {word[i : i + 3] for i in range(len(word) - 2)}
        query = " OR ".join(f'"{t}"' for t in sorted(trigrams))
        rows = session.execute(_SQLITE_CANDIDATES, {"trigrams": query})
    return [row[0] for row in rows]
