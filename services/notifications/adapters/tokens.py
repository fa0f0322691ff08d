"""Signed, expiring tokens for the links in emails (confirm, unsubscribe one or all, manage)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer

from shared.errors import BadUserInput


class Purpose(StrEnum):
    CONFIRM = "confirm"
    UNSUBSCRIBE = "unsubscribe"
    UNSUBSCRIBE_ALL = "unsubscribe_all"
    MANAGE = "manage"


@dataclass(frozen=True)
class LinkClaim:
    purpose: Purpose
    subject_id: int  # a subscription id, or a subscriber id for *_ALL and MANAGE


class _LinkSerializer(URLSafeTimedSerializer):
    """The library's URL-safe timed tokens, written without first trying to zlib the claim.

    A claim of a purpose and an id (about 30 bytes of JSON) never shrinks, so the library writes
    it uncompressed anyway: the bytes are the same, without the attempt, which was half the cost
    of a token and a sender writes two per email (profiled in bench/notifications_fanout.py).
    Reading is the library's own and still takes a compressed token.
    """

    def dump_payload(self, obj: Any) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


class LinkTokens:
    """Issues and reads tokens; a token signed for one purpose is never valid for another."""

    def __init__(self, *, secret: str, confirm_max_age: int, link_max_age: int) -> None:
        self._serializer = _LinkSerializer(secret, salt="cjp-notifications-links")
        self._confirm_max_age = confirm_max_age
        self._link_max_age = link_max_age

    def issue(self, purpose: Purpose, subject_id: int) -> str:
        return str(self._serializer.dumps({"p": purpose.value, "id": subject_id}))

    def read(self, token: str, *, allowed: set[Purpose]) -> LinkClaim:
        """The claim in a token, or ``BadUserInput`` if it is forged, expired or for another use."""
        max_age = self._confirm_max_age if allowed == {Purpose.CONFIRM} else self._link_max_age
        try:
            payload = self._serializer.loads(token, max_age=max_age)
        except SignatureExpired as exc:
            raise BadUserInput(
                "This link has expired. Please subscribe again.", field="token"
            ) from exc
        except BadSignature as exc:
            raise BadUserInput("This link is not valid.", field="token") from exc
        claim = LinkClaim(purpose=Purpose(payload["p"]), subject_id=int(payload["id"]))
        if claim.purpose not in allowed:
            raise BadUserInput("This link is not valid for this action.", field="token")
        return claim
