"""`cjp outbox SERVICE list|retry [ID ...]`: outbox rows set aside for good; queue them again."""

from __future__ import annotations

import sys

from deploy.migrate import settings_for
from shared.db import make_engine
from shared.outbox import failed_rows, outbox_stats, retry_failed

PUBLISHERS = ("deliverables", "directory")
USAGE = f"usage: cjp outbox {{{','.join(PUBLISHERS)}}} list|retry [ID ...]"


def main(argv: list[str]) -> int:
    """List failed rows (with the backlog) or put them (all, or the ids given) back in the queue."""
    if len(argv) < 2 or argv[0] not in PUBLISHERS or argv[1] not in ("list", "retry"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        ids = [int(value) for value in argv[2:]] or None
    except ValueError:
        print(f"{USAGE}\nIDs are whole numbers", file=sys.stderr)
        return 2
    engine = make_engine(str(getattr(settings_for(argv[0]), "database_url")))  # noqa: B009
    try:
        if argv[1] == "retry":
            print(f"{retry_failed(engine, ids)} row(s) queued again")
            return 0
        stats = outbox_stats(engine)
        print(
            f"pending {stats.pending} (oldest {stats.oldest_pending_age_seconds:.0f} s), "
            f"failed {stats.failed}"
        )
        for row in failed_rows(engine):
            print(f"{row.id}\t{row.event_type}\t{row.topic}\tkey={row.key}\t{row.last_error}")
        return 0
    finally:
        engine.dispose()
