"""A stop is bounded: a shutdown step that hangs is abandoned after its bound, and said."""

from __future__ import annotations

import asyncio
import time

from structlog.testing import capture_logs

from services.notifications.entrypoints.running import _within


async def test_a_shutdown_step_that_hangs_is_abandoned_after_its_bound() -> None:
    never = asyncio.Event()
    started = time.monotonic()
    with capture_logs() as logs:
        await _within(0.2, "consumer", never.wait())
    assert time.monotonic() - started < 2
    assert {"event": "shutdown_step_abandoned", "step": "consumer", "after_seconds": 0.2} in [
        {k: v for k, v in line.items() if k != "log_level"} for line in logs
    ]


async def test_a_shutdown_step_that_fails_does_not_stop_the_rest() -> None:
    async def broken() -> None:
        raise RuntimeError("broker gone")

    with capture_logs() as logs:
        await _within(1.0, "consumer", broken())
    assert any(line["event"] == "shutdown_step_failed" for line in logs)
