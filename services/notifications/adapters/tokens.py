"""Signed, expiring tokens for the links in emails (confirm, unsubscribe one or all, manage)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

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


class LinkTokens:
    """Issues and reads tokens; a token signed for one purpose is never valid for another."""

    def __init__(self, *, secret: str, confirm_max_age: int, link_max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="cjp-notifications-links")
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
