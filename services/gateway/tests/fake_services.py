"""Small stand-ins for the three services, faithful to docs/contracts.md, for gateway tests.

They verify the forwarded identity like the real services and record every request (to count
downstream calls). They do not enforce scope rules: the services decide who may change what, so
the permission table (test_permissions.py) runs against the real services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from shared.http import current_identity, error_body, install_http_basics, require_identity
from shared.identity import Identity
from shared.identity_replay import SeenInMemory

STATUS_LABELS = {
    "complete": "Complete",
    "in_progress": "In progress",
    "in_progress_revised": "In progress (with revised timescale)",
    "outstanding": "Outstanding",
}
ORGANISATIONS = {
    "scottish-government": "Scottish Government",
    "community-justice-scotland": "Community Justice Scotland",
    "police-scotland": "Police Scotland",
    "local-authorities": "Local authorities",
}
AREAS = {"fife": "Fife", "glasgow-city": "Glasgow City", "edinburgh": "City of Edinburgh"}


@dataclass
class Recorder:
    """What a fake saw: requests (method, path, query) and the identities forwarded."""

    requests: list[tuple[str, str, str]] = field(default_factory=list)
    identities: list[str | None] = field(default_factory=list)
    correlation_ids: list[str | None] = field(default_factory=list)
    writes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    resets: list[Callable[[], None]] = field(default_factory=list)

    def clear(self) -> None:
        """Forget what was seen and put the fake's data back as it started."""
        self.requests.clear()
        self.identities.clear()
        self.correlation_ids.clear()
        self.writes.clear()
        for reset in self.resets:
            reset()

    def count(self, path_prefix: str) -> int:
        return sum(1 for _m, path, _q in self.requests if path.startswith(path_prefix))


def _recording_app(recorder: Recorder, service: str) -> FastAPI:
    app = FastAPI()
    install_http_basics(app, identity_audience=service, seen_identities=SeenInMemory())

    @app.middleware("http")
    async def record(request: Request, call_next: Any) -> Any:
        recorder.requests.append((request.method, request.url.path, request.url.query))
        recorder.correlation_ids.append(request.headers.get("x-correlation-id"))
        return await call_next(request)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _lead_partners(number: int) -> list[str]:
    # 1-10 Scottish Government, 11-20 CJS, 21-30 Police, 31-40 SG + CJS, 41-50 local authorities
    if number <= 10:
        return ["scottish-government"]
    if number <= 20:
        return ["community-justice-scotland"]
    if number <= 30:
        return ["police-scotland"]
    if number <= 40:
        return ["scottish-government", "community-justice-scotland"]
    return ["local-authorities"]


def make_deliverable(number: int) -> dict[str, Any]:
    status = ["complete", "in_progress", "in_progress_revised", "outstanding"][number % 4]
    return {
        "number": number,
        "title": f"Deliverable {number} short title",
        "aim": (number - 1) // 13 + 1,
        "priority_action": (number - 1) // 5 + 1,
        "timescale": "2025-26",
        "due_date": "2026-03-31" if number % 2 else None,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "lead_partners": [{"slug": s, "name": ORGANISATIONS[s]} for s in _lead_partners(number)],
        "collaborators": [],
        "latest_update": f"Update on {number}" if number % 3 else None,
        "updated_at": "2026-01-01T00:00:00+00:00",
    }


def make_history(deliverable: dict[str, Any]) -> dict[str, Any]:
    """One status change and one round report, as ``GET /deliverables/history`` gives them."""
    number, status = deliverable["number"], deliverable["status"]
    return {
        "number": number, "title": deliverable["title"], "opened_round": 0,
        "closed_round": 2 if status == "complete" else None,
        "original_timescale": deliverable["timescale"], "timescale": deliverable["timescale"],
        "revisions": [],
        "status_changes": [{"round": 2, "old_status": "in_progress", "new_status": status,
                            "reason": f"Round 2 report on {number}", "changed_by": "sg-editor",
                            "changed_by_name": None, "changed_at": "2026-01-01T00:00:00+00:00"}],
        "rounds": [{"round": 2, "round_name": "Update 2", "status": status,
                    "status_label": STATUS_LABELS[status], "narrative": None,
                    "submitted_by": None, "submitted_at": "2026-01-01T00:00:00+00:00"}],
    }  # fmt: skip


def deliverables_app(recorder: Recorder) -> FastAPI:
    app = _recording_app(recorder, "deliverables")
    plan: dict[int, dict[str, Any]] = {}

    def reset() -> None:
        plan.clear()
        plan.update({number: make_deliverable(number) for number in range(1, 51)})

    reset()
    recorder.resets.append(reset)

    @app.get("/aims")
    def aims() -> list[dict[str, Any]]:
        return [
            {"number": n, "title": f"Aim {n}", "priority_actions": [{"number": n, "title": "PA"}]}
            for n in range(1, 5)
        ]

    @app.get("/organisations")
    def organisations() -> list[dict[str, Any]]:
        return [{"slug": s, "name": n, "aliases": []} for s, n in ORGANISATIONS.items()]

    @app.get("/deliverables")
    def list_deliverables(
        status: str | None = None,
        aim: int | None = None,
        lead_partner: str | None = None,
        numbers: str | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
        identity: Identity | None = Depends(current_identity),
    ) -> dict[str, Any]:
        recorder.identities.append(identity.subject if identity else None)
        items = list(plan.values())
        if numbers:
            wanted = {int(n) for n in numbers.split(",")}
            items = [d for d in items if d["number"] in wanted]
        if status:
            items = [d for d in items if d["status"] == status]
        if aim:
            items = [d for d in items if d["aim"] == aim]
        if lead_partner:
            items = [d for d in items if lead_partner in {p["slug"] for p in d["lead_partners"]}]
        if q:
            items = [d for d in items if q.lower() in d["title"].lower()]
        return {"items": items[offset : offset + limit], "total": len(items)}

    @app.get("/deliverables/history")
    def histories(numbers: str) -> list[dict[str, Any]]:
        wanted = sorted({int(n) for n in numbers.split(",")})
        return [make_history(plan[n]) for n in wanted if n in plan]

    @app.get("/deliverables/{number}", response_model=None)
    def one(number: int) -> dict[str, Any] | JSONResponse:
        if number not in plan:
            return JSONResponse(error_body("NOT_FOUND", f"No deliverable {number}."), 404)
        return plan[number]

    @app.post("/deliverables/{number}/status", response_model=None)
    def change(
        number: int, body: dict[str, Any], identity: Identity = Depends(require_identity)
    ) -> dict[str, Any] | JSONResponse:
        recorder.identities.append(identity.subject)
        if number not in plan:
            return JSONResponse(error_body("NOT_FOUND", f"No deliverable {number}."), 404)
        if body.get("status") not in STATUS_LABELS:
            return JSONResponse(error_body("BAD_USER_INPUT", "Unknown status.", "status"), 422)
        recorder.writes.append((f"deliverable:{number}", body))
        plan[number] = {**plan[number], "status": body["status"]}
        plan[number]["status_label"] = STATUS_LABELS[body["status"]]
        return plan[number]

    from services.gateway.tests.fake_rounds import add_round_routes

    add_round_routes(app, recorder, plan)
    return app
