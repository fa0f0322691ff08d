"""What production accepts as a secret: never a value published in the repository, never a weak one.

A secret must carry at least 32 random bytes. Written as URL-safe base64 that is 43 characters,
as hex 64; we ask for 43 characters and at least 10 different ones, which a random value of that
size always has and a repeated word or a short password never does.
"""

from __future__ import annotations

MIN_SECRET_CHARACTERS = 43
MIN_DISTINCT_CHARACTERS = 10
HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'

# Every secret value that has ever been written in this repository (development defaults and
# the docker-compose fallbacks that once shipped). They are public, so production refuses them.
PUBLISHED_SECRETS = frozenset(
    {
        "development-only-identity-secret-change-me",
        "i4ksyUMYfLopeZM81zyqLovDZ8aFZCPJqAkZD2pr2mk",  # development identity key pair
        "vDn3RRynxKqo-IF1mIW9sO8Ok1tH8BohLC6Odr8aE2I",
        "development-only-gateway-token-secret-change-me",
        "development-only-notifications-token-secret",
        "development-only-web-session-secret-change-me",
        "compose-demo-identity-secret",
        "compose-demo-gateway-token-secret",
        "compose-demo-notifications-secret",
        "compose-demo-web-session-secret",
        "demo-password",
        "postgres",
    }
)


class WeakSecretError(ValueError):
    """A secret production must not run with; the message names the setting and the remedy."""


def weakness(value: str, *, published: frozenset[str] = PUBLISHED_SECRETS) -> str | None:
    """Why ``value`` is not a production secret, or None if it is acceptable."""
    if value in published or value.strip() in published:
        return "is a value published in the repository"
    if len(value) < MIN_SECRET_CHARACTERS:
        return f"is shorter than {MIN_SECRET_CHARACTERS} characters (32 random bytes)"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return "does not look random (too few different characters)"
    return None


def require_strong_secret(
    setting: str, value: str, *, also_published: frozenset[str] = frozenset()
) -> None:
    """Raise ``WeakSecretError`` naming ``setting`` (e.g. ``CJP_WEB_SESSION_SECRET``) if weak."""
    reason = weakness(value, published=PUBLISHED_SECRETS | also_published)
    if reason is not None:
        raise WeakSecretError(
            f"{setting} {reason}; production needs a secret of at least 32 random bytes. "
            f"Make one with: {HOW_TO_MAKE_ONE}"
        )


def require_private_database_password(setting: str, url: str) -> None:
    """Refuse a database URL whose password is published (compose's demo roles use their names)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    password = parsed.password
    if password is None:
        return  # SQLite, or a password supplied another way (e.g. a .pgpass or IAM)
    if password in PUBLISHED_SECRETS or password == parsed.username:
        raise WeakSecretError(
            f"{setting} uses a database password published in the repository; give the role "
            f"its own password, made with: {HOW_TO_MAKE_ONE}"
        )


def require_production_key(setting: str, value: str) -> None:
    """Refuse an identity key published in the repository (the development pair)."""
    if value.strip() in PUBLISHED_SECRETS:
        raise WeakSecretError(
            f"{setting} is the development key published in the repository; make a key pair "
            "with: cjp identity-keys"
        )
