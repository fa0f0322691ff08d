"""Local accounts on SQLite and PostgreSQL: migrations, argon2 hashes, demo accounts, sign-in."""

from __future__ import annotations

from sqlmodel import Session, select

from services.gateway.adapters.tables import Account
from services.gateway.use_cases.accounts import DEMO_ACCOUNTS, authenticate, create_demo_accounts
from services.gateway.wiring import MIGRATIONS
from shared.db import make_engine, upgrade_database
from shared.identity import Role


def test_demo_accounts_are_created_once_with_argon2_hashes(database_url: str) -> None:
    upgrade_database(database_url, MIGRATIONS)
    engine = make_engine(database_url)
    create_demo_accounts(engine, password="s3cret-demo")
    create_demo_accounts(engine, password="another")  # a second start changes nothing
    with Session(engine) as session:
        accounts = session.exec(select(Account)).all()
    engine.dispose()
    assert sorted(a.email for a in accounts) == sorted(d.email for d in DEMO_ACCOUNTS)
    assert all(a.password_hash.startswith("$argon2id$") for a in accounts)
    assert all("s3cret-demo" not in a.password_hash for a in accounts)


def test_sign_in_checks_the_password_and_returns_the_scoped_identity(database_url: str) -> None:
    upgrade_database(database_url, MIGRATIONS)
    engine = make_engine(database_url)
    create_demo_accounts(engine, password="s3cret-demo")
    identity = authenticate(engine, email="Police.Editor@cjp.test", password="s3cret-demo")
    wrong = authenticate(engine, email="police.editor@cjp.test", password="another")
    unknown = authenticate(engine, email="nobody@cjp.test", password="s3cret-demo")
    engine.dispose()
    assert identity is not None
    assert identity.role is Role.PARTNER_EDITOR and identity.organisation == "police-scotland"
    assert wrong is None and unknown is None
