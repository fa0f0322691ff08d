"""What the web sends the gateway: documents valid for its schema, and who the visitor is."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from graphql import GraphQLSchema, build_schema, parse, validate

from services.web.app import create_app
from services.web.entrypoints.http import account, alerts, coordinator_imports, my_deliverables
from services.web.settings import WebSettings
from services.web.use_cases import directory_data, finding, planning, reporting, updating

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "gateway" / "schema.graphql"
DOCUMENTS = {
    "find services": finding.FIND_SERVICES,
    "plan": planning.PLAN,
    "plan deliverables": planning.PLAN_DELIVERABLES,
    "one deliverable": planning.ONE_DELIVERABLE,
    "deliverable with history": planning.DELIVERABLE_WITH_HISTORY,
    "rounds page": reporting.ROUNDS_PAGE,
    "one round": reporting.ONE_ROUND,
    "open round": reporting.OPEN_ROUND,
    "publish round": reporting.PUBLISH_ROUND,
    "export plan": reporting.EXPORT_PLAN,
    "update form": updating.FORM_DATA,
    "submit update": updating.SUBMIT_UPDATE,
    "open round name": updating.OPEN_ROUND_NAME,
    "update status": my_deliverables.UPDATE_STATUS,
    "sign in": account.SIGN_IN,
    "subscribe": alerts.SUBSCRIBE,
    "confirm": alerts.CONFIRM,
    "unsubscribe": alerts.UNSUBSCRIBE,
    "one entry": directory_data.ONE_ENTRY,
    "form choices": directory_data.FORM_CHOICES,
    "manage page": directory_data.MANAGE_PAGE,
    "create service": directory_data.CREATE_SERVICE,
    "update service": directory_data.UPDATE_SERVICE,
    "withdraw service": directory_data.WITHDRAW_SERVICE,
    "mark reviewed": directory_data.MARK_REVIEWED,
    "suggest": directory_data.SUGGEST,
    "suggestions": directory_data.SUGGESTIONS,
    "resolve": directory_data.RESOLVE,
    "import directory": coordinator_imports.IMPORT_DIRECTORY,
    "export directory": coordinator_imports.EXPORT_DIRECTORY,
    "import plan": coordinator_imports.IMPORT_PLAN,
}


@pytest.fixture(scope="module")
def gateway_schema() -> GraphQLSchema:
    text = SCHEMA_FILE.read_text()
    if "openRound" not in text or "facets" not in text:
        pytest.skip(
            "the gateway's schema.graphql has no rounds/facets yet (contracts.md additions)"
        )
    return build_schema(text)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_document_the_pages_send_is_valid_for_the_gateway_schema(
    gateway_schema: GraphQLSchema, name: str
) -> None:
    errors = validate(gateway_schema, parse(DOCUMENTS[name]))
    assert not errors, f"{name}: {[e.message for e in errors]}"


class _Recorder(BaseHTTPRequestHandler):
    """A stand-in gateway that keeps each request's headers and answers NOT_FOUND."""

    seen: list[dict[str, str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        _Recorder.seen.append(dict(self.headers.items()))
        body = json.dumps(
            {
                "data": None,
                "errors": [{"message": "No such thing.", "extensions": {"code": "NOT_FOUND"}}],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def recording_gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/graphql"
    finally:
        server.shutdown()
        server.server_close()


def test_gateway_calls_name_the_visitor_in_x_forwarded_for(recording_gateway: str) -> None:
    settings = WebSettings(gateway_url=recording_gateway)
    app = create_app(settings)
    with TestClient(app, base_url="https://testserver", client=("203.0.113.7", 50000)) as client:
        page = client.get("/plan/deliverables/5")

    assert page.status_code == 404
    assert _Recorder.seen, "the page should have asked the gateway"
    assert all(h.get("X-Forwarded-For") == "203.0.113.7" for h in _Recorder.seen)
