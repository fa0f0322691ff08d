"""Command line for directory operators (``cjp directory ...``).

load-postcodes FILE.csv   load or refresh the postcode table used by "near a postcode" searches
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.directory.app import MIGRATIONS
from services.directory.geography.postcodes import PostcodeFileError, load_postcodes
from services.directory.settings import DirectorySettings
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = args.database_url or DirectorySettings().database_url
    upgrade_database(url, MIGRATIONS)
    engine = make_engine(url)
    try:
        loaded = load_postcodes(engine, args.file)
    except (OSError, PostcodeFileError, UnicodeDecodeError) as error:
        print(f"cjp directory load-postcodes: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Loaded {loaded} postcodes into the directory's postcode table.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
