"""The gateway's own tables: local accounts, and the budgets every replica shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class GatewayTable(SQLModel, registry=registry()):
    """Base of every gateway table, with its own registry (see docs/contracts.md "Tables")."""


class Account(GatewayTable, table=True):
    """A local sign-in for the embedded default; production uses OIDC instead."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=320)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=40)
    organisation: str | None = Field(default=None, max_length=100)
    local_authority: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=DateTime(timezone=True))


class RateBudget(GatewayTable, table=True):
    """One client's rate budget as a theoretical arrival time (GCRA, a token bucket in a row)."""

    __tablename__ = "rate_budget"

    key: str = Field(primary_key=True, max_length=200)
    tat: float = Field(index=True)  # Unix seconds the budget is spent until
    allowed: bool  # whether the last request that touched it went ahead


class SignInThrottle(GatewayTable, table=True):
    """Failed sign-ins in a row for one account or one address, and when it may try again."""

    __tablename__ = "sign_in_throttle"

    key: str = Field(primary_key=True, max_length=200)
    failures: int
    blocked_until: float  # Unix seconds
