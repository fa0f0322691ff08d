"""Reading the emails the local SMTP sink stored: one maildir, oldest first."""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class StoredEmail:
    """One delivered email, with its envelope recipients as the sink saw them."""

    key: str
    delivered_at: datetime
    message: EmailMessage

    @property
    def recipients(self) -> list[str]:
        envelope = str(self.message.get("X-RcptTo", ""))
        header = envelope or str(self.message.get("To", ""))
        return [address.strip() for address in header.split(",") if address.strip()]

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    def text(self) -> str:
        """The plain-text body (or the HTML one if there is no plain part), decoded."""
        body = self.message.get_body(preferencelist=("plain", "html"))
        return str(body.get_content()) if body is not None else ""

    def header_value(self, name: str) -> str:
        return str(self.message.get(name, ""))


def read_emails(directory: Path, known: dict[str, StoredEmail] | None = None) -> list[StoredEmail]:
    """Every stored email, oldest first; an absent folder holds none.

    With ``known`` (key -> email, filled in by the call), only emails not read before are parsed:
    a caller polling a folder of thousands reads each one once.
    """
    if not (directory / "new").is_dir():
        return []
    box = mailbox.Maildir(directory, factory=None, create=False)
    seen = known if known is not None else {}
    emails: list[StoredEmail] = []
    for key in box.iterkeys():
        if key not in seen:
            try:
                stored = box.get_message(key)
            except (FileNotFoundError, KeyError):
                continue  # moved or removed while we were reading
            parsed = message_from_bytes(stored.as_bytes(), policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            delivered = datetime.fromtimestamp(stored.get_date(), tz=UTC)
            seen[key] = StoredEmail(key=key, delivered_at=delivered, message=parsed)
        emails.append(seen[key])
    return sorted(emails, key=lambda email: (email.delivered_at, email.key))
