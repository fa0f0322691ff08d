"""`make run`'s process keeper on asyncio: start in stages, restart what dies, stop on a signal.

- A part that exits is restarted after a backoff (1 s, doubling to ``max_backoff``; reset once it
  has stayed up for ``stable_after`` seconds), and the terminal says so.
- SIGINT or SIGTERM (``loop.add_signal_handler``: the handler only sets an ``asyncio.Event`` in
  the loop, never a lock) stops every part: SIGTERM to each process group, SIGKILL after
  ``grace`` seconds. A second signal kills at once. Nothing waits without a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from deploy.local.processes import ProcessSpec
from deploy.local.supervisor import COLOURS, ProcessFailedToStart, die_with_parent, is_ready

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass(frozen=True)
class KeeperPolicy:
    """How long to wait, and how patiently to restart."""

    ready_timeout: float = 90.0
    first_backoff: float = 1.0
    max_backoff: float = 30.0
    stable_after: float = 60.0
    grace: float = 5.0


@dataclass
class Part:
    """One kept process and its restart history."""

    spec: ProcessSpec
    colour: str
    process: asyncio.subprocess.Process | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = 0.0
    pumps: set[asyncio.Task[None]] = field(default_factory=set)


class Keeper:
    """Runs ``ProcessSpec``s as children until asked to stop; prints their output, prefixed."""

    def __init__(
        self,
        specs: Iterable[ProcessSpec],
        *,
        out: IO[str] = sys.stdout,
        policy: KeeperPolicy | None = None,
    ) -> None:
        self.parts = {
            spec.name: Part(spec, COLOURS[index % len(COLOURS)]) for index, spec in enumerate(specs)
        }
        self.out = out
        self.policy = policy or KeeperPolicy()
        self.stopping = asyncio.Event()
        self.signals = 0

    def on_signal(self, signum: int) -> None:
        """Runs in the loop (``add_signal_handler``): the first stops, the second kills."""
        self.signals += 1
        self.say("keeper", f"{signal.Signals(signum).name}: stopping every part")
        self.stopping.set()
        if self.signals > 1:
            self.kill_all()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, self.on_signal, signum)

    def ignore_signals(self) -> None:
        """Once every part has stopped, later signals have nothing left to stop."""
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
            signal.signal(signum, signal.SIG_IGN)

    async def start_all(self) -> None:
        """Start stage by stage; each stage's parts start together and must all become ready."""
        for stage in sorted({part.spec.stage for part in self.parts.values()}):
            names = [name for name, part in self.parts.items() if part.spec.stage == stage]
            for name in names:
                await self._spawn(self.parts[name])
            await asyncio.gather(*(self._until_ready(self.parts[name]) for name in names))

    async def keep(self) -> None:
        """Until a stop is asked for: restart any part that exits, with backoff."""
        watchers = [asyncio.create_task(self._watch(part)) for part in self.parts.values()]
        try:
            await self.stopping.wait()
        finally:
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)

    async def stop_all(self) -> None:
        """SIGTERM every part's group, SIGKILL whatever is left after the grace period."""
        running = [part for part in self.parts.values() if _alive(part)]
        for part in running:
            _signal_group(part, signal.SIGTERM)
        waits = [asyncio.wait_for(_exited(part), self.policy.grace) for part in running]
        results = await asyncio.gather(*waits, return_exceptions=True)
        if any(isinstance(result, TimeoutError) for result in results):
            self.kill_all()
        await asyncio.gather(*(_exited(part) for part in running), return_exceptions=True)
        for part in self.parts.values():
            await asyncio.gather(*part.pumps, return_exceptions=True)

    def kill_all(self) -> None:
        for part in self.parts.values():
            if _alive(part):
                _signal_group(part, signal.SIGKILL)

    def say(self, name: str, message: str) -> None:
        self.out.write(f"{name:<13}| {message}\n")
        self.out.flush()

    async def _watch(self, part: Part) -> None:
        while not self.stopping.is_set():
            code = await _exited(part)
            if self.stopping.is_set():
                return
            await self._restart(part, code)

    async def _restart(self, part: Part, code: int) -> None:
        up_for = time.monotonic() - part.started_at
        if up_for >= self.policy.stable_after or part.backoff == 0:
            part.backoff = self.policy.first_backoff
        else:
            part.backoff = min(part.backoff * 2, self.policy.max_backoff)
        part.restarts += 1
        name = part.spec.name
        self.say(name, f"exited with code {code}; restart {part.restarts} in {part.backoff:g} s")
        try:
            await asyncio.wait_for(self.stopping.wait(), part.backoff)
            return  # asked to stop while waiting
        except TimeoutError:
            pass
        await self._spawn(part)
        try:
            await self._until_ready(part)
            self.say(name, f"restarted (pid {_pid(part)})")
        except ProcessFailedToStart as error:
            self.say(name, f"restart failed: {error}")

    async def _spawn(self, part: Part) -> None:
        spec = part.spec
        part.process = await asyncio.create_subprocess_exec(
            *spec.argv,
            env={**spec.env, "PYTHONUNBUFFERED": "1"},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            # Own session: Ctrl-C reaches only the keeper, which stops the parts itself.
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        part.started_at = time.monotonic()
        pump = asyncio.create_task(self._pump(part, part.process))
        part.pumps.add(pump)
        pump.add_done_callback(part.pumps.discard)

    async def _pump(self, part: Part, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        prefix = f"{part.spec.name:<13}| "
        if self.out.isatty():
            prefix = f"\033[{part.colour}m{prefix}\033[0m"
        async for raw in process.stdout:
            self.out.write(prefix + raw.decode(errors="replace"))
            self.out.flush()

    async def _until_ready(self, part: Part) -> None:
        deadline = time.monotonic() + self.policy.ready_timeout
        while not await asyncio.to_thread(is_ready, part.spec):
            if not _alive(part):
                code = part.process.returncode if part.process else None
                raise ProcessFailedToStart(f"{part.spec.name} exited with {code}")
            if self.stopping.is_set():
                raise ProcessFailedToStart(f"{part.spec.name}: stopped while starting")
            if time.monotonic() > deadline:
                raise ProcessFailedToStart(f"{part.spec.name} was not ready in time")
            await asyncio.sleep(0.1)


def _alive(part: Part) -> bool:
    return part.process is not None and part.process.returncode is None


def _pid(part: Part) -> int:
    return part.process.pid if part.process else 0


async def _exited(part: Part) -> int:
    assert part.process is not None
    return await part.process.wait()


def _signal_group(part: Part, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(_pid(part), signum)


async def run(keeper: Keeper, banner: str) -> int:
    """Start everything, print ``banner``, keep it up until a signal, then stop it all."""
    keeper.install_signal_handlers()
    try:
        await keeper.start_all()
        keeper.out.write(banner)
        keeper.out.flush()
        await keeper.keep()
        return 0
    except ProcessFailedToStart as error:
        if keeper.stopping.is_set():
            return 0
        keeper.say("keeper", f"could not start: {error}")
        return 1
    finally:
        await keeper.stop_all()
        keeper.ignore_signals()
        keeper.say("keeper", "every part has stopped")
