"""``cjp directory import`` / ``export``: all or nothing, a summary, and the place of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from services.directory.adapters.tables import Service
from services.directory.entrypoints.cli import main
from shared.db import make_engine
from shared.outbox import OutboxMessage


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            services = session.exec(select(func.count()).select_from(Service)).one()
            events = session.exec(select(func.count()).select_from(OutboxMessage)).one()
        return services, events
    finally:
        engine.dispose()


def _service(name: str, area: str = "fife", **extra: object) -> dict[str, object]:
    return {
        "id": f"id-{name.lower().replace(' ', '-')}", "name": name,
        "organization": {"id": "org-1", "name": "Example Trust"},
        "service_areas": [{"name": area}], **extra,
    }  # fmt: skip


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _run(url: str, *args: str) -> int:
    return main(["--database-url", url, *args])


def test_import_prints_a_summary_and_stages_events(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "two.json"
    file.write_text(
        json.dumps({"services": [_service("Bail hub"), _service("Glasgow desk", "Glasgow City")]})
    )
    assert _run(url, "import", str(file)) == 0
    assert "Imported two.json: 2 created, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert _counts(url) == (2, 2)
    assert _run(url, "import", str(file)) == 0
    assert "0 created, 0 updated, 2 unchanged." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("document", "place"),
    [
        (
            {"services": [_service("Fine"), {"id": "x", "organization": {"id": "o", "name": "O"}}]},
            "services[1].name: Field required",
        ),
        (
            {"contents": [_service("Fine"), _service("Nowhere", "Atlantis")]},
            "contents[1].service_areas: Service id-nowhere needs service_areas",
        ),
        ({"id": "one", "name": "Single", "organization": {"id": "o"}}, "organization.name"),
    ],
    ids=["document", "oruk-page", "single-service"],
)
def test_bad_input_names_its_place_and_nothing_is_imported(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    document: dict[str, object], place: str,
) -> None:  # fmt: skip
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(document))
    assert _run(url, "import", str(file)) == 1
    error = capsys.readouterr().err
    assert place in error, error
    assert _counts(url) == (0, 0)


def test_not_json_says_where(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "broken.json"
    file.write_text('{"services": [\n  {"id": 1,,}]}')
    assert _run(url, "import", str(file)) == 1
    assert "not JSON: line 2, column" in capsys.readouterr().err


def test_an_area_for_unplaced_entries_and_never_reviewed(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "elsewhere.json"
    hsds_only = {"application_process": "Ring reception", "wait_time": "Two weeks",
                 "alternate_name": "MyCity Counselling"}  # fmt: skip
    file.write_text(json.dumps({"services": [_service("Counselling", "MyCity", **hsds_only)]}))
    assert _run(url, "import", str(file)) == 1
    assert "--area" in capsys.readouterr().err
    assert _run(url, "import", str(file), "--area", "fife") == 0
    out = tmp_path / "export.json"
    assert _run(url, "export", "-o", str(out)) == 0
    [exported] = json.loads(out.read_text())["services"]
    assert exported["name"] == "Counselling"
    assert {key: exported[key] for key in hsds_only} == hsds_only  # HSDS fields kept as they are
    assert exported["community_justice"]["last_reviewed_at"].startswith("1970-01-01")
