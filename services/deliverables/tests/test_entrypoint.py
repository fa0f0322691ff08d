"""``python -m services.deliverables`` migrates, seeds and serves on the configured port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from conftest import free_port

REPO = Path(__file__).resolve().parents[3]


def test_the_module_serves_the_seeded_plan(tmp_path: Path) -> None:
    port = free_port()
    environment = {
        **os.environ,
        "CJP_DELIVERABLES_PORT": str(port),
        "CJP_DELIVERABLES_DATABASE_URL": f"sqlite:///{tmp_path / 'deliverables.db'}",
        "CJP_DELIVERABLES_RELAY_ENABLED": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "services.deliverables"],
        cwd=REPO,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").json() == {"status": "ok"}:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        deliverable = httpx.get(f"http://127.0.0.1:{port}/deliverables/40").json()
        assert deliverable["status_label"] == "In progress"
    finally:
        process.terminate()
        process.wait(timeout=15)
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert process.returncode in (0, -signal.SIGTERM)
