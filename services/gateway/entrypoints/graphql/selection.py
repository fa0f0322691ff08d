"""What a query selects under the current field (to ask services only for what is used)."""

from __future__ import annotations

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from services.gateway.entrypoints.graphql.context import Info


def selects(info: Info, name: str) -> bool:
    """Whether the query selects ``name`` directly under this field (fragments included)."""
    return any(
        isinstance(selection, SelectedField) and selection.name == name
        for field in info.selected_fields
        for selection in _flatten(field.selections)
    )


def _flatten(selections: list[Selection]) -> list[Selection]:
    flat: list[Selection] = []
    for selection in selections:
        if isinstance(selection, FragmentSpread | InlineFragment):
            flat.extend(_flatten(selection.selections))
        else:
            flat.append(selection)
    return flat
