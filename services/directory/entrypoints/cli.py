"""Command line for directory operators (``cjp directory ...``).

load-postcodes FILE.csv   load or refresh the postcode table used by "near a postcode" searches
import FILE.json [--area CODE]   import an HSDS 3.0 document, all or nothing (events via the outbox)
export [-o FILE.json]     write the whole directory as one HSDS 3.0 document
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import Engine

from services.directory.adapters.geography.postcodes import PostcodeFileError, load_postcodes
from services.directory.entrypoints.cli_hsds import export_file, import_file
from services.directory.settings import DirectorySettings
from services.directory.wiring import MIGRATIONS
from shared.db import make_engine, upgrade_database


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cjp directory", description="Directory operations.")
    parser.add_argument("--database-url", help="defaults to CJP_DIRECTORY_DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)
    postcodes = commands.add_parser(
        "load-postcodes",
        help="load postcode centroids from an ONS Postcode Directory or Code-Point Open CSV",
    )
    postcodes.add_argument("file", type=Path)
    importing = commands.add_parser("import", help="import an HSDS 3.0 JSON document")
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--area", help="local-authority code for entries whose service_areas name none, e.g. fife"
    )
    exporting = commands.add_parser("export", help="export the directory as HSDS 3.0 JSON")
    exporting.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 on success, 1 on a problem with the input, 2 on bad usage."""
    args = _parser().parse_args(argv)
    url = args.database_url or DirectorySettings().database_url
    upgrade_database(url, MIGRATIONS)
    engine = make_engine(url)
    try:
        if args.command == "import":
            return import_file(engine, args.file, default_area=args.area)
        if args.command == "export":
            return export_file(engine, args.output)
        return _load_postcodes(engine, args.file)
    finally:
        engine.dispose()


def _load_postcodes(engine: Engine, file: Path) -> int:
    try:
        loaded = load_postcodes(engine, file)
    except (OSError, PostcodeFileError, UnicodeDecodeError) as error:
        print(f"cjp directory load-postcodes: {error}", file=sys.stderr)
        return 1
    print(f"Loaded {loaded} postcodes into the directory's postcode table.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
