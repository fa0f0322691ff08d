"""Reporting rounds, revisions and plan documents on the fake deliverables service.

Like the other fakes it checks the forwarded identity and records writes. Its coordinator-only
reads refuse others with 403, as the real service does, so tests see the refusal passed through;
the permission table runs on the real services.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse

from services.gateway.tests.fake_services import STATUS_LABELS, Recorder
from shared.http import error_body, require_identity
from shared.identity import Identity, Role

OPENED_AT = "2026-04-01T09:00:00+00:00"


def add_round_routes(app: FastAPI, recorder: Recorder, plan: dict[int, dict[str, Any]]) -> None:
    rounds: dict[int, dict[str, Any]] = {}

    def reset() -> None:
        rounds.clear()
        rounds[3] = _round(3, "Update 3", "open")

    reset()
    recorder.resets.append(reset)

    def write(kind: str, body: dict[str, Any], identity: Identity) -> None:
        recorder.identities.append(identity.subject)
        recorder.writes.append((kind, body))

    @app.get("/rounds")
    def list_rounds() -> list[dict[str, Any]]:
        return list(rounds.values())

    @app.post("/rounds", status_code=201)
    def open_round(body: dict[str, Any], identity: Identity = Depends(require_identity)) -> Any:
        write("round:open", body, identity)
        number = max(rounds) + 1
        rounds[number] = _round(number, body["name"], "open")
        return rounds[number]

    @app.post("/rounds/{number}/publish")
    def publish(number: int, identity: Identity = Depends(require_identity)) -> Any:
        write(f"round:{number}:publish", {}, identity)
        rounds[number] = {**rounds[number], "state": "published", "published_at": OPENED_AT}
        return rounds[number]

    @app.get("/rounds/{number}/review")
    def review(number: int, identity: Identity = Depends(require_identity)) -> Any:
        recorder.identities.append(identity.subject)
        if identity.role is not Role.COORDINATOR:
            return _coordinators_only()
        return {"round": rounds[number], "missing_updates": [1, 2], "overdue": [2],
                "revised_without_revision": []}  # fmt: skip

    @app.put("/rounds/{number}/deliverables/{deliverable}")
    def submit(
        number: int,
        deliverable: int,
        body: dict[str, Any],
        identity: Identity = Depends(require_identity),
    ) -> Any:
        write(f"round:{number}:deliverable:{deliverable}", body, identity)
        plan[deliverable] = {**plan[deliverable], "status": body["status"],
                             "status_label": STATUS_LABELS[body["status"]],
                             "latest_update": body["narrative"]}  # fmt: skip
        return plan[deliverable]

    @app.post("/deliverables/{number}/timescale")
    def revise(
        number: int, body: dict[str, Any], identity: Identity = Depends(require_identity)
    ) -> Any:
        write(f"deliverable:{number}:timescale", body, identity)
        plan[number] = {**plan[number], "timescale": body["timescale"]}
        return plan[number]

    @app.post("/plan/import")
    def import_plan(body: dict[str, Any], identity: Identity = Depends(require_identity)) -> Any:
        write("plan:import", {"bytes": len(body["document"])}, identity)
        return {"round_number": 2, "round_name": "Update 2", "deliverables": 50,
                "changed": [7, 51], "added": [51], "seconds": 0.01}  # fmt: skip

    @app.get("/plan/export", response_model=None)
    def export(
        round: int, format: str, identity: Identity = Depends(require_identity)
    ) -> PlainTextResponse | JSONResponse:
        recorder.identities.append(identity.subject)
        if identity.role is not Role.COORDINATOR:
            return _coordinators_only()
        if round not in rounds:
            return JSONResponse(error_body("NOT_FOUND", f"No round {round}.", "round"), 404)
        return PlainTextResponse(f"# Update {round} ({format})\n\n#### No 1\n")


def _round(number: int, name: str, state: str) -> dict[str, Any]:
    return {"number": number, "name": name, "period_covered": None, "state": state,
            "opened_at": OPENED_AT, "published_at": None}  # fmt: skip


def _coordinators_only() -> JSONResponse:
    return JSONResponse(error_body("FORBIDDEN", "Only a coordinator may do this."), 403)
