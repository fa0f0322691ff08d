"""Typo tolerance: replace query words the index has never seen with the nearest indexed word.

Candidates come from indexes inside the database: a trigram index (SQLite FTS5 ``trigram``
tokenizer, PostgreSQL ``pg_trgm``) plus the words sharing the first letter and a similar length
(which catches swapped letters in short words); the candidate fewest edits away wins (optimal
string alignment distance, so a swap counts as one edit), if it is within 1 edit for words of up
to 5 letters and 2 edits for longer ones.
"""

from __future__ import annotations

import re
import weakref

from rapidfuzz.distance import OSA
from sqlalchemy import Engine, text
from sqlmodel import Session

from shared.db import is_postgres

_WORD = re.compile(r"\w+", re.UNICODE)
# What the vocabulary holds: runs of three or more letters (``index.reindex_services``). Only
# such a word can be known, so only such a word is ever corrected: "route66" or "covid19" is
# taken as typed (corrected to "route", it found nothing, as the index holds "route66").
VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
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
_NEIGHBOUR_CANDIDATES = text(
    "SELECT word FROM search_word WHERE word >= :low AND word < :high "
    "AND length(word) BETWEEN :shortest AND :longest LIMIT 500"
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


# Words each database's vocabulary is known to hold. The vocabulary only ever grows, so a word
# found once stays found: only words not (yet) seen are looked up, and only missing ones corrected.
_KNOWN: weakref.WeakKeyDictionary[Engine, set[str]] = weakref.WeakKeyDictionary()
_KNOWN_LIMIT = 100_000


def _is_known(session: Session, word: str) -> bool:
    engine = session.get_bind()
    known = _KNOWN.setdefault(engine, set()) if isinstance(engine, Engine) else set()
    if word in known:
        return True
    if session.execute(_KNOWN_SQL, {"word": word}).first() is None:
        return False
    if len(known) < _KNOWN_LIMIT:
        known.add(word)
    return True


def _correct(session: Session, word: str) -> str:
    if len(word) < 4 or not VOCABULARY_WORD.fullmatch(word):
        return word
    if _is_known(session, word):
        return word
    allowed = 1 if len(word) <= 5 else 2
    scored = sorted(
        (OSA.distance(word, c), c[0] != word[0], abs(len(c) - len(word)), c)
        for c in _candidates(session, word) | _neighbours(session, word)
    )
    if scored and scored[0][0] <= allowed:
        return scored[0][3]
    return word


def _neighbours(session: Session, word: str) -> set[str]:
    bounds = {
        "low": word[0], "high": chr(ord(word[0]) + 1),
        "shortest": len(word) - 2, "longest": len(word) + 2,
    }  # fmt: skip
    return {row[0] for row in session.execute(_NEIGHBOUR_CANDIDATES, bounds)}


def _candidates(session: Session, word: str) -> set[str]:
    if is_postgres(session.get_bind()):  # type: ignore[arg-type]
        rows = session.execute(_POSTGRES_CANDIDATES, {"word": word})
    else:
        trigrams = {word[i : i + 3] for i in range(len(word) - 2)}
        query = " OR ".join(f'"{t}"' for t in sorted(trigrams))
        rows = session.execute(_SQLITE_CANDIDATES, {"trigrams": query})
    return {row[0] for row in rows}
