"""Command line for the plan's published form (wired by the lead as ``cjp plan ...``).

import FILE                                   load or update the plan from an edition's text
export --round N --format md|html|csv [-o F]  write a round as the published document
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from services.deliverables.adapters.exporter.formats import ExportFormat, export_round
from services.deliverables.adapters.importer.decoding import decode_edition
from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.domain.transitions import Author
from services.deliverables.events import EventContext
from services.deliverables.settings import DeliverablesSettings
from services.deliverables.wiring import MIGRATIONS
from shared.db import make_engine, upgrade_database
from shared.errors import DomainError
from shared.events import Actor


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cjp plan", description="Import or export the plan.")
    parser.add_argument("--database-url", help="defaults to CJP_DELIVERABLES_DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import a published edition (text or HTML)")
    importing.add_argument("file", type=Path)
    exporting = commands.add_parser("export", help="export a reporting round")
    exporting.add_argument("--round", dest="round_number", type=int, required=True)
    exporting.add_argument(
        "--format", dest="export_format", choices=[f.value for f in ExportFormat], default="md"
    )
    exporting.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 on success, 1 on a problem with the input, 2 on bad usage."""
    args = _parser().parse_args(argv)
    url = args.database_url or DeliverablesSettings().database_url
    upgrade_database(url, MIGRATIONS)
    engine = make_engine(url)
    try:
        if args.command == "import":
            return _import(engine, args.file)
        return _export(engine, args.round_number, ExportFormat(args.export_format), args.output)
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()


def _import(engine: Engine, file: Path) -> int:
    try:
        data = file.read_bytes()
    except OSError as error:
        print(f"error: cannot read {file}: {error.strerror}", file=sys.stderr)
        return 2
    actor = Actor(subject=f"cli:{getpass.getuser()}", role="coordinator")
    try:
        document = decode_edition(data)
        summary = import_edition(
            engine, document, context=EventContext(actor=actor), author=Author(actor.subject)
        )
    except DomainError as error:
        print(f"{file}: {error.message}", file=sys.stderr)
        return 1
    print(
        f"Imported {summary.round_name}: {summary.deliverables} deliverables, "
        f"{len(summary.changed)} changed, in {summary.seconds:.2f} s"
    )
    print(f"Added: {', '.join(str(n) for n in summary.added) or 'none'}")
    return 0


def _export(
    engine: Engine, round_number: int, export_format: ExportFormat, output: Path | None
) -> int:
    with Session(engine) as session:
        text = export_round(session, round_number, export_format)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"Wrote round {round_number} as {export_format.value} to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
