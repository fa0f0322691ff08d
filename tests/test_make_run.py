"""`make run` itself: everything starts, the addresses are printed, a part that dies is restarted,
and Ctrl-C (twice, impatiently) stops every process and frees every port."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

import httpx
import pytest

from deploy.local.supervisor import port_is_open
from tests.e2e.system import free_ports

pytestmark = pytest.mark.e2e


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def is_alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" not in status.read_text()
    except OSError:
        return False


def forward_lines(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)


def read_until(lines: queue.Queue[str], marker: str, timeout: float) -> str:
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while not any(marker in line for line in seen):
        assert time.monotonic() < deadline, "".join(seen[-40:])
        try:
            seen.append(lines.get(timeout=1.0))
        except queue.Empty:
            continue
    return "".join(seen)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_make_run_starts_everything_restarts_a_dead_part_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    ports = free_ports()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CJP_")}
    env |= {f"CJP_{name.upper()}_PORT": str(port) for name, port in asdict(ports).items()}
    env["CJP_DATA_DIR"] = str(tmp_path)
    run = subprocess.Popen(
        [sys.executable, "-m", "deploy.local.run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=forward_lines, args=(run, lines), daemon=True).start()
    try:
        output = read_until(lines, "sheriff@cjp.test", timeout=120)  # the banner's last line
        children = children_of(run.pid)
        answer = httpx.post(
            f"http://127.0.0.1:{ports.gateway}/graphql",
            json={"query": "{ deliverable(number: 40) { number statusLabel } }"},
        ).json()

        assert f"http://127.0.0.1:{ports.gateway}/graphql" in output
        assert f"127.0.0.1:{ports.broker}" in output and f"127.0.0.1:{ports.mailsink}" in output
        assert str(tmp_path / "mail") in output and "cjs.editor@cjp.test" in output
        assert answer["data"]["deliverable"]["number"] == 40
        assert len(children) >= 6  # broker, mail sink, three services, gateway (and web)

        broker = next(pid for pid in children if "tansu" in _cmdline(pid))
        os.kill(broker, signal.SIGKILL)
        restarted = read_until(lines, "broker       | restarted", timeout=60)
        assert "broker       | exited with code -9; restart 1 in 1 s" in restarted
        assert port_is_open(ports.broker)

        run.send_signal(signal.SIGINT)
        time.sleep(0.2)
        run.send_signal(signal.SIGINT)  # impatient: the second one kills what is left
        assert run.wait(timeout=15) == 0
    finally:
        if run.poll() is None:
            run.kill()
    assert not [pid for pid in children if is_alive(pid)]
    assert not [port for port in asdict(ports).values() if port_is_open(port)]
    assert (tmp_path / "deliverables.db").is_file()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
