"""A deliverable's short title: made from its text, until an editor gives it one."""

from __future__ import annotations

import re

from services.deliverables.adapters.tables import Deliverable

PLACEHOLDER_TITLE = "Completed before this edition (details in earlier editions)"
MAX_TITLE = 300  # the column's length
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def short_title(text: str | None, *, words: int = 12) -> str:
    """The first sentence of the text, cut to ``words`` words; the placeholder title if none."""
    if not text or not text.strip():
        return PLACEHOLDER_TITLE
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].rstrip(".")
    parts = first.split()
    title = " ".join(parts[:words]) + ("…" if len(parts) > words else "")
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def restate_text(deliverable: Deliverable, text: str | None) -> None:
    """Take the text an edition states; a title made from the old text follows the new text.

    A title is ours to change while it is the placeholder or the short title of the text it was
    made from; a title an editor wrote is anything else, and is kept. A text that only repeats
    the title of a deliverable with no text (what an export writes for it) changes nothing.
    """
    if deliverable.text is None and text == deliverable.title:
        return  # an export of a deliverable without text writes its title there: nothing new
    made_by_us = deliverable.title in {PLACEHOLDER_TITLE, short_title(deliverable.text)}
    deliverable.text = text
    if made_by_us and text:
        deliverable.title = short_title(text)
