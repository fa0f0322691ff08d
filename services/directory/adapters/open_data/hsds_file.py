"""Read an HSDS 3.0 JSON file for import, naming the place of anything wrong in it.

Three shapes are read: a document with a ``services`` list (this directory's export), an ORUK
page (``contents``) and a single fully nested service (HSDS ``service_full``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from services.directory.adapters.open_data.hsds_input import HsdsDocument

LIST_KEYS = ("services", "contents")


class HsdsFileError(Exception):
    """The file is not an HSDS document this importer reads; the message names the place."""


@dataclass(frozen=True)
class HsdsFile:
    document: HsdsDocument
    services_at: str  # where the services are: "services", "contents" or "" (the whole file)

    def place(self, path: str) -> str:
        """``services[2].name`` as it is spelled in this file."""
        if not path.startswith("services"):
            return path
        rest = path.removeprefix("services")
        if self.services_at:
            return self.services_at + rest
        return rest.split(".", 1)[1] if "." in rest else "(the service)"


def read_hsds(data: bytes) -> HsdsFile:
    try:
        raw = json.loads(data)
    except UnicodeDecodeError as error:
        raise HsdsFileError(f"not UTF-8 text (byte {error.start})") from error
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise HsdsFileError(f"not JSON: {where}: {error.msg}") from error
    services, services_at = _services_of(raw)
    shaped = HsdsFile(HsdsDocument.model_construct(services=[]), services_at)
    try:
        document = HsdsDocument.model_validate({"services": services})
    except ValidationError as error:
        raise HsdsFileError(_first_problem(error, shaped)) from error
    return HsdsFile(document, services_at)


def _services_of(raw: Any) -> tuple[list[Any], str]:
    if isinstance(raw, dict):
        for key in LIST_KEYS:
            if isinstance(raw.get(key), list):
                return raw[key], key
        if "id" in raw and "name" in raw:
            return [raw], ""
    raise HsdsFileError(
        "expected an HSDS object with a `services` (or ORUK `contents`) list, or one service"
    )


def _first_problem(error: ValidationError, shaped: HsdsFile) -> str:
    problems = error.errors()
    first = problems[0]
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"])
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{shaped.place(path.lstrip('.'))}: {first['msg']}{more}"
