"""Example instances of a producer's JSON Schema: every property filled in, and only the
required ones with every nullable value null. Enough to show a consumer copes with both ends
of what the producer may send (pydantic's schemas only use the keywords handled here)."""

from __future__ import annotations

from typing import Any

SAMPLES: dict[str, Any] = {
    "string": "text with\na line break",
    "integer": 7,
    "number": 1.5,
    "boolean": True,
    "null": None,
}
FORMATS = {"date-time": "2026-06-01T09:30:00Z", "date": "2026-06-01", "uuid": "0" * 32}


def example(schema: dict[str, Any], root: dict[str, Any], *, full: bool) -> Any:
    """One instance of ``schema``; ``full`` fills every property, else only required ones
    (and prefers null wherever null is allowed)."""
    if "$ref" in schema:
        return example(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root, full=full)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        branches = schema["anyOf"]
        nullable = [b for b in branches if b.get("type") == "null"]
        chosen = (
            nullable[0]
            if nullable and not full
            else next(b for b in branches if b.get("type") != "null")
        )
        return example(chosen, root, full=full)
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, root, full=full)
    if kind == "array":
        return [example(schema.get("items", {}), root, full=full)] if full else []
    if kind == "string" and schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    return SAMPLES.get(kind or "", "any value")


def _object(schema: dict[str, Any], root: dict[str, Any], *, full: bool) -> dict[str, Any]:
    properties = schema.get("properties", {})
    names = properties if full else schema.get("required", [])
    found = {name: example(properties[name], root, full=full) for name in names}
    extra = schema.get("additionalProperties")
    if full and isinstance(extra, dict):
        found["some_field"] = example(extra, root, full=full)
    return found
