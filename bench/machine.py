"""The machine a benchmark ran on, its raw limits, and where a JSON result goes."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model and load average: what the figures depend on."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo")
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if "MemTotal" in line), "0")
    return {
        "cores": os.cpu_count(), "cpu_model": cpu, "memory_gb": round(int(memory) / 1024**2, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(), "platform": platform.platform(),
    }  # fmt: skip


@dataclass(frozen=True)
class RawSmtp:
    """What plain aiosmtplib did against a sink: each send's time, and the whole run's."""

    send_ms: list[float]
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.send_ms) / self.seconds if self.seconds else 0.0


async def raw_smtp(
    port: int,
    message: bytes,
    *,
    messages: int,
    sessions: int = 1,
    session_per_message: bool = False,
) -> RawSmtp:
    """The machine's SMTP floor, the one way every benchmark measures it: pre-built ``message``
    bytes sent with plain aiosmtplib to the sink on ``port`` over ``sessions`` concurrent sessions
    (kept open, or a new one per message with ``session_per_message``). Each send is timed from
    just before it (or its connect) until the sink accepted it."""
    import aiosmtplib  # the benchmarks' own dependency, not every caller's

    remaining = list(range(messages))
    send_ms: list[float] = []

    async def connected() -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        return client

    async def session() -> None:
        client = None if session_per_message else await connected()
        try:
            while remaining:
                remaining.pop()
                started = time.perf_counter()
                sender = client or await connected()
                await sender.sendmail("bench@cjp.test", ["raw@bench.test"], message)
                if client is None:
                    await sender.quit()
                send_ms.append((time.perf_counter() - started) * 1000)
        finally:
            if client is not None:
                await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(session() for _ in range(sessions)))
    return RawSmtp(send_ms=send_ms, seconds=time.perf_counter() - started)


def process_ids(matching: str) -> list[int]:
    """Ids of the processes whose command line contains ``matching`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if matching in command:
                found.append(int(entry.name))
    return found


def _process_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _machine_cpu_seconds() -> tuple[float, float]:
    """(busy, all) CPU seconds of every core since boot, from /proc/stat."""
    values = [int(v) for v in _lines("/proc/stat")[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


class CpuMeter:
    """Where the machine's CPU went between ``start`` and ``stop``: per group of processes
    (seconds, and cores' worth over the wall time) and the share of every core that was busy.
    Shows whether a figure is bound by the cores themselves."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups
        self._began: tuple[float, dict[str, float], tuple[float, float]] | None = None

    def _used(self) -> dict[str, float]:
        return {name: sum(map(_process_cpu_seconds, pids)) for name, pids in self.groups.items()}

    def start(self) -> None:
        self._began = (time.perf_counter(), self._used(), _machine_cpu_seconds())

    def stop(self) -> dict[str, Any]:
        assert self._began is not None, "start() first"
        wall0, used0, (busy0, all0) = self._began
        wall = time.perf_counter() - wall0
        used = self._used()
        busy1, all1 = _machine_cpu_seconds()
        return {
            "wall_s": round(wall, 2),
            "machine_busy_share": round((busy1 - busy0) / max(all1 - all0, 1e-9), 2),
            "cores_used": {name: round((used[name] - used0[name]) / wall, 2) for name in used},
        }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def write_result(name: str, result: dict[str, Any]) -> Path:
    """``bench/results/<name>-<UTC time>.json``; prints where it went."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten to {path.relative_to(RESULTS.parent.parent)}")
    return path
