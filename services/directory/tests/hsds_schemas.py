"""Validate open-API responses against the HSDS 3.0 JSON Schemas in the team library."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conftest import HSDS_SCHEMAS, team_library_path


@cache
def _hsds() -> Path:
    """The HSDS 3.0 schemas in the team library (skips, or fails where required, if absent)."""
    openapi = team_library_path(*HSDS_SCHEMAS, "schema", "openapi.json", what="HSDS 3.0 schemas")
    return openapi.parents[1]


@cache
def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in (_hsds() / "schema").glob("*.json")
    ]
    return Registry().with_resources(resources)


@cache
def _validator(relative: str) -> Draft202012Validator:
    schema = json.loads((_hsds() / relative).read_text())
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def assert_valid(document: Any, relative: str) -> None:
    """Fail with every violation listed if ``document`` breaks the schema at ``relative``."""
    team_library_path(*HSDS_SCHEMAS, relative, what=f"HSDS 3.0 schema {relative}")
    errors = sorted(_validator(relative).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:20])


def page_schema() -> dict[str, Any]:
    openapi = json.loads((_hsds() / "schema" / "openapi.json").read_text())
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
