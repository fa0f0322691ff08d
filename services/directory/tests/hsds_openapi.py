"""The HSDS 3.0 standard's own OpenAPI with its schema references resolved from the team library.

The standard's OpenAPI points at its JSON Schemas by their published URLs; tests never use the
network, so each such reference (and the relative ones inside those schemas) is replaced by the
schema itself, read from ``../shared/hsds-3.0``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import HSDS_SCHEMAS, team_library_path

PUBLISHED = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def standard_openapi() -> dict[str, Any]:
    """The standard's OpenAPI, self-contained (skips, or fails where required, without it)."""
    path = team_library_path(*HSDS_SCHEMAS, "schema", "openapi.json", what="HSDS 3.0 OpenAPI")
    root = path.parents[1]
    resolved: dict[str, Any] = _inline(json.loads(path.read_text()), root, None)
    return resolved


def _inline(node: Any, root: Path, base: Path | None) -> Any:
    if isinstance(node, list):
        return [_inline(item, root, base) for item in node]
    if not isinstance(node, dict):
        return node
    reference = node.get("$ref")
    if isinstance(reference, str) and not reference.startswith("#"):
        target = _local(reference, root, base)
        return _inline(json.loads(target.read_text()), root, target.parent)
    # A schema's own $id/$schema would change how a validator reads the refs around it.
    return {k: _inline(v, root, base) for k, v in node.items() if k not in ("$id", "$schema")}


def _local(reference: str, root: Path, base: Path | None) -> Path:
    if reference.startswith(PUBLISHED):
        rest = reference.removeprefix(PUBLISHED)
        # The library keeps compiled/ beside schema/, not inside it.
        return root / rest if rest.startswith("compiled/") else root / "schema" / rest
    if base is None:
        raise ValueError(f"Cannot resolve {reference} locally")
    return base / reference
