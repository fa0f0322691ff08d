"""Stand-ins for the directory and notifications services (see fake_services.py for the idea)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse

from services.gateway.tests.fake_services import AREAS, Recorder, _recording_app
from shared.http import error_body, require_identity
from shared.identity import Identity

# The manage token whose holder follows MANAGED_ALERTS (any other token is refused).
MANAGE_TOKEN = "good-manage-token"
# What that holder follows: 12 deliverables (one unknown), 4 services, every area, and an aim.
MANAGED_ALERTS = (
    [("deliverable", str(n)) for n in (*range(1, 12), 999)]
    + [("service", str(n)) for n in (1, 2, 3, 3)]
    + [("local_authority", code) for code in AREAS]
    + [("aim", "2")]
)
# Ids the fake answers badly: an unhandled error (500) and a body missing its fields.
BROKEN_SERVICE_ID = 666
MALFORMED_SERVICE_ID = 667


def make_service(service_id: int, area: str, service_type: str) -> dict[str, Any]:
    return {
        "id": service_id,
        "name": f"{AREAS[area]} {service_type} service",
        "description": "Sample entry.",
        "organisation": {"id": 1, "name": f"{AREAS[area]} Justice Social Work"},
        "local_authorities": [area],
        "service_types": [service_type],
        "status": "active",
        "courts": [f"{AREAS[area]} Sheriff Court"],
        "referral_routes": ["Criminal Justice Social Work Report"],
        "eligibility": "Adults aged 16+",
        "contact_email": f"referrals@{area}.example",
        "phone": "01000 000000",
        "is_sample": True,
        "last_reviewed_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00",
    }


def directory_app(recorder: Recorder) -> FastAPI:
    app = _recording_app(recorder, "directory")
    types = ["cpo-unpaid-work", "dtto", "womens-services"]
    services: dict[int, dict[str, Any]] = {}

    def reset() -> None:
        pairs = [(area, kind) for area in AREAS for kind in types]
        services.clear()
        services.update({i + 1: make_service(i + 1, a, k) for i, (a, k) in enumerate(pairs)})

    reset()
    recorder.resets.append(reset)

    @app.get("/local-authorities")
    def areas() -> list[dict[str, Any]]:
        return [{"code": c, "name": n, "partnership": f"{n} CJP"} for c, n in AREAS.items()]

    @app.get("/service-types")
    def service_types() -> list[dict[str, Any]]:
        return [{"code": t, "name": t.replace("-", " ").title()} for t in types]

    @app.get("/services")
    def list_services(
        local_authority: str | None = None,
        service_type: str | None = None,
        q: str | None = None,
        court: str | None = None,
        facets: bool = False,
        limit: int = 20,
        offset: int = 0,
    ) -> dict[str, Any]:
        items = list(services.values())
        if local_authority:
            items = [s for s in items if local_authority in s["local_authorities"]]
        if service_type:
            items = [s for s in items if service_type in s["service_types"]]
        if q:
            items = [s for s in items if q.lower() in s["name"].lower()]
        if court:
            items = [s for s in items if court in s["courts"]]
        page = {"items": items[offset : offset + limit], "total": len(items)}
        return {**page, "facets": _type_facet(items) if facets else {}}

    @app.get("/services/by-ids", response_model=None)
    def by_ids(ids: str) -> list[dict[str, Any]]:
        found = []
        for service_id in (int(part) for part in ids.split(",") if part.isdigit()):
            if service_id == BROKEN_SERVICE_ID:
                raise RuntimeError("database at postgresql://internal-host/directory is on fire")
            if service_id == MALFORMED_SERVICE_ID:
                found.append({"id": service_id})
            elif service_id in services:
                found.append(services[service_id])
        return found

    @app.get("/services/{service_id}", response_model=None)
    def one(service_id: int) -> dict[str, Any] | JSONResponse:
        if service_id == BROKEN_SERVICE_ID:
            raise RuntimeError("database at postgresql://internal-host/directory is on fire")
        if service_id == MALFORMED_SERVICE_ID:
            return {"id": service_id}
        if service_id not in services:
            return JSONResponse(error_body("NOT_FOUND", f"No service {service_id}."), 404)
        return services[service_id]

    @app.patch("/services/{service_id}", response_model=None)
    def change(
        service_id: int, body: dict[str, Any], identity: Identity = Depends(require_identity)
    ) -> dict[str, Any] | JSONResponse:
        recorder.identities.append(identity.subject)
        if service_id not in services:
            return JSONResponse(error_body("NOT_FOUND", f"No service {service_id}."), 404)
        recorder.writes.append((f"service:{service_id}", body))
        services[service_id] = {**services[service_id], **body}
        return services[service_id]

    return app


def _type_facet(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    counts: dict[str, int] = {}
    for item in items:
        for kind in item["service_types"]:
            counts[kind] = counts.get(kind, 0) + 1
    values = [
        {"value": k, "name": k.replace("-", " ").title(), "count": n} for k, n in counts.items()
    ]
    return {"service_type": values}


def notifications_app(recorder: Recorder) -> FastAPI:
    app = _recording_app(recorder, "notifications")

    @app.post("/subscriptions", status_code=202)
    def subscribe(body: dict[str, Any]) -> dict[str, str]:
        recorder.writes.append(("subscription", body))
        return {"status": "pending_confirmation"}

    @app.post("/subscriptions/confirm", response_model=None)
    def confirm(body: dict[str, Any]) -> dict[str, str] | JSONResponse:
        if body.get("token") != "good-token":
            expired = error_body("BAD_USER_INPUT", "That link has expired.", "token")
            return JSONResponse(expired, 422)
        return {"status": "confirmed"}

    @app.post("/subscriptions/mine", response_model=None)
    def mine(body: dict[str, Any]) -> dict[str, Any] | JSONResponse:
        if body.get("token") != MANAGE_TOKEN:
            refused = error_body("BAD_USER_INPUT", "This link has expired.", "token")
            return JSONResponse(refused, 422)
        items = [
            {
                "id": i + 1,
                "target": {"kind": kind, "value": value},
                "frequency": "weekly" if kind == "aim" else "immediately",
                "transition": "any",
                "status": "confirmed",
                "confirmed": True,
            }
            for i, (kind, value) in enumerate(MANAGED_ALERTS)
        ]
        return {"items": items}

    @app.post("/subscriptions/unsubscribe")
    def unsubscribe(body: dict[str, Any]) -> dict[str, str]:
        return {"status": "unsubscribed"}

    return app
