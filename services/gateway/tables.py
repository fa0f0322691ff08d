"""The gateway's own tables: only local accounts (it keeps nothing else durable)."""

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
