"""The deliverable page shows its whole life: opened, closed, what was said at closing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.settings import WebSettings

CLOSED = {
    "number": 13,
    "title": "Agree a shared view of good community payback",
    "aim": 2,
    "priorityAction": 5,
    "timescale": "January 2024",
    "dueDate": "2024-01-31",
    "status": "COMPLETE",
    "statusLabel": "Complete",
    "latestUpdate": None,
    "updatedAt": "2024-12-01T10:00:00+00:00",
    "overdue": False,
    "originalTimescale": "September 2023",
    "furtherDetail": None,
    "leadPartners": [{"slug": "community-justice-scotland", "name": "Community Justice Scotland"}],
    "collaborators": [],
    "history": {
        "openedRound": 0,
        "closedRound": 2,
        "additionalInformation": "It now guides every area's annual report.\n\nReviewed yearly.",
        "statusChanges": [],
        "timescaleRevisions": [],
        "roundReports": [
            {
                "round": 2,
                "roundName": "Update 2",
                "status": "COMPLETE",
                "statusLabel": "Complete",
                "narrative": "Agreed by all.\nPublished <online>.\n\nDone.",
                "submittedBy": None,
                "submittedAt": "2024-03-01T10:00:00+00:00",
            }
        ],
    },
}


class _Gateway(BaseHTTPRequestHandler):
    """A stand-in gateway answering every query with one closed deliverable."""

    answer: dict[str, Any] = {}

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"data": _Gateway.answer}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/graphql"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("rounds", "opened", "closed"),
    [
        (
            [{"number": 2, "name": "Update 2, March 2024"}],
            "The original plan",
            "Update 2, March 2024",
        ),
        ([], "The original plan", "Update 2"),
    ],
)
def test_the_page_shows_when_it_was_opened_and_closed_and_what_was_added(
    gateway: str, rounds: list[dict[str, Any]], opened: str, closed: str
) -> None:
    _Gateway.answer = {"deliverable": CLOSED, "rounds": rounds}
    with TestClient(create_app(WebSettings(gateway_url=gateway))) as client:
        page = client.get("/plan/deliverables/13")
    assert page.status_code == 200, page.text
    html = page.text
    assert f'Opened in</dt><dd class="ds_summary-list__value">{opened}</dd>' in html
    assert f'Closed in</dt><dd class="ds_summary-list__value">{closed}</dd>' in html
    assert "<p>It now guides every area&#39;s annual report.</p><p>Reviewed yearly.</p>" in html
    assert "<p>Agreed by all.<br>Published &lt;online&gt;.</p><p>Done.</p>" in html
