"""Read side for aims with their priority actions, and organisations with their aliases."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from services.deliverables.adapters.tables import (
    Aim,
    Organisation,
    OrganisationAlias,
    PriorityAction,
)
from services.deliverables.schemas import AimOut, OrganisationOut, PriorityActionOut


def list_aims(session: Session) -> list[AimOut]:
    actions: dict[int, list[PriorityActionOut]] = defaultdict(list)
    for action in session.exec(select(PriorityAction).order_by(col(PriorityAction.number))):
        actions[action.aim_number].append(
            PriorityActionOut(number=action.number, title=action.title)
        )
    return [
        AimOut(number=aim.number, title=aim.title, priority_actions=actions[aim.number])
        for aim in session.exec(select(Aim).order_by(col(Aim.number)))
    ]


def list_organisations(session: Session) -> list[OrganisationOut]:
    aliases: dict[str, list[str]] = defaultdict(list)
    for alias in session.exec(select(OrganisationAlias).order_by(col(OrganisationAlias.alias))):
        aliases[alias.organisation_slug].append(alias.alias)
    return [
        OrganisationOut(slug=item.slug, name=item.name, aliases=aliases[item.slug])
        for item in session.exec(select(Organisation).order_by(col(Organisation.name)))
    ]
