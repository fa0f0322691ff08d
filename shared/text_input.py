"""Text that is one line wherever it goes: an email subject, a header, a CSV cell, a page title.

A name with a line break would end up as a broken header (the sender sanitises every header it
builds as well, so such a name already in a database cannot stop mail), so the services refuse it
where it comes in: a 422 naming the field.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


def refuse_line_breaks(value: str) -> str:
    """One line: no line breaks, tabs or other control characters."""
    if _CONTROL.search(value):
        raise ValueError("must be one line: no line breaks, tabs or other control characters")
    return value


OneLine = Annotated[str, AfterValidator(refuse_line_breaks)]
