"""A private PostgreSQL cluster for tests that stop, restart or crash PostgreSQL.

The machine's PostgreSQL (127.0.0.1:5432) is shared with everything else running here, so it is
never restarted. A test that needs a restart starts its own cluster instead: ``initdb`` into a
temporary folder, ``pg_ctl start`` on a free port with trust authentication and settings for
speed (no fsync: nothing in it outlives the test), then ``pg_ctl stop`` and the folder deleted
at the end. Run as root, the server runs as the ``postgres`` user (PostgreSQL refuses root).

``fsync=off`` loses nothing when only PostgreSQL crashes (the kernel still holds its writes);
``synchronous_commit`` stays on: off, a crash may lose commits already acknowledged (a crash run
with it off lost 2 of 101 acknowledged status changes; none since with it on).

    with private_postgres() as cluster:
        cluster.admin_url             # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
        cluster.restart("immediate")  # a crash: no checkpoint, every session cut
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pytest

# Set by CI (.ci/run) as for the shared PostgreSQL: a missing initdb fails instead of skipping.
REQUIRE_ENV = "CJP_REQUIRE_POSTGRES"
StopMode = Literal["smart", "fast", "immediate"]
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _run_as() -> pwd.struct_passwd | None:
    """Whom the server runs as: ``postgres`` when we are root (it refuses root), else us."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam("postgres")


def unavailable_reason() -> str | None:
    """Why a private cluster cannot be started here, or None if it can."""
    missing = [name for name in ("initdb", "pg_ctl") if _binary(name) is None]
    if missing:
        return f"{' and '.join(missing)} not found (PATH or /usr/lib/postgresql/*/bin)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return None


def require_private_postgres() -> None:
    """Skip the test when no private cluster can be started, or fail it where CI requires one."""
    reason = unavailable_reason()
    if reason:
        reason = f"a private PostgreSQL cluster cannot be started: {reason}"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivatePostgres:
    """One cluster in ``folder`` on ``port``; started by ``private_postgres``."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        self._user = _run_as()

    def _run(self, *argv: str, timeout: float = 120) -> None:
        user = self._user
        done = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            cwd=self.folder,
            env={**os.environ, "LC_ALL": "C.UTF-8", "PGTZ": "UTC"},
        )
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({done.returncode}): {done.stderr[-800:]}")

    def init(self) -> None:
        options = " ".join(f"-c {key}={value}" for key, value in SETTINGS.items())
        self._options = f"-p {self.port} -k {self.folder} {options}"
        initdb = _binary("initdb")
        assert initdb is not None
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def _ctl(self, action: str, *extra: str) -> None:
        pg_ctl = _binary("pg_ctl")
        assert pg_ctl is not None
        log = str(self.folder / "server.log")
        self._run(pg_ctl, action, "-D", str(self.data), "-w", "-t", "60", "-l", log, *extra)

    def start(self) -> None:
        self._ctl("start", "-o", self._options)

    def stop(self, mode: StopMode = "fast") -> None:
        self._ctl("stop", "-m", mode)

    def restart(self, mode: StopMode = "fast", *, down: float = 0.0) -> float:
        """Stop (``immediate``: a crash, recovered at start), stay down ``down`` s, start again.

        Returns the seconds from the stop's start until the server accepted connections again.
        """
        began = time.monotonic()
        if down <= 0:
            self._ctl("restart", "-m", mode, "-o", self._options)
        else:
            self.stop(mode)
            time.sleep(down)
            self.start()
        return time.monotonic() - began

    def create_database(self, name: str) -> str:
        """A new, empty database on this cluster; its URL."""
        from sqlalchemy import create_engine, text

        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def log_tail(self, lines: int = 40) -> str:
        path = self.folder / "server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Start a private cluster on a free port; stop it and delete its folder afterwards."""
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(f"a private PostgreSQL cluster cannot be started: {reason}")
    folder = Path(tempfile.mkdtemp(prefix="cjp-pg-"))
    user = _run_as()
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    cluster = PrivatePostgres(folder, _free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        try:
            if (cluster.data / "postmaster.pid").exists():
                cluster.stop("immediate")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
