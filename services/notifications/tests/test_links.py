"""Signed links: one purpose each, expiry, and the manage page's buttons (over real HTTP)."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import Session, col, select

from services.notifications.adapters.tables import Subscription
from services.notifications.adapters.tokens import LinkTokens, Purpose
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import confirmed
from services.notifications.tests.sinks import Broker, MailSink
from shared.errors import BadUserInput


def test_a_token_works_only_for_its_purpose_and_until_it_expires() -> None:
    tokens = LinkTokens(secret="s", confirm_max_age=60, link_max_age=3600)
    confirm = tokens.issue(Purpose.CONFIRM, 7)
    assert tokens.read(confirm, allowed={Purpose.CONFIRM}).subject_id == 7
    with pytest.raises(BadUserInput, match="not valid for this action"):
        tokens.read(confirm, allowed={Purpose.UNSUBSCRIBE, Purpose.UNSUBSCRIBE_ALL})
    with pytest.raises(BadUserInput, match="not valid"):
        LinkTokens(secret="other", confirm_max_age=60, link_max_age=60).read(
            confirm, allowed={Purpose.CONFIRM}
        )
    expired = LinkTokens(secret="s", confirm_max_age=-1, link_max_age=3600)
    with pytest.raises(BadUserInput, match="expired"):
        expired.read(confirm, allowed={Purpose.CONFIRM})


def test_tokens_are_the_libraries_own_both_ways() -> None:
    """Written without the zlib attempt, a token is still exactly what itsdangerous writes: the
    plain library reads ours, and ours reads the library's (links already in inboxes keep working).
    """
    tokens = LinkTokens(secret="s", confirm_max_age=60, link_max_age=3600)
    library = URLSafeTimedSerializer("s", salt="cjp-notifications-links")
    for purpose in Purpose:
        for subject_id in (1, 7, 123_456_789):
            ours = tokens.issue(purpose, subject_id)
            assert library.loads(ours) == {"p": purpose.value, "id": subject_id}
            assert (
                ours.split(".")[0]
                == library.dumps({"p": purpose.value, "id": subject_id}).split(".")[0]
            )
            theirs = library.dumps({"p": purpose.value, "id": subject_id})
            assert tokens.read(theirs, allowed={purpose}).subject_id == subject_id


async def test_manage_page_lists_subscriptions_and_stops_them_all_by_post(
    sqlite_database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(sqlite_database_url, mail)
    async with run_service(settings, broker.bootstrap) as service:
        engine = service.wiring.engine
        confirmed(engine, settings, "mo@example.org", "deliverable", "40")
        confirmed(engine, settings, "mo@example.org", "local_authority", "fife", frequency="weekly")
        manage = service.wiring.tokens.issue(Purpose.MANAGE, 1)
        page = await service.http.get("/manage", params={"token": manage})
        assert page.status_code == 200
        assert "deliverable 40" in page.text and "support services in fife" in page.text
        actions = re.findall(r'action="([^"]+)"', page.text)
        assert len(actions) == 3  # one per subscription, then "stop all"
        assert _statuses(engine) == ["confirmed", "confirmed"]  # showing the page changed nothing
        stop_all = await service.http.post(actions[-1].replace("&amp;", "&"))
        assert stop_all.status_code == 200 and "unsubscribed" in stop_all.text
        assert _statuses(engine) == ["unsubscribed", "unsubscribed"]
        forged = await service.http.post("/subscriptions/unsubscribe", json={"token": "forged"})
        assert forged.status_code == 422
        assert forged.json()["error"]["code"] == "BAD_USER_INPUT"


def _statuses(engine: object) -> list[str]:
    with Session(engine) as session:  # type: ignore[arg-type]
        rows = session.exec(select(Subscription).order_by(col(Subscription.id)))
        return [row.status for row in rows]
