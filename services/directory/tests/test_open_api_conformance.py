"""schemathesis, driven by the HSDS 3.0 standard's own OpenAPI, against a running directory.

Every failure it reports must be one listed in ``EXPECTED`` (each with its reason); anything else
fails the test. On SQLite and PostgreSQL (where it found that text holding NUL characters made
PostgreSQL fail). Bounded: a fixed seed, 15 examples per operation, at most 55 seconds a run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import free_port
from services.directory.tests.hsds_openapi import standard_openapi

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
RUN_SECONDS = 55


@dataclass(frozen=True)
class Finding:
    operation: str
    check: str
    status: int
    field: str | None


# (check, status, operation pattern, refused field or None) and why we answer that way.
EXPECTED: list[tuple[str, int, str, str | None, str]] = [
    ("ST103", 404, r"/\{id\}$", None,
     "The standard documents only 200; an id that does not exist is 404 Not Found."),
    ("ST103", 422, r".", None,
     "A value not of the parameter's type (per_page=null, full=null) is refused with 422, an "
     "error status the standard leaves undocumented."),
    ("ST202", 422, r".", "modified_after",
     "The standard types modified_after as a string of format 'datetime', which JSON Schema "
     "does not define, so any string is 'valid'; a value that is not an ISO 8601 date or "
     "date-time is refused rather than silently ignored."),
    ("ST103", 422, r".", "modified_after", "As above, for modified_after."),
    ("ST202", 422, r"^GET /service_at_locations$", "postcode",
     "A postcode the loaded postcode table does not hold (the test loads none) is refused with "
     "a message, not answered as if nothing were near it."),
    ("ST202", 422, r"^GET /service_at_locations$", "proximity",
     "proximity is a number of metres; a string that is not a number is refused."),
]  # fmt: skip


def _allowed(finding: Finding) -> bool:
    return any(
        check == finding.check and status == finding.status
        and re.search(pattern, finding.operation) is not None
        and (field is None or finding.field == field)
        for check, status, pattern, field, _ in EXPECTED
    )  # fmt: skip


@pytest.fixture
def running_directory(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The real directory service as its own process on a free port, with its sample data."""
    port = free_port()
    environment = {
        **os.environ,
        "CJP_DIRECTORY_PORT": str(port),
        "CJP_DIRECTORY_DATABASE_URL": database_url,
        "CJP_DIRECTORY_RELAY_ENABLED": "false",
        "CJP_DIRECTORY_REVIEW_CHECK_INTERVAL_SECONDS": "0",
    }
    log = (tmp_path / "directory.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "services.directory"], env=environment, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the directory exited while starting"
        try:
            if httpx.get(f"{url}/open/", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the directory did not start within 60 s")


def _findings(report: Path) -> list[Finding]:
    found = []
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        for failure in case.iter("failure"):
            text = failure.text or ""
            status = re.search(r"^\[(\d{3})\]", text, re.MULTILINE)
            field = re.search(r'"field":"(?:query\.)?([a-z_]+)"', text)
            found.append(
                Finding(
                    operation=case.get("name", ""),
                    check=failure.get("message", ""),
                    status=int(status.group(1)) if status else 0,
                    field=field.group(1) if field else None,
                )
            )
    return found


def test_the_open_api_passes_the_standards_openapi_under_schemathesis(
    running_directory: str, tmp_path: Path
) -> None:
    if not SCHEMATHESIS.exists():
        pytest.skip("schemathesis is not installed (pip install -e '.[dev]')")
    schema = tmp_path / "hsds-openapi.json"
    schema.write_text(json.dumps(standard_openapi()))
    report = tmp_path / "schemathesis.xml"
    run = subprocess.run(
        [str(SCHEMATHESIS), "run", str(schema), "--url", f"{running_directory}/open",
         "--checks", "all", "--max-examples", "15", "--seed", "1", "--workers", "1",
         "--report", "junit", "--report-junit-path", str(report)],
        cwd=tmp_path, capture_output=True, text=True, timeout=RUN_SECONDS, check=False,
    )  # fmt: skip
    summary = run.stdout[run.stdout.find("SUMMARY") :]
    assert report.exists(), run.stdout[-3000:] + run.stderr[-2000:]
    findings = _findings(report)
    unexpected = [finding for finding in findings if not _allowed(finding)]
    assert not unexpected, f"{unexpected}\n{run.stdout[-6000:]}"
    tested = re.search(r"Tested: (\d+)", summary)
    assert tested is not None and int(tested.group(1)) == 11, summary
