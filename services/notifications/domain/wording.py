"""Plain words shared by every email: status labels, what a subscription follows, quoted words.

The words for each event type live with its registry entry (``consumed/``).
"""

from __future__ import annotations

from services.notifications.domain.plain_text import trimmed

STATUS_LABELS = {
    "complete": "Complete",
    "in_progress": "In progress",
    "in_progress_revised": "In progress (with revised timescale)",
    "outstanding": "Outstanding",
}

TRANSITION_WORDS = {
    "any": "",
    "status_changed": " when its status changes",
    "complete": " when something is completed",
    "timescale_revised": " when a timescale is revised",
    "overdue": " when something becomes outstanding",
    "updated": " when there is a progress update",
    "added": " when something new is added",
    "round_published": " when a progress report is published",
    "service_withdrawn": " when a service is withdrawn",
}
SAID_LIMIT = 600  # characters of someone's reason, narrative or message quoted in an email


def status_label(status: str | None) -> str:
    if status is None:
        return "not set"
    return STATUS_LABELS.get(status, status)


def said(prefix: str, text: str | None) -> list[str]:
    """Someone's words as detail lines: trimmed plain text, one line per paragraph."""
    words = trimmed(text, SAID_LIMIT)
    if words is None:
        return []
    first, *rest = [line for line in words.split("\n") if line]
    return [f"{prefix}{first}", *rest]


def describe_target(kind: str, value: str, transition: str = "any") -> str:
    """e.g. "deliverable 40", "services in fife when a service is withdrawn"."""
    subject = {
        "deliverable": f"deliverable {value}",
        "aim": f"deliverables under aim {value}",
        "priority_action": f"deliverables under priority action {value}",
        "lead_partner": f"deliverables led by {value}",
        "all_deliverables": "every deliverable in the delivery plan",
        "local_authority": f"support services in {value}",
        "service_type": f"support services of type {value}",
        "service": f"the support service {value}",
    }.get(kind, f"{kind} {value}")
    return subject + TRANSITION_WORDS.get(transition, "")
