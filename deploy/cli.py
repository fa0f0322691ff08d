"""The `cjp` command: `cjp run`, `cjp mail [--show N]`, `cjp plan ...` (the deliverables CLI)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import cast

USAGE = """usage: cjp COMMAND [ARGS]

commands:
  run               start the whole platform locally (same as `make run`)
  mail [--show N]   list the emails the local SMTP sink kept, or print one
  plan ...          the delivery-plan tools of the deliverables service (try `cjp plan --help`)
  directory ...     directory operations, e.g. `cjp directory load-postcodes FILE.csv`
  migrate SERVICE   migrate one service's database to the newest revision (the k8s Job runs it)
  outbox SERVICE list|retry [ID ...]
                    outbox rows set aside for good (with their reasons), or queue them again
  dead-letters list|replay [PARTITION OFFSET]   the consumer's dead letters; replay one
  deliveries        emails given up on (failed), with the reason
  suspended list|lift [SUBSCRIBER_ID]           suspended addresses; lift a suspension
  identity-keys     print a fresh Ed25519 key pair for forwarded identities (production)
"""


def _run(_argv: list[str]) -> int:
    from deploy.local import run

    return run.main()


def _mail(argv: list[str]) -> int:
    from deploy.local import mailsink

    return mailsink.main(argv or ["--list"])


def _plan(argv: list[str]) -> int:
    try:
        module = importlib.import_module("services.deliverables.entrypoints.cli")
    except ModuleNotFoundError as error:
        if error.name not in ("services.deliverables", "services.deliverables.entrypoints.cli"):
            raise
        print("The deliverables service has no command-line tools yet.", file=sys.stderr)
        return 2
    plan_main = cast(Callable[[list[str]], int | None], module.main)
    return plan_main(argv) or 0


def _directory(argv: list[str]) -> int:
    from services.directory.entrypoints import cli

    return cli.main(argv)


def _migrate(argv: list[str]) -> int:
    from deploy import migrate
    from shared.logging import configure_logging
    from shared.settings import get_common_settings

    common = get_common_settings()
    configure_logging("migrate", log_format=common.log_format, level=common.log_level)
    return migrate.main(argv)


def _outbox(argv: list[str]) -> int:
    from deploy import outbox_cli

    return outbox_cli.main(argv)


def _operator(command: str) -> Callable[[list[str]], int]:
    def run(argv: list[str]) -> int:
        from deploy import operator_cli

        return operator_cli.main([command, *argv])

    return run


def _identity_keys(_argv: list[str]) -> int:
    from shared.identity import generate_identity_keys

    private, public = generate_identity_keys()
    print(f"CJP_GATEWAY_IDENTITY_PRIVATE_KEY={private}   # the gateway only")
    print(f"CJP_IDENTITY_PUBLIC_KEY={public}   # every service")
    return 0


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "run": _run, "mail": _mail, "plan": _plan, "directory": _directory, "migrate": _migrate,
    "outbox": _outbox, "identity-keys": _identity_keys,
}  # fmt: skip
COMMANDS.update({name: _operator(name) for name in ("dead-letters", "deliveries", "suspended")})


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        print(f"cjp: unknown command {args[0]!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    return command(args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
