"""The plain-text email keeps one item per line and every link on a line of its own."""

from __future__ import annotations

from services.notifications.use_cases.composing import TEMPLATES


def _render(**values: object) -> str:
    defaults: dict[str, object] = {
        "intro": "There is news about something you follow:",
        "items": [],
        "action": None,
        "why": "You are getting this because you asked for emails about deliverable 40.",
        "manage_url": "http://127.0.0.1:8003/manage?token=m",
        "unsubscribe_url": "http://127.0.0.1:8003/unsubscribe?token=u",
    }
    return TEMPLATES.get_template("email.txt.j2").render(**{**defaults, **values})


def test_each_change_and_its_details_stand_on_their_own_lines() -> None:
    text = _render(
        items=[
            {
                "headline": "Deliverable 40 is now In progress",
                "details": ["It was Complete before."],
            },
            {"headline": "Deliverable 41 is now Complete", "details": []},
        ]
    )
    lines = text.splitlines()
    assert "* Deliverable 40 is now In progress" in lines
    assert "  It was Complete before." in lines
    assert "* Deliverable 41 is now Complete" in lines
    assert "You are getting this because you asked for emails about deliverable 40." in lines


def test_links_are_never_run_together_with_the_next_words() -> None:
    text = _render(action={"label": "Yes, send me these emails", "url": "http://c/confirm?t=1"})
    lines = text.splitlines()
    assert "Change what you receive: http://127.0.0.1:8003/manage?token=m" in lines
    assert "Stop these emails: http://127.0.0.1:8003/unsubscribe?token=u" in lines
    assert "http://c/confirm?t=1" in lines
    assert "\n\n\n" not in text
