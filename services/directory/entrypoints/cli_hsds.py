"""``cjp directory import`` and ``export``: HSDS 3.0 JSON in and out of the directory's database.

The import runs as a coordinator named after the operator; it is one transaction, and its events
go to the outbox, which the running directory service's relay publishes.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from sqlalchemy import Engine

from services.directory.adapters.open_data.exporter import export_directory
from services.directory.adapters.open_data.hsds_file import HsdsFileError, read_hsds
from services.directory.adapters.open_data.importer import import_directory
from services.directory.adapters.seed.load import seed_reference_data
from shared.errors import DomainError
from shared.identity import Identity, Role
from shared.unit_of_work import UnitOfWork


def import_file(engine: Engine, file: Path, *, default_area: str | None = None) -> int:
    try:
        data = file.read_bytes()
    except OSError as error:
        print(f"error: cannot read {file}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        parsed = read_hsds(data)
    except HsdsFileError as error:
        print(f"{file}: {error}", file=sys.stderr)
        return 1
    seed_reference_data(engine)  # areas, courts and taxonomy, if the database is new
    operator = getpass.getuser()
    identity = Identity(subject=f"cli:{operator}", name=operator, role=Role.COORDINATOR)
    try:
        summary = import_directory(
            UnitOfWork(engine), parsed.document, identity=identity, correlation_id=None,
            default_area=default_area,
        )  # fmt: skip
    except DomainError as error:
        place = parsed.place(error.field) if error.field else None
        message = error.message.split(": ", 1)[1] if place and ": " in error.message else error
        print(f"{file}: {place + ': ' if place else ''}{message}", file=sys.stderr)
        if place and place.endswith("service_areas") and default_area is None:
            print("Give --area CODE to place such entries in one local authority.", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 1
    print(
        f"Imported {file.name}: {summary.created} created, {summary.updated} updated, "
        f"{summary.unchanged} unchanged."
    )
    return 0


def export_file(engine: Engine, output: Path | None) -> int:
    document = export_directory(engine)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"Wrote {len(document['services'])} services as HSDS 3.0 JSON to {output}")
    return 0
