"""SMTP delivery with aiosmtplib: builds the message, tells temporary from permanent failure."""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from enum import StrEnum

import aiosmtplib

from services.notifications.domain.plain_text import one_line
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases.composing import OutgoingEmail


class Outcome(StrEnum):
    SENT = "sent"
    TEMPORARY = "temporary"  # 4xx, refused connection, timeout: try again later
    PERMANENT = "permanent"  # 5xx, or a message that cannot be built: this will never go
    UNAVAILABLE = "unavailable"  # the server cannot be reached: nothing was attempted


class SmtpUnavailable(Exception):
    """Connecting to the SMTP server failed: the server is away, not this email's fault."""


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    reason: str | None = None


def message_id(delivery_id: int, domain: str) -> str:
    """The same Message-ID for every attempt of one delivery, so a resend is recognisable."""
    return f"<delivery-{delivery_id}@{domain}>"


def build_message(email: OutgoingEmail, *, mail_from: str, message_id: str) -> bytes:
    """The MIME message as bytes: multipart/alternative with plain text first, then HTML.

    Written out directly: the standard library's generator folds every header and compiles a
    regular expression per message, about 30 times the cost of writing the same bytes here
    (profiled in bench/notifications_fanout.py). Every header value is made one line here,
    whatever the caller passed; a non-ASCII subject is RFC 2047 encoded.
    """
    headers = [
        f'Content-Type: multipart/alternative; boundary="{_BOUNDARY}"',
        "MIME-Version: 1.0",
        f"From: {_address_header(mail_from)}",
        f"To: {_address_header(email.to)}",
        f"Subject: {_header(one_line(email.subject))}",
        f"Date: {formatdate(localtime=False)}",
        f"Message-ID: {one_line(message_id)}",
    ]
    if email.unsubscribe_url:
        headers.append(f"List-Unsubscribe: <{one_line(email.unsubscribe_url)}>")
        headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    parts = [_text_part(email.text, "plain"), _text_part(email.html, "html")]
    return "\n".join([*headers, "", *parts, f"--{_BOUNDARY}--", ""]).encode("ascii")


# Quoted-printable bodies write every "=" as "=3D", so "=_" can never occur inside a part.
_BOUNDARY = "=_cjp-alternative_="


def _text_part(body: str, subtype: str) -> str:
    # binascii's quoted-printable (C) quotes each octet of the UTF-8 and every "=", folds lines
    # at 76 and keeps "\n" line ends: what email.quoprimime writes, at a tenth of the cost.
    utf8 = body.replace("\r\n", "\n").encode("utf-8")
    encoded = binascii.b2a_qp(utf8, quotetabs=False, istext=True, header=False).decode("ascii")
    return (
        f"--{_BOUNDARY}\n"
        f'Content-Type: text/{subtype}; charset="utf-8"\n'
        "Content-Transfer-Encoding: quoted-printable\n"
        f"\n{encoded}\n"
    )


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def _address_header(value: str) -> str:
    """One line; a non-ASCII display name is RFC 2047 encoded, the address kept as it is."""
    value = one_line(value)
    if value.isascii():
        return value
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if address else _header(value)


def classify(exc: BaseException) -> SendResult:
    """Map an aiosmtplib or socket error to a retry decision, keeping the server's words."""
    if isinstance(exc, SmtpUnavailable):
        return SendResult(Outcome.UNAVAILABLE, str(exc)[:500])
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        refused = exc.recipients[0]
        return _by_code(refused.code, f"{refused.code} {refused.message}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return _by_code(exc.code, f"{exc.code} {exc.message}")
    return SendResult(Outcome.TEMPORARY, f"{type(exc).__name__}: {exc}"[:500])


def _by_code(code: int, reason: str) -> SendResult:
    outcome = Outcome.PERMANENT if 500 <= code < 600 else Outcome.TEMPORARY
    return SendResult(outcome, reason[:500])


class SmtpConnection:
    """One reusable SMTP session; reconnects after any failure. An email goes in two steps,
    ``open_envelope`` then ``send_message``, so that a sender can wait between them."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self._settings = settings
        self._client: aiosmtplib.SMTP | None = None
        self._envelope_from = parseaddr(settings.mail_from)[1]

    async def open_envelope(self, to: str) -> SendResult | None:
        """MAIL FROM and RCPT TO for one email: None when the server awaits the message, else
        the classified failure. Nothing is accepted yet: a session that is closed now delivers
        nothing, so a sender may make these round trips while the email before is recorded."""
        try:
            await self._envelope_on_live_session(to)
        except (aiosmtplib.SMTPException, SmtpUnavailable, OSError, TimeoutError) as exc:
            await self.close()  # a fresh session is simpler than recovering a half-sent one
            return classify(exc)
        return None

    async def send_message(self, message: bytes) -> SendResult:
        """DATA for the envelope just opened: the server's answer accepts the email or not."""
        client = self._client
        try:
            if client is None:
                raise aiosmtplib.SMTPServerDisconnected("the session closed before the message")
            await client.data(message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await self.close()
            return classify(exc)
        return SendResult(Outcome.SENT)

    async def _envelope_on_live_session(self, to: str) -> None:
        """A kept-open session the server has since closed gets one fresh reconnect."""
        reused = self._client is not None and self._client.is_connected
        try:
            await self._envelope(await self._connected(), to)
        except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
            if not reused:
                raise
            await self.close()
            await self._envelope(await self._connected(), to)

    async def _envelope(self, client: aiosmtplib.SMTP, to: str) -> None:
        await client.mail(self._envelope_from)
        await client.rcpt(to)

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            settings = self._settings
            client = aiosmtplib.SMTP(
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username,
                password=settings.smtp_password,
                use_tls=settings.smtp_use_tls,
                start_tls=settings.smtp_start_tls,
                timeout=settings.smtp_timeout_seconds,
            )
            try:
                await client.connect()
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                client.close()
                raise SmtpUnavailable(f"cannot reach the SMTP server: {exc}") from exc
            self._client = client
        return self._client

    async def reachable(self) -> bool:
        """Whether a session can be opened (used to probe a server that was away)."""
        try:
            await self._connected()
        except SmtpUnavailable:
            return False
        return True

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()
