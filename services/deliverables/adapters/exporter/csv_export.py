"""Write a round as CSV for analysts: one row per deliverable."""

from __future__ import annotations

import csv
import io

from services.deliverables.adapters.exporter.edition_view import EditionView

COLUMNS = [
    "number",
    "aim",
    "priority_action",
    "title",
    "status",
    "status_label",
    "timescale",
    "due_date",
    "overdue",
    "lead_partners",
    "collaborators",
    "update",
]


def render_csv(edition: EditionView) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in sorted(edition.deliverables(), key=lambda view: view.number):
        writer.writerow(
            [
                item.number,
                item.aim,
                item.priority_action,
                item.title,
                item.status.value,
                item.status.label,
                item.timescale or "",
                item.due_date.isoformat() if item.due_date else "",
                "yes" if item.overdue else "no",
                ";".join(item.lead_partners),
                ";".join(item.collaborators),
                item.narrative or "",
            ]
        )
    return buffer.getvalue()
