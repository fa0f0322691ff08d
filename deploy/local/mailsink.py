"""A local SMTP sink: accepts every email and keeps it in a maildir a person can read.

``python -m deploy.local.mailsink`` serves SMTP on CJP_MAILSINK_PORT (1025) and stores mail in
CJP_MAILSINK_DIR (``data/mail``); ``--list`` lists the stored emails, ``--show N`` prints one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP

from deploy.local.maildir import StoredEmail, read_emails

DEFAULT_PORT = 1025
DEFAULT_DIR = Path("data") / "mail"


def mail_directory() -> Path:
    return Path(os.environ.get("CJP_MAILSINK_DIR", str(DEFAULT_DIR)))


async def serve(host: str, port: int, directory: Path) -> None:
    """Serve SMTP until SIGINT or SIGTERM; each message lands in ``directory`` as it arrives."""
    for sub in ("cur", "new", "tmp"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    handler = Mailbox(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="cjp-mailsink", enable_SMTPUTF8=True), host, port
    )
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(f"SMTP sink on {host}:{port}, mail kept in {directory.resolve()}", flush=True)
    async with server:
        await stop.wait()


def describe(number: int, email: StoredEmail) -> str:
    when = email.delivered_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return f"{number:>4}  {when}  {', '.join(email.recipients):<36}  {email.subject}"


def list_emails(directory: Path) -> int:
    emails = read_emails(directory)
    if not emails:
        print(f"No mail yet in {directory}.")
        return 0
    print(f"{'#':>4}  {'delivered':<19}  {'to':<36}  subject")
    for number, email in enumerate(emails, start=1):
        print(describe(number, email))
    print(f"\n{len(emails)} email(s) in {directory}; show one with --show N")
    return 0


def show_email(directory: Path, number: int) -> int:
    emails = read_emails(directory)
    if not 1 <= number <= len(emails):
        print(f"There is no email {number}; there are {len(emails)} in {directory}.")
        return 1
    email = emails[number - 1]
    for name in ("Date", "From", "To", "Subject", "List-Unsubscribe"):
        if email.header_value(name):
            print(f"{name}: {email.header_value(name)}")
    print()
    print(email.text())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mailsink", description=__doc__)
    parser.add_argument("--list", action="store_true", help="list the stored emails")
    parser.add_argument("--show", type=int, metavar="N", help="print stored email number N")
    parser.add_argument("--dir", type=Path, default=None, help="maildir (CJP_MAILSINK_DIR)")
    parser.add_argument("--host", default=os.environ.get("CJP_MAILSINK_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("CJP_MAILSINK_PORT", DEFAULT_PORT))
    )
    args = parser.parse_args(argv)
    directory = args.dir or mail_directory()
    if args.list:
        return list_emails(directory)
    if args.show is not None:
        return show_email(directory, args.show)
    asyncio.run(serve(args.host, args.port, directory))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
