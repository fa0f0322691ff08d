"""Recognising partner organisations in the plan's free text by their names and aliases."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_VIA = re.compile(r"\s+(?:via|through)\s+[^,]+?(?=,|\s+and\s+|$)", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:,|&|\band\b)\s*", re.IGNORECASE)
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class KnownOrganisation:
    slug: str
    name: str
    aliases: tuple[str, ...]


@cache
def reference_organisations() -> tuple[KnownOrganisation, ...]:
    """The canonical partner list shipped with the service (seed/organisations.json)."""
    raw = (
        resources.files("services.deliverables.adapters.seed")
        .joinpath("organisations.json")
        .read_text()
    )
    return tuple(
        KnownOrganisation(item["slug"], item["name"], tuple(item["aliases"]))
        for item in json.loads(raw)
    )


def slugify(name: str) -> str:
    return _SLUG_JUNK.sub("-", name.casefold()).strip("-")


class NameMatcher:
    """Finds organisations named in a text; acronyms match case-sensitively, names ignore case."""

    def __init__(self, organisations: list[KnownOrganisation]) -> None:
        names: list[tuple[str, str]] = []
        for organisation in organisations:
            for name in (organisation.name, *organisation.aliases):
                names.append((name, organisation.slug))
        names.sort(key=lambda pair: len(pair[0]), reverse=True)
        self._patterns = [(self._pattern(name), slug) for name, slug in names]

    @staticmethod
    def _pattern(name: str) -> re.Pattern[str]:
        flags = 0 if name.isupper() and len(name) <= 6 else re.IGNORECASE
        return re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])", flags)

    def find(self, text: str) -> tuple[list[str], str]:
        """Slugs named in ``text`` (first mention first) and the text without those names."""
        found: list[tuple[int, str]] = []
        remaining = text
        for pattern, slug in self._patterns:
            for match in pattern.finditer(remaining):
                found.append((match.start(), slug))
            remaining = pattern.sub(lambda m: "\0" * len(m.group(0)), remaining)
        ordered: list[str] = []
        for _position, slug in sorted(found):
            if slug not in ordered:
                ordered.append(slug)
        return ordered, remaining.replace("\0", " ")


def lead_partner_names(text: str, matcher: NameMatcher) -> tuple[list[str], list[str]]:
    """Known slugs and the names of unknown organisations in a 'Lead partner' text.

    Qualifiers such as "via the National Prison Care Network" name a route, not a lead.
    """
    slugs, rest = matcher.find(_VIA.sub("", text))
    unknown = [
        part.strip(" .;:-\u2013\u2014")
        for part in _SEPARATORS.split(rest)
        if re.search(r"[A-Za-z]{3,}", part) and part.strip(" .;:-\u2013\u2014")
    ]
    return slugs, unknown


def lead_text_of(names: list[str]) -> str | None:
    """The 'Lead partner' text an export writes when none was stated: the names joined."""
    return " and ".join(names) if names else None


def collaboration_text_of(names: list[str]) -> str | None:
    """The 'In collaboration with' text an export writes when none was stated."""
    return ", ".join(names) if names else None
