"""Masking what must not reach logs whole: email addresses and tokens."""

from __future__ import annotations

import re

EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-])[\w.-]*\.([A-Za-z]{2,})\b")
# Query-string and form parameters that carry secrets (notifications' link tokens, bearer
# tokens, passwords) and anything that looks like a JWT.
SECRET_PARAMETER = re.compile(
    r"(?i)\b(token|manage_token|confirm_token|unsubscribe_token|password|secret|key|code)"
    r"=([^&\s\"']+)"
)
JWT = re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")
SIGNED_TOKEN = re.compile(r"\b[\w-]{20,}\.[\w-]{5,}\.[\w-]{20,}\b")  # itsdangerous


def mask_email(address: str) -> str:
    """``coordinator@cjp.test`` -> ``c***@c***.test``: enough to tell accounts apart in logs."""
    return EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}***.{m.group(3)}", address)


def redact(text: str) -> str:
    """``text`` with secrets in parameters, JWTs and signed tokens replaced, emails masked."""
    text = SECRET_PARAMETER.sub(lambda m: f"{m.group(1)}=[redacted]", text)
    text = JWT.sub("[redacted-jwt]", text)
    text = SIGNED_TOKEN.sub("[redacted-token]", text)
    return mask_email(text)
