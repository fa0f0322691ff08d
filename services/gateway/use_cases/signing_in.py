"""Signing in with a local account: throttled per account and per address, every try audited."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

import structlog
from sqlalchemy import Engine

from services.gateway.adapters.sign_in_throttle import (
    ThrottlePolicy,
    account_key,
    address_key,
    record_failure,
    record_success,
    seconds_blocked,
)
from services.gateway.errors import ErrorCode, GatewayError, unauthenticated
from services.gateway.use_cases import accounts
from shared.identity import Identity
from shared.redaction import mask_email

audit = structlog.get_logger("audit")


@dataclass(frozen=True)
class SignInAttempt:
    email: str
    password: str
    address: str


async def sign_in_with_password(
    engine: Engine, attempt: SignInAttempt, policy: ThrottlePolicy
) -> Identity:
    """The account's identity, or a refusal: throttled (``RATE_LIMITED``) or wrong."""
    keys = [account_key(attempt.email), address_key(attempt.address)]
    who = {"account": _masked(attempt.email), "address": attempt.address}
    wait = await asyncio.to_thread(seconds_blocked, engine, keys)
    if wait > 0:
        audit.warning("sign_in_audit", outcome="throttled", retry_after=math.ceil(wait), **who)
        raise GatewayError(
            ErrorCode.RATE_LIMITED,
            f"Too many failed sign-ins; wait {math.ceil(wait)} s and try again.",
        )
    identity = await asyncio.to_thread(
        accounts.authenticate, engine, email=attempt.email.strip(), password=attempt.password
    )
    if identity is None:
        failures = await asyncio.to_thread(_record_failures, engine, keys, policy)
        audit.warning("sign_in_audit", outcome="failed", failures=failures, **who)
        raise unauthenticated("That email and password do not match an account.")
    await asyncio.to_thread(record_success, engine, keys[0])
    audit.info("sign_in_audit", outcome="succeeded", role=identity.role.value, **who)
    return identity


def _record_failures(engine: Engine, keys: list[str], policy: ThrottlePolicy) -> int:
    account, address = keys
    by_account = record_failure(engine, account, free=policy.account_free_failures, policy=policy)
    record_failure(engine, address, free=policy.address_free_failures, policy=policy)
    return by_account.failures


def _masked(email: str) -> str:
    """Enough of what was typed to tell accounts apart, never all of it."""
    cleaned = email.strip().lower()
    return mask_email(cleaned) if "@" in cleaned else cleaned[:1] + "***"
