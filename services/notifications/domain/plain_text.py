"""Text from other people made safe for email: one-line header values, trimmed plain paragraphs."""

from __future__ import annotations

import re

_LINE_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_CONTROLS_BUT_NEWLINES = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029]+")


def one_line(value: str) -> str:
    """A header-safe value: line breaks and other control characters become single spaces."""
    return " ".join(_LINE_BREAKS_AND_CONTROLS.sub(" ", value).split())


def trimmed(value: str | None, limit: int = 1000) -> str | None:
    """Plain text for an email body: controls removed, blank lines kept to one, at most ``limit``
    characters (cut at a word, with an ellipsis); None when nothing is left."""
    if value is None:
        return None
    text = _CONTROLS_BUT_NEWLINES.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        return None
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip() + " …"
    return text
