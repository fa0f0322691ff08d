"""Fuzz the importer's input: random bytes and mutated editions never end in a traceback, and an
import that is refused writes nothing at all (``cjp plan import`` exits 1 with a message)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.adapters.tables import DeliverablesTable
from services.deliverables.entrypoints.cli import main
from services.deliverables.events import EventContext
from services.deliverables.tests.plan_state import later_edition, whole_plan
from shared.db import make_engine
from shared.outbox import OutboxMessage

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def imported_template(sqlite_templates: dict[str, Path], tmp_path_factory: Any) -> Path:
    """A database holding the later edition, copied for each example."""
    path = Path(tmp_path_factory.mktemp("fuzz")) / "imported.db"
    shutil.copyfile(sqlite_templates["empty"], path)
    engine = make_engine(f"sqlite:///{path}")
    import_edition(engine, later_edition(), context=EventContext())
    engine.dispose()
    return path


def _everything(engine: Engine) -> tuple[dict[str, int], dict[int, dict[str, Any]]]:
    """Row counts of every table (the outbox too) and the whole plan."""
    tables = [*DeliverablesTable.metadata.sorted_tables, OutboxMessage.__table__]  # type: ignore[attr-defined]
    with Session(engine) as session:
        counts = {
            table.name: int(session.exec(select(func.count()).select_from(table)).one())
            for table in tables
        }
    return counts, whole_plan(engine)


def _import_through_the_cli(
    data: bytes, template: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = folder / f"{uuid4().hex}.db"
    shutil.copyfile(template, database)
    engine = make_engine(f"sqlite:///{database}")
    before = _everything(engine)
    edition = folder / f"{uuid4().hex}.txt"
    edition.write_bytes(data)
    code = main(["--database-url", f"sqlite:///{database}", "import", str(edition)])
    out, err = capsys.readouterr()
    event("imported" if code == 0 else "refused")  # --hypothesis-show-statistics shows the mix
    assert "Traceback" not in out + err
    if code == 0:
        assert "\nImported " in "\n" + out
    else:
        assert code == 1 and err.startswith(f"{edition}: "), (code, err)
        assert _everything(engine) == before  # refused: nothing written, no event
    engine.dispose()


@FUZZ
@given(data=st.binary(max_size=4000))
def test_random_bytes_are_refused_with_a_message(
    data: bytes, imported_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import_through_the_cli(data, imported_template, tmp_path, capsys)


@st.composite
def mutated_editions(draw: st.DrawFn, edition: str | None = None) -> bytes:
    """An edition (the later one by default) with lines dropped, repeated or swapped, and bytes
    changed."""
    lines = (edition or later_edition()).encode("utf-8").split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "swap", "bytes", "cut"]))
        if action == "drop":
            del lines[at : at + draw(st.integers(1, 30))]
        elif action == "repeat":
            lines[at:at] = lines[at : at + draw(st.integers(1, 12))]
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif action == "bytes":
            line = lines[at]
            spot = draw(st.integers(0, len(line)))
            junk = st.binary(min_size=1, max_size=6) | st.text(min_size=1, max_size=12).map(
                str.encode
            )
            lines[at] = line[:spot] + draw(junk) + line[spot:]
        else:
            lines = lines[:at]
        if not lines:
            break
    return b"\n".join(lines)


@FUZZ
@given(data=mutated_editions())
def test_mutated_editions_import_whole_or_not_at_all(
    data: bytes, imported_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import_through_the_cli(data, imported_template, tmp_path, capsys)


@settings(FUZZ, max_examples=12)
@given(data=st.data())
def test_mutated_seed_editions_import_whole_or_not_at_all(
    data: st.DataObject,
    seed_document: str,
    sqlite_templates: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The published edition, mutated, into an empty plan."""
    mutated = data.draw(mutated_editions(seed_document))
    _import_through_the_cli(mutated, sqlite_templates["empty"], tmp_path, capsys)


def test_a_binary_file_gets_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "edition.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    assert main(["--database-url", f"sqlite:///{tmp_path / 'p.db'}", "import", str(pdf)]) == 1
    err = capsys.readouterr().err
    assert "is not UTF-8 text (byte 10 is 0xe2)" in err and "save the edition as" in err
    nul = tmp_path / "edition.txt"
    nul.write_bytes(b"delivery plan update 3\n\nNo 1\x00\n")
    assert main(["--database-url", f"sqlite:///{tmp_path / 'p.db'}", "import", str(nul)]) == 1
    assert "line 3: control character U+0000" in capsys.readouterr().err


def test_over_long_names_and_titles_fit_their_columns_on_every_database(empty_url: str) -> None:
    """PostgreSQL enforces column lengths (SQLite does not): long values are cut, not refused."""
    long_word = "x" * 5000
    document = (
        f"Community justice: delivery plan update 3 – {'when ' * 100}\n\n"  # noqa: RUF001
        f"Aim 1: {'aim ' * 200}\n\nPriority Action 2: {'action ' * 100}\n\n"
        f"No 5\n\nDeliverable\n\n{long_word}\n\nTimescale\n\nJune 2025\n\n"
        f"Responsibility\n\nLead partner - Agency {'of things ' * 60}\n\nStatus\n\nComplete\n"
    )
    engine = make_engine(empty_url)
    summary = import_edition(engine, document, context=EventContext())
    assert summary.added == [5] and len(summary.round_name) == 200
    title = whole_plan(engine)[5]["title"]
    assert len(title) == 300 and title.endswith("…")
    engine.dispose()
