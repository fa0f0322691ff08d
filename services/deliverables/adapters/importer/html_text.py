"""Flatten an HTML edition to the one-block-per-line text the tokeniser reads."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "div",
    "section",
    "article",
    "tr",
    "title",
}
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML's white space (a no-break space is text)
_SKIPPED = {"style", "script", "head"}
_LOOKS_LIKE_HTML = re.compile(r"^\s*(<!doctype html|<html|<body|<h1|<p)", re.IGNORECASE)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self._skipping = 0

    def handle_starttag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "br":
            self.lines[-1] += "\n"  # a line break inside the paragraph
        elif tag in _BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.lines[-1] += _SPACES.sub(" ", data)


def looks_like_html(document: str) -> bool:
    return bool(_LOOKS_LIKE_HTML.match(document))


def html_to_text(document: str) -> str:
    collector = _TextCollector()
    collector.feed(document)
    collector.close()
    paragraphs = ("\n".join(part.strip() for part in line.split("\n")) for line in collector.lines)
    return "\n\n".join(paragraph.strip() for paragraph in paragraphs if paragraph.strip())
