"""Check that an edition is text before reading it: a clear error for binary or undecodable input.

Editions arrive as UTF-8 text, Markdown or HTML (UTF-16 with a byte-order mark is accepted too,
as some word processors save it). A PDF, a Word file or random bytes are refused with a message
that says what was found and what to do, never with a traceback.
"""

from __future__ import annotations

import codecs
import re

from shared.errors import BadUserInput

MAX_DOCUMENT_CHARACTERS = 5_000_000
# C0 controls other than tab, line feed, vertical tab, form feed and carriage return; DEL; C1.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAVE_AS_TEXT = "save the edition as plain text (UTF-8), Markdown or HTML and import that"


class UnreadableDocument(BadUserInput):
    """The input is not an edition's text at all (binary, undecodable, too large)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem, field="document")


def decode_edition(data: bytes) -> str:
    """The text of an edition file; UnreadableDocument if it is not text."""
    encoding = next((name for bom, name in _BYTE_ORDER_MARKS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            f"the file is not {encoding.upper()} text (byte {error.start} is "
            f"0x{data[error.start]:02x}); it may be a PDF, Word or other binary file: "
            + _SAVE_AS_TEXT
        ) from None
    return check_text(text)


def check_text(text: str) -> str:
    """The text unchanged if it can be an edition; UnreadableDocument naming the line if not."""
    if len(text) > MAX_DOCUMENT_CHARACTERS:
        raise UnreadableDocument(
            f"the document has {len(text):,} characters; at most "
            f"{MAX_DOCUMENT_CHARACTERS:,} are accepted"
        )
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise UnreadableDocument(
            f"line {line}: control character U+{ord(control.group()):04X}; this looks like a "
            "binary file, not an edition's text: " + _SAVE_AS_TEXT
        )
    return text
