"""Validated input of the subscription API (the HTTP boundary)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.notifications.adapters.tables import Frequency
from services.notifications.domain.targets import NEEDS_NO_VALUE, TargetKind, Transition

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Target(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    kind: TargetKind
    value: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _value_when_needed(self) -> Target:
        if self.kind in NEEDS_NO_VALUE:
            self.value = ""
        elif not self.value:
            raise ValueError(f"a subscription to a {self.kind.value} needs a value")
        return self


class SubscribeRequest(BaseModel):
    """Contract fields, plus optional `transition`, `timezone`, `digest_time`, `digest_weekday`."""

    email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
    target: Target
    frequency: Frequency = Frequency.IMMEDIATELY
    transition: Transition = Transition.ANY
    timezone: str | None = None
    digest_time: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    digest_weekday: int | None = Field(default=None, ge=0, le=6)

    @field_validator("email")
    @classmethod
    def _normalise_email(cls, value: str) -> str:
        return value.strip().lower()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class TokenRequest(BaseModel):
    token: str = Field(min_length=1, max_length=1000)


class StatusResponse(BaseModel):
    status: str


class TargetOut(BaseModel):
    kind: str
    value: str


class SubscriptionOut(BaseModel):
    """One live subscription as its holder sees it (``POST /subscriptions/mine``)."""

    id: int
    target: TargetOut
    frequency: str
    transition: str
    status: str
    confirmed: bool


class SubscriptionList(BaseModel):
    items: list[SubscriptionOut]
