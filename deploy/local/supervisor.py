"""Test and bench harness: start parts in stages, wait until each is ready, stop and restart them.

Tests and ``bench/`` drive it call by call (kill the broker, start it again). `make run` uses
``deploy.local.keeper`` instead, which restarts what dies and handles signals on asyncio.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import httpx

from deploy.local.processes import ProcessSpec

COLOURS = ("36", "33", "32", "35", "34", "31")
PR_SET_PDEATHSIG = 1


class ProcessFailedToStart(RuntimeError):
    """A process exited or never became ready; the message carries the end of its output."""


def die_with_parent() -> None:
    """In the child, before exec: Linux sends it SIGTERM if the supervisor dies, however it dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def is_healthy(url: str) -> bool:
    try:
        response = httpx.get(url, timeout=2.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200  # /health/ready: 503 until its checks pass


def is_ready(spec: ProcessSpec) -> bool:
    if spec.health_url:
        return is_healthy(spec.health_url)
    return port_is_open(spec.ready_port)


class Supervisor:
    """Runs ``ProcessSpec``s as children; output goes prefixed to ``out`` or to log files."""

    def __init__(
        self,
        specs: Iterable[ProcessSpec],
        *,
        log_dir: Path | None = None,
        out: IO[str] = sys.stdout,
        ready_timeout: float = 90.0,
    ) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.log_dir = log_dir
        self.out = out
        self.ready_timeout = ready_timeout
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._write_lock = threading.Lock()

    def start_all(self) -> None:
        """Start stage by stage; a stage's processes start together and must all become ready."""
        for stage in sorted({spec.stage for spec in self.specs.values()}):
            names = [name for name, spec in self.specs.items() if spec.stage == stage]
            for name in names:
                self._spawn(name)
            for name in names:
                self.wait_until_ready(name)

    def start(self, name: str) -> None:
        self._spawn(name)
        self.wait_until_ready(name)

    def wait_until_ready(self, name: str) -> None:
        spec, process = self.specs[name], self.processes[name]
        deadline = time.monotonic() + self.ready_timeout
        while not is_ready(spec):
            if process.poll() is not None:
                raise ProcessFailedToStart(self._failure(name, f"exited with {process.returncode}"))
            if time.monotonic() > deadline:
                raise ProcessFailedToStart(self._failure(name, "was not ready in time"))
            time.sleep(0.1)

    def stop(self, name: str, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds."""
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def kill(self, name: str) -> None:
        """SIGKILL the process group at once, as a crash would; wait until it is gone."""
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)

    def log_path(self, name: str) -> Path | None:
        return self.log_dir / f"{name}.log" if self.log_dir else None

    def _spawn(self, name: str) -> None:
        spec = self.specs[name]
        env = {**spec.env, "PYTHONUNBUFFERED": "1"}
        log_path = self.log_path(name)
        # Each child gets its own session: Ctrl-C reaches only us, and we stop them in order.
        options: dict[str, Any] = {
            "env": env,
            "stderr": subprocess.STDOUT,
            "start_new_session": True,
            "preexec_fn": die_with_parent,
        }
        if log_path is not None:
            with log_path.open("ab") as log:
                process = subprocess.Popen(spec.argv, stdout=log, **options)
        else:
            process = subprocess.Popen(spec.argv, stdout=subprocess.PIPE, **options)
            threading.Thread(target=self._pump, args=(name, process), daemon=True).start()
        self.processes[name] = process

    def _pump(self, name: str, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        index = list(self.specs).index(name) % len(COLOURS)
        prefix = f"{name:<13}| "
        if self.out.isatty():
            prefix = f"\033[{COLOURS[index]}m{prefix}\033[0m"
        for raw in process.stdout:
            with self._write_lock:
                self.out.write(prefix + raw.decode(errors="replace"))
                self.out.flush()

    def _failure(self, name: str, what: str) -> str:
        log_path = self.log_path(name)
        tail = ""
        if log_path is not None and log_path.exists():
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])
        return f"{name} {what}\n{tail}".rstrip()
