"""One entry per consumed event type: its typed facts, its audience, and its words.

The consumer parses an event's ``data`` with its entry's facts model; the stored facts are read
back with the same model when its email is written, so they stay typed from consumer to
composer. Nothing else in the service dispatches on event-type strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from services.notifications.domain.targets import Audience


class Facts(BaseModel):
    """Base of every facts model: only the fields this service needs; numbers read as text."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


F = TypeVar("F", bound=Facts)


class MalformedEvent(Exception):
    """The message cannot be understood; it belongs on the dead-letter topic."""


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class EventWords:
    """An event in plain words: a headline, detail lines and, where there is one, a web page."""

    headline: str
    details: list[str] = field(default_factory=list)
    link: Link | None = None


@dataclass(frozen=True)
class WebLinks:
    """Pages of the public web front end that emails link to."""

    base_url: str

    def deliverable(self, number: int | str) -> str:
        return f"{self.base_url.rstrip('/')}/plan/deliverables/{number}"


@dataclass(frozen=True)
class OwnerMail:
    """Mail to the directory entry's owning partnership (``owner_email``), never to subscribers."""

    kind: str  # a DeliveryKind value
    intro: str
    steps: Callable[[Any], list[str]]
    recipient: Callable[[Any], str | None]


@dataclass(frozen=True)
class ConsumedEvent(Generic[F]):
    """Everything this service knows about one event type it consumes."""

    event_type: str
    topic: str
    facts: type[F]
    audience: Callable[[F], Audience]
    words: Callable[[F, WebLinks], EventWords]
    owner_mail: OwnerMail | None = None


@dataclass(frozen=True)
class TypedEvent(Generic[F]):
    """An event's registry entry with its parsed facts: the two always travel together."""

    kind: ConsumedEvent[F]
    facts: F

    def audience(self) -> Audience:
        if self.kind.owner_mail is not None:
            return Audience((), frozenset())  # mailed to the owner only
        return self.kind.audience(self.facts)

    def words(self, links: WebLinks) -> EventWords:
        return self.kind.words(self.facts, links)

    def owner_steps(self) -> list[str]:
        return self.kind.owner_mail.steps(self.facts) if self.kind.owner_mail else []

    def owner_recipient(self) -> str | None:
        return self.kind.owner_mail.recipient(self.facts) if self.kind.owner_mail else None


class Registry:
    """The consumed event types by name; unknown types are not ours to act on."""

    def __init__(self, entries: Iterable[ConsumedEvent[Any]]) -> None:
        self._entries: dict[str, ConsumedEvent[Any]] = {}
        for entry in entries:
            if entry.event_type in self._entries:
                raise ValueError(f"{entry.event_type} is registered twice")
            self._entries[entry.event_type] = entry

    def __iter__(self) -> Any:
        return iter(self._entries.values())

    @property
    def topics(self) -> list[str]:
        return sorted({entry.topic for entry in self._entries.values()})

    def get(self, event_type: str) -> ConsumedEvent[Any] | None:
        return self._entries.get(event_type)

    def parse(self, event_type: str, data: dict[str, Any]) -> TypedEvent[Any] | None:
        """The typed event, None for a type we do not act on; MalformedEvent if unusable."""
        entry = self._entries.get(event_type)
        if entry is None:
            return None
        try:
            return TypedEvent(entry, entry.facts.model_validate(data))
        except ValidationError as exc:
            error = exc.errors()[0]
            raise MalformedEvent(
                f"{event_type} data invalid: {error['loc']} {error['msg']}"
            ) from exc

    def read(self, event_type: str, stored_json: str) -> TypedEvent[Any]:
        """Stored facts read back with the model they were accepted with."""
        entry = self._entries[event_type]
        return TypedEvent(entry, entry.facts.model_validate_json(stored_json))
