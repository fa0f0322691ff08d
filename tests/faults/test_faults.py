"""The fault-injection suite, short version: the whole system on PostgreSQL, two replicas each.

The full version (`make faults`, `bench/faults.py`) runs the issue's sizes and prints the table;
this one runs the same scenarios smaller, bounded to about three minutes, and fails when a figure
misses its bound. The system's databases live on a private PostgreSQL cluster it starts itself
(``tests/private_postgres.py``), so PostgreSQL can be crashed mid-run without touching the
machine's shared one; without initdb/pg_ctl that test skips, naming why (CI fails it instead).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from conftest import postgres_admin_url
from tests.e2e.gateway import Gateway
from tests.faults import scenarios
from tests.faults.system import FaultSystem, fault_system
from tests.private_postgres import require_private_postgres

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(420)]
FIGURES: list[scenarios.Figure] = []


def _postgres_reachable() -> bool:
    from sqlalchemy import create_engine, text

    try:
        with create_engine(postgres_admin_url()).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@pytest.fixture(scope="module")
def system() -> Iterator[FaultSystem]:
    if not _postgres_reachable():
        pytest.skip("the fault suite runs on PostgreSQL; none reachable (CJP_TEST_POSTGRES_URL)")
    with (
        tempfile.TemporaryDirectory(prefix="cjp-faults-") as folder,
        fault_system(Path(folder)) as running,
    ):
        yield running
    print("\n| scenario | measured | holds | bound |\n| --- | --- | --- | --- |")
    for figure in FIGURES:
        print(figure.row())


@pytest.fixture(scope="module")
async def gateways(system: FaultSystem) -> AsyncIterator[tuple[Gateway, Gateway]]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield Gateway(http, system.graphql_url(1)), Gateway(http, system.graphql_url(2))


def _record(figures: list[scenarios.Figure]) -> None:
    FIGURES.extend(figures)
    failed = [figure.row() for figure in figures if not figure.holds]
    assert not failed, "\n".join(failed)


async def test_poison_messages_are_set_aside_and_the_consumer_carries_on(
    system: FaultSystem, gateways: tuple[Gateway, Gateway]
) -> None:
    _record(await scenarios.poison_messages(system, gateways[0]))


async def test_a_line_break_in_a_name_holds_back_no_other_email(
    system: FaultSystem, gateways: tuple[Gateway, Gateway]
) -> None:
    _record(await scenarios.line_break_in_a_name(system, gateways[0], waiting=10))


async def test_mail_flows_again_soon_after_an_smtp_outage(
    system: FaultSystem, gateways: tuple[Gateway, Gateway]
) -> None:
    _record(await scenarios.smtp_outage(system, gateways[0], outage=5, changes=10))


async def test_one_replica_of_each_service_dies_and_the_other_carries_on(
    system: FaultSystem, gateways: tuple[Gateway, Gateway]
) -> None:
    _record(await scenarios.one_replica_of_each_killed(system, gateways[1], changes=10))


async def test_postgres_crashes_mid_run_and_the_services_recover_without_a_restart(
    system: FaultSystem, gateways: tuple[Gateway, Gateway]
) -> None:
    if system.postgres is None:
        require_private_postgres()  # skips (or fails in CI) with the reason
    _record(await scenarios.postgres_restart(system, gateways[0], 30, mode="immediate", down=3.0))


async def test_the_broker_forgets_and_nothing_is_lost_or_sent_twice(
    system: FaultSystem, gateways: tuple[Gateway, Gateway]
) -> None:
    # Both required: a redelivered event never sends a second email, and every acknowledged
    # change is emailed within the window (Tansu's acknowledged-but-hidden records are read back
    # and published again by the relay: shared/outbox_readback.py).
    _record(await scenarios.broker_forgets(system, gateways[0], changes=40))


async def test_the_next_email_after_the_broker_returns_is_quick_on_every_topic(
    system: FaultSystem, gateways: tuple[Gateway, Gateway]
) -> None:
    figures = await scenarios.next_email_after_broker_returns(system, gateways[0], patience=30)
    FIGURES.extend(figures)
    missed = [figure.row() for figure in figures if not figure.holds]
    # Required since the relay sends to each partition side by side and copies of handled events
    # are answered cheaply (it was reported XFAIL while a replay held the next change back).
    assert not missed, missed
