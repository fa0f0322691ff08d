"""Validate open-API responses against the HSDS 3.0 JSON Schemas in the sibling shared/."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# The repo's sibling ``shared/`` folder (tests may read it; the product never does).
HSDS = Path(__file__).resolve().parents[4] / "shared" / "hsds-3.0"


@cache
def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in (HSDS / "schema").glob("*.json")
    ]
    return Registry().with_resources(resources)


@cache
def _validator(relative: str) -> Draft202012Validator:
    schema = json.loads((HSDS / relative).read_text())
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def assert_valid(document: Any, relative: str) -> None:
    """Fail with every violation listed if ``document`` breaks the schema at ``relative``."""
    if not (HSDS / relative).exists():
        pytest.skip(f"HSDS schemas not found at {HSDS}")
    errors = sorted(_validator(relative).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:20])


def page_schema() -> dict[str, Any]:
    openapi = json.loads((HSDS / "schema" / "openapi.json").read_text())
    page: dict[str, Any] = openapi["components"]["schemas"]["Page"]
    return page


def assert_page(document: dict[str, Any], item_schema: str) -> None:
    """An ORUK page: the envelope fields, then every item against ``item_schema``."""
    errors = list(Draft202012Validator(page_schema()).iter_errors(document))
    assert not errors, [e.message for e in errors]
    for field in ("total_items", "total_pages", "page_number", "size", "contents"):
        assert field in document
    for item in document["contents"]:
        assert_valid(item, item_schema)
