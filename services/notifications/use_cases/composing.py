"""Turn a delivery row into a ready email: recipient, subject, plain text and HTML, links."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import escape
from sqlmodel import Session, col, select

from services.notifications.adapters.leases import ClaimedDelivery
from services.notifications.adapters.tables import (
    DeliveryKind,
    DigestEntry,
    Frequency,
    ReceivedEvent,
)
from services.notifications.adapters.tokens import LinkTokens, Purpose
from services.notifications.domain.consumed import REGISTRY
from services.notifications.domain.consumed.registry import EventWords, WebLinks
from services.notifications.domain.plain_text import one_line
from services.notifications.domain.wording import describe_target

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parents[1] / "templates"),
    autoescape=select_autoescape(["html", "html.j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_OWNER_WHY = (
    "You are getting this because your partnership is named as the owner of this directory "
    "entry. Sheriffs and partners rely on it being right."
)
_OWNER_KINDS = {DeliveryKind.REVIEW_DUE, DeliveryKind.CORRECTION_SUGGESTED}
RENDERED_KEPT = 64
# Stand-ins for a recipient's own links while an event's email is rendered once for them all.
MANAGE_SLOT = "cjp-slot-manage-url"
UNSUBSCRIBE_SLOT = "cjp-slot-unsubscribe-url"
FREQUENCY_WORDS = {"immediately": "as they happen", "daily": "once a day", "weekly": "once a week"}


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str | None


class Composer:
    """Writes emails from templates; links are signed with ``LinkTokens``."""

    def __init__(self, *, base_url: str, tokens: LinkTokens, web_base_url: str) -> None:
        self._base_url = base_url.rstrip("/")
        self._tokens = tokens
        self._web = WebLinks(web_base_url)
        # An event's email for one kind of target, with slots for each recipient's links.
        self._rendered: dict[tuple[uuid.UUID, str], OutgoingEmail] = {}

    def link(self, page: str, purpose: Purpose, subject_id: int) -> str:
        return f"{self._base_url}/{page}?token={self._tokens.issue(purpose, subject_id)}"

    def compose(self, session: Session, delivery: ClaimedDelivery) -> OutgoingEmail | None:
        """The email for a delivery, or None when there is nobody to send it to any more.

        ``session`` only reads (the event, a digest's entries): no write lock is held while a
        batch is written."""
        if delivery.kind in _OWNER_KINDS:
            return self._owner_mail(session, delivery)
        if delivery.subscriber_id is None or delivery.email is None:
            return None
        if delivery.kind == DeliveryKind.DIGEST:
            return self._digest(session, delivery, delivery.subscriber_id, delivery.email)
        target = _target_words(delivery)
        if target is None or delivery.subscription_id is None:
            return None
        if delivery.kind == DeliveryKind.CONFIRMATION:
            return self._confirmation(delivery.email, delivery.subscription_id, delivery, target)
        return self._event(session, delivery, delivery.email, target)

    def _confirmation(
        self, to: str, subscription_id: int, delivery: ClaimedDelivery, target: str
    ) -> OutgoingEmail:
        frequency = FREQUENCY_WORDS[delivery.frequency or Frequency.IMMEDIATELY]
        context = {
            "intro": f"Someone, hopefully you, asked for emails about {target}, "
            f"sent {frequency}. Please confirm this by pressing "
            "the button below. The link works for 7 days. If it was not you, ignore this "
            "email and nothing will happen.",
            "action": {
                "label": "Yes, send me these emails",
                "url": self.link("confirm", Purpose.CONFIRM, subscription_id),
            },
            "why": "You are getting this email because this address was entered on our "
            "sign-up form.",
            "unsubscribe_url": self.link("unsubscribe", Purpose.UNSUBSCRIBE, subscription_id),
        }
        return self._render(to, f"Please confirm: emails about {target}", context)

    def _event(
        self, session: Session, delivery: ClaimedDelivery, to: str, target: str
    ) -> OutgoingEmail | None:
        """Rendered once per event and target; each recipient's own links are put in after."""
        assert delivery.subscriber_id is not None and delivery.subscription_id is not None
        if delivery.event_id is None:
            return None
        shared = self._rendered.get((delivery.event_id, target))
        if shared is None:
            event = session.get(ReceivedEvent, delivery.event_id)
            if event is None:
                return None
            shared = self._render_event(event, target)
            if len(self._rendered) >= RENDERED_KEPT:
                self._rendered.pop(next(iter(self._rendered)))  # the oldest
            self._rendered[(delivery.event_id, target)] = shared
        manage = self.link("manage", Purpose.MANAGE, delivery.subscriber_id)
        unsubscribe = self.link("unsubscribe", Purpose.UNSUBSCRIBE, delivery.subscription_id)
        return OutgoingEmail(
            to,
            shared.subject,
            _with_links(shared.text, manage, unsubscribe),
            _with_links(shared.html, str(escape(manage)), str(escape(unsubscribe))),
            unsubscribe,
        )

    def _render_event(self, event: ReceivedEvent, target: str) -> OutgoingEmail:
        words = self._words(event)
        context = {
            "intro": "There is news about something you follow:",
            "items": [words],
            "why": f"You are getting this because you asked for emails about {target}.",
            "manage_url": MANAGE_SLOT,
            "unsubscribe_url": UNSUBSCRIBE_SLOT,
        }
        return self._render("", words.headline, context)

    def _digest(
        self, session: Session, delivery: ClaimedDelivery, subscriber_id: int, to: str
    ) -> OutgoingEmail | None:
        statement = (
            select(ReceivedEvent)
            .join(DigestEntry, col(DigestEntry.event_id) == col(ReceivedEvent.event_id))
            .where(DigestEntry.delivery_id == delivery.id)
            .order_by(col(ReceivedEvent.occurred_at))
        )
        items: list[EventWords] = [self._words(event) for event in session.exec(statement)]
        if not items:
            return None
        period = (delivery.digest_period or "daily").split(":", 1)[0]
        context = {
            "intro": f"Here is your {period} summary: {len(items)} update(s) since the last one.",
            "items": items,
            "why": f"You are getting this because you asked for a {period} summary "
            "of what you follow.",
            "manage_url": self.link("manage", Purpose.MANAGE, subscriber_id),
            "unsubscribe_url": self.link("unsubscribe", Purpose.UNSUBSCRIBE_ALL, subscriber_id),
        }
        return self._render(to, f"Your {period} summary: {len(items)} update(s)", context)

    def _owner_mail(self, session: Session, delivery: ClaimedDelivery) -> OutgoingEmail | None:
        """Mail to a directory entry's owning partnership (a review is due, or a correction)."""
        event = session.get(ReceivedEvent, delivery.event_id)
        if event is None or not delivery.recipient:
            return None
        typed = REGISTRY.read(event.event_type, event.data)
        if typed.kind.owner_mail is None:
            return None
        words = typed.words(self._web)
        context = {
            "intro": typed.kind.owner_mail.intro,
            "why": _OWNER_WHY,
            "items": [words],
            "steps": typed.owner_steps(),
        }
        return self._render(delivery.recipient, words.headline, context)

    def _words(self, event: ReceivedEvent) -> EventWords:
        """The event's words, from its facts read back with its registry entry's model."""
        return REGISTRY.read(event.event_type, event.data).words(self._web)

    def _render(self, to: str, subject: str, context: dict[str, Any]) -> OutgoingEmail:
        context = {
            "items": [],
            "action": None,
            "steps": [],
            "manage_url": None,
            "unsubscribe_url": None,
            **context,
        }
        subject = one_line(subject)  # a name with a line break must not break the header
        context["subject"] = subject
        text = TEMPLATES.get_template("email.txt.j2").render(context)
        html = TEMPLATES.get_template("email.html.j2").render(context)
        return OutgoingEmail(to, subject, text, html, context["unsubscribe_url"])


def _with_links(body: str, manage: str, unsubscribe: str) -> str:
    return body.replace(MANAGE_SLOT, manage).replace(UNSUBSCRIBE_SLOT, unsubscribe)


def _target_words(delivery: ClaimedDelivery) -> str | None:
    """What the delivery's subscription follows, in words; None when the subscription is gone."""
    if delivery.target_kind is None:
        return None
    return describe_target(
        delivery.target_kind, delivery.target_value or "", delivery.transition or "any"
    )
