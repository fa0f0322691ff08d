"""`make run`'s keeper as a real process: signals, once or many times, and a part that dies.

The parts are small Python servers on free ports, so each case takes seconds; the real system
under `make run` is covered by tests/test_make_run.py.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict

import pytest

from deploy.local.processes import ProcessSpec
from deploy.local.supervisor import port_is_open
from tests.e2e.system import free_ports
from tests.test_make_run import children_of, forward_lines, is_alive, read_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

GRACE_SECONDS = 2.0
SERVER = (
    "import signal, socket, sys, time\n"
    "if sys.argv[2] == 'stubborn': signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); print('listening', flush=True)\n"
    "time.sleep(600)\n"
)
KEEPER = """
import asyncio, json, sys
from deploy.local.keeper import Keeper, KeeperPolicy, run
from deploy.local.processes import ProcessSpec
specs = [ProcessSpec(**spec) for spec in json.loads(sys.argv[1])]
policy = KeeperPolicy(ready_timeout=20, first_backoff=0.2, grace=GRACE)
raise SystemExit(asyncio.run(run(Keeper(specs, policy=policy), "ALL READY\\n")))
""".replace("GRACE", str(GRACE_SECONDS))


def _server(name: str, port: int, stage: int, manner: str = "polite") -> ProcessSpec:
    argv = [sys.executable, "-c", SERVER, str(port), manner]
    return ProcessSpec(name, argv, {}, stage, port)


class KeptSystem:
    """A keeper process over three servers (one ignores SIGTERM); its output as lines."""

    def __init__(self) -> None:
        ports = asdict(free_ports())
        self.ports = [ports["broker"], ports["deliverables"], ports["gateway"]]
        specs = [
            _server("first", self.ports[0], 0),
            _server("stubborn", self.ports[1], 1, "stubborn"),
            _server("last", self.ports[2], 2),
        ]
        argv = [sys.executable, "-c", KEEPER, json.dumps([asdict(spec) for spec in specs])]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=forward_lines, args=(self.process, self.lines), daemon=True).start()
        self.output = read_until(self.lines, "ALL READY", timeout=30)
        self.children = children_of(self.process.pid)

    def read_until(self, marker: str, timeout: float = 15) -> str:
        self.output += read_until(self.lines, marker, timeout)
        return self.output

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.mark.parametrize(
    "signals",
    [
        [signal.SIGINT],
        [signal.SIGTERM],
        [signal.SIGINT, signal.SIGINT],
        [signal.SIGTERM, signal.SIGINT, signal.SIGTERM, signal.SIGINT],
    ],
    ids=["ctrl-c", "sigterm", "ctrl-c twice", "four signals"],
)
def test_any_number_of_signals_stops_every_part_within_seconds(
    signals: list[signal.Signals],
) -> None:
    kept = KeptSystem()
    try:
        assert len(kept.children) == 3 and all(port_is_open(port) for port in kept.ports)
        began = time.monotonic()
        for signum in signals:
            kept.process.send_signal(signum)
            time.sleep(0.05)
        code = kept.process.wait(timeout=GRACE_SECONDS + 8)
        took = time.monotonic() - began
    finally:
        kept.close()
    assert code == 0
    # One signal waits out the stubborn part's grace; a second one kills at once.
    assert took < (GRACE_SECONDS + 3 if len(signals) == 1 else GRACE_SECONDS)
    assert not [pid for pid in kept.children if is_alive(pid)]
    assert not [port for port in kept.ports if port_is_open(port)]


def test_a_part_that_dies_is_restarted_and_the_terminal_says_so() -> None:
    kept = KeptSystem()
    try:
        first_pid = kept.children[0]
        for attempt in (1, 2):
            parts = children_of(kept.process.pid)
            victim = next(pid for pid in parts if _argv_port(pid) == kept.ports[0])
            os.kill(victim, signal.SIGKILL)
            output = kept.read_until(f"restart {attempt} in")
            kept.read_until("restarted (pid", timeout=15)
            assert port_is_open(kept.ports[0])
        assert "first        | exited with code -9; restart 1 in 0.2 s" in output
        assert "restart 2 in 0.4 s" in output  # backoff doubles while it keeps dying
        assert first_pid not in children_of(kept.process.pid)
        assert all(port_is_open(port) for port in kept.ports[1:])  # the others ran on
        kept.process.send_signal(signal.SIGINT)
        assert kept.process.wait(timeout=GRACE_SECONDS + 8) == 0
    finally:
        kept.close()
    assert not [port for port in kept.ports if port_is_open(port)]


def _argv_port(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            argv = cmdline.read().split(b"\0")
    except OSError:
        return None
    return int(argv[3]) if len(argv) > 3 and argv[3].isdigit() else None
