"""The plan command line: import a file, export a round, and clear errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from services.deliverables.entrypoints.cli import main


def test_import_then_export_from_the_command_line(
    tmp_path: Path, seed_document: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    edition = tmp_path / "update-2.txt"
    edition.write_text(seed_document, encoding="utf-8")
    assert main(["--database-url", url, "import", str(edition)]) == 0
    out = capsys.readouterr().out
    assert "Imported Update 2 – March 2024: 50 deliverables, 50 changed" in out  # noqa: RUF001
    assert "Added: 1, 2, 3, " in out and ", 50\n" in out
    assert main(["--database-url", url, "import", str(edition)]) == 0
    out = capsys.readouterr().out
    assert "0 changed" in out and "Added: none" in out
    output = tmp_path / "round-2.csv"
    assert (
        main(
            ["--database-url", url, "export", "--round", "2", "--format", "csv", "-o", str(output)]
        )
        == 0
    )
    with output.open(encoding="utf-8", newline="") as exported:
        assert len(list(csv.reader(exported))) == 51
    assert main(["--database-url", url, "export", "--round", "2"]) == 0
    assert "#### No 50" in capsys.readouterr().out


def test_errors_name_the_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    broken = tmp_path / "broken.txt"
    broken.write_text("A delivery plan\n\nNo 3\n", encoding="utf-8")
    assert main(["--database-url", url, "import", str(broken)]) == 1
    assert (
        f"{broken}: line 3: deliverable No 3 before any 'Priority Action'"
        in capsys.readouterr().err
    )
    assert main(["--database-url", url, "import", str(tmp_path / "missing.txt")]) == 2
    assert main(["--database-url", url, "export", "--round", "5"]) == 1
    assert "There is no reporting round 5." in capsys.readouterr().err
