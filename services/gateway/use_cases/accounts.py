"""Local accounts: argon2 password hashes, demo accounts for development, sign-in checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import select

from services.gateway.adapters.tables import Account
from shared.db import transaction
from shared.identity import Identity, Role

log = structlog.get_logger()
_hasher = PasswordHasher()
# Verifying against this keeps sign-in timing the same whether or not the email exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    organisation: str | None = None
    local_authority: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("coordinator@cjp.test", "Demo Coordinator", Role.COORDINATOR),
    DemoAccount(
        "sg.editor@cjp.test",
        "Scottish Government editor",
        Role.PARTNER_EDITOR,
        organisation="scottish-government",
    ),
    DemoAccount(
        "cjs.editor@cjp.test",
        "Community Justice Scotland editor",
        Role.PARTNER_EDITOR,
        organisation="community-justice-scotland",
    ),
    DemoAccount(
        "police.editor@cjp.test",
        "Police Scotland editor",
        Role.PARTNER_EDITOR,
        organisation="police-scotland",
    ),
    DemoAccount(
        "fife.editor@cjp.test",
        "Fife directory editor",
        Role.DIRECTORY_EDITOR,
        local_authority="fife",
    ),
    DemoAccount(
        "glasgow.editor@cjp.test",
        "Glasgow directory editor",
        Role.DIRECTORY_EDITOR,
        local_authority="glasgow-city",
    ),
    DemoAccount("sheriff@cjp.test", "Demo Sheriff", Role.JUDICIARY),
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_account(engine: Engine, demo: DemoAccount, *, password_hash: str) -> bool:
    """Create one account unless its email is already taken; True if it was created."""
    with transaction(engine) as session:
        if session.exec(select(Account).where(Account.email == demo.email)).first():
            return False
        session.add(
            Account(
                email=demo.email,
                name=demo.name,
                password_hash=password_hash,
                role=demo.role.value,
                organisation=demo.organisation,
                local_authority=demo.local_authority,
                created_at=datetime.now(UTC),
            )
        )
    return True


def create_demo_accounts(engine: Engine, *, password: str) -> None:
    """Create the demo accounts of docs/contracts.md that do not exist yet."""
    # One (salted) hash serves every demo account: they share the demo password anyway.
    password_hash = hash_password(password)
    created = sum(create_account(engine, d, password_hash=password_hash) for d in DEMO_ACCOUNTS)
    log.info("demo_accounts_ready", created=created, count=len(DEMO_ACCOUNTS))


def authenticate(engine: Engine, *, email: str, password: str) -> Identity | None:
    """The identity of the account with this email and password, or None."""
    with transaction(engine) as session:
        account = session.exec(select(Account).where(Account.email == email.lower())).first()
    if account is None:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(account.password_hash, password):
        return None
    return Identity(
        subject=account.email,
        name=account.name,
        role=Role(account.role),
        organisation=account.organisation,
        local_authority=account.local_authority,
    )


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
