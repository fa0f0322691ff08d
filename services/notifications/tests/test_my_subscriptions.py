"""POST /subscriptions/mine: a manage token's holder reads what they receive (over real HTTP)."""

from __future__ import annotations

from services.notifications.adapters.tokens import LinkTokens, Purpose
from services.notifications.schemas import SubscribeRequest
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import confirmed, tokens_for
from services.notifications.tests.sinks import Broker, MailSink
from services.notifications.use_cases.subscribing import subscribe, unsubscribe


async def test_a_manage_token_lists_only_its_holders_live_subscriptions(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(database_url, mail)
    async with run_service(settings, broker.bootstrap) as service:
        engine = service.wiring.engine
        first = confirmed(engine, settings, "liv@example.org", "deliverable", "40")
        confirmed(
            engine,
            settings,
            "liv@example.org",
            "local_authority",
            "fife",
            frequency="weekly",
            transition="service_withdrawn",
        )
        ended = confirmed(engine, settings, "liv@example.org", "service", "17")
        unsubscribe(
            engine, tokens_for(settings), tokens_for(settings).issue(Purpose.UNSUBSCRIBE, ended)
        )
        pending = {"email": "liv@example.org", "target": {"kind": "all_deliverables"}}
        subscribe(engine, SubscribeRequest.model_validate(pending), settings)
        confirmed(engine, settings, "someone.else@example.org", "aim", "2")

        manage = service.wiring.tokens.issue(Purpose.MANAGE, 1)
        response = await service.http.post("/subscriptions/mine", json={"token": manage})

        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert [(i["target"]["kind"], i["target"]["value"]) for i in items] == [
            ("deliverable", "40"),
            ("local_authority", "fife"),
            ("all_deliverables", ""),
        ]
        assert items[0] == {
            "id": first,
            "target": {"kind": "deliverable", "value": "40"},
            "frequency": "immediately",
            "transition": "any",
            "status": "confirmed",
            "confirmed": True,
        }
        assert (items[1]["frequency"], items[1]["transition"]) == ("weekly", "service_withdrawn")
        assert (items[2]["status"], items[2]["confirmed"]) == ("pending_confirmation", False)
        unsubscribe_all = service.wiring.tokens.issue(Purpose.UNSUBSCRIBE_ALL, 1)
        refused = await service.http.post("/subscriptions/mine", json={"token": unsubscribe_all})
        assert refused.status_code == 422
        assert "not valid for this action" in refused.json()["error"]["message"]


async def test_forged_expired_or_other_purpose_tokens_are_refused_with_422(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    # Every link token this service signs is already past its age, so a real one reads as expired.
    settings = make_settings(database_url, mail, link_token_max_age_seconds=-1)
    async with run_service(settings, broker.bootstrap) as service:
        signed = service.wiring.tokens
        other_secret = LinkTokens(secret="other", confirm_max_age=9, link_max_age=9)
        refusals = {
            "forged": "not valid",
            signed.issue(Purpose.MANAGE, 1): "expired",
            other_secret.issue(Purpose.MANAGE, 1): "not valid",
        }
        for token, reason in refusals.items():
            response = await service.http.post("/subscriptions/mine", json={"token": token})
            assert response.status_code == 422, token
            error = response.json()["error"]
            assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "token")
            assert reason in error["message"]
