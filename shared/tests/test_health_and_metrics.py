"""The shared health routes and metrics, on a real SQLite database with a real outbox table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from shared.db import make_engine
from shared.events import EventEnvelope
from shared.health import database_check, engine_in_state, install_health
from shared.metrics import install_metrics, install_outbox_metrics
from shared.outbox import OutboxMessage, OutboxState, add_to_outbox


def sample(scrape: str, name: str, **labels: str) -> float:
    for line in scrape.splitlines():
        if line.startswith((name + "{", name + " ")) and all(
            f'{key}="{value}"' in line for key, value in labels.items()
        ):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def build_app(url: str) -> FastAPI:
    app = FastAPI()
    app.state.engine = make_engine(url)
    SQLModel.metadata.tables["outbox_message"].create(app.state.engine)
    install_metrics(app, service="probe")
    install_outbox_metrics(app, service="probe")
    install_health(app, {"database": database_check(engine_in_state)})

    @app.get("/items/{item_id}")
    def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    return app


def test_ready_checks_the_database_and_says_what_is_wrong(tmp_path: Path) -> None:
    app = build_app(f"sqlite:///{tmp_path / 'probe.db'}")
    with TestClient(app) as client:
        assert client.get("/health/live").json() == {"status": "ok"}
        assert client.get("/health").json() == {"status": "ok"}
        ready = client.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}
        app.state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
        gone = client.get("/health/ready")
        assert client.get("/health/live").status_code == 200  # alive: no restart for this
    assert gone.status_code == 503
    assert gone.json()["status"] == "not_ready"
    assert "OperationalError" in gone.json()["checks"]["database"]


def test_requests_are_measured_by_route_template_and_the_outbox_backlog_is_reported(
    tmp_path: Path,
) -> None:
    app = build_app(f"sqlite:///{tmp_path / 'probe.db'}")
    with Session(app.state.engine) as session:
        for number in (1, 2, 3):
            add_to_outbox(session, _event(number), topic="t")
        session.commit()
        oldest = session.get(OutboxMessage, 1)
        assert oldest is not None
        oldest.created_at = datetime.now(UTC) - timedelta(minutes=10)
        published = session.get(OutboxMessage, 3)
        assert published is not None
        published.published_at = datetime.now(UTC)
        published.state = OutboxState.PUBLISHED
        session.add_all([oldest, published])
        session.commit()
    with TestClient(app) as client:
        before = client.get("/metrics").text
        for item in (1, 2, 99):
            client.get(f"/items/{item}")
        client.get("/items/not-a-number")
        scrape = client.get("/metrics").text
        proxied = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})

    def served(status: str) -> float:
        labels = {"service": "probe", "route": "/items/{item_id}", "status": status}
        name = "cjp_http_request_duration_seconds_count"
        return sample(scrape, name, **labels) - sample(before, name, **labels)

    assert served("2xx") == 3 and served("4xx") == 1
    assert 'route="/items/1"' not in scrape  # raw paths would explode the series count
    assert sample(scrape, "cjp_outbox_pending_rows", service="probe") == 2
    age = sample(scrape, "cjp_outbox_oldest_unpublished_age_seconds", service="probe")
    assert 600 <= age < 700
    assert sample(scrape, "cjp_outbox_unread_rows", service="probe") == 1  # row 3, not read back
    unread_age = sample(scrape, "cjp_outbox_oldest_unread_age_seconds", service="probe")
    assert 0 <= unread_age < 60
    assert proxied.status_code == 404  # scraped inside the cluster, never through an ingress


def _event(number: int) -> EventEnvelope:
    return EventEnvelope(event_type="Probed", source="probe", aggregate_id=str(number))
