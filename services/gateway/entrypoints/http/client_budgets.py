"""Who a request comes from, and the rate budgets it spends (shared through the gateway database).

The client is the peer's address, unless the peer is a configured trusted proxy: then it is the
*last* entry of ``X-Forwarded-For``, the one that proxy added. Entries before it are whatever the
client chose to send and never count. No proxy is trusted unless configured.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass

from starlette.types import Scope

from services.gateway.adapters.rate_limits import Limit, RateLimiter

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TrustedProxies:
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, text: str) -> TrustedProxies:
        """Comma-separated addresses or networks (``10.0.0.0/8``); empty trusts none."""
        parts = [part.strip() for part in text.split(",") if part.strip()]
        return cls(tuple(ipaddress.ip_network(part, strict=False) for part in parts))

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


def client_address(scope: Scope, proxies: TrustedProxies) -> str:
    """The real client's address as the trusted proxy (if any) reports it."""
    client = scope.get("client")
    peer = client[0] if client else "unknown"
    if not proxies.trusts(peer):
        return peer
    forwarded = b",".join(v for k, v in scope.get("headers", []) if k == b"x-forwarded-for")
    entries = [e.strip() for e in forwarded.decode("latin-1").split(",") if e.strip()]
    if not entries:
        return peer
    try:
        return str(ipaddress.ip_address(entries[-1]))
    except ValueError:
        return peer  # the proxy sent something that is not an address: count the proxy


def _token_key(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return "token:" + hashlib.sha256(value).hexdigest()[:32]
    return None


class ClientBudgets:
    """``burst`` requests at once per client, refilled at ``per_minute``.

    A request with a bearer token spends its token's budget and a five times larger budget of
    its address, so made-up tokens cannot dodge the limit; one without spends its address's.
    """

    def __init__(
        self,
        limiter: RateLimiter,
        *,
        per_minute: int,
        burst: int,
        proxies: TrustedProxies,
        address_factor: int = 5,
    ) -> None:
        self._limiter = limiter
        self._burst = burst
        self._per_minute = per_minute
        self._proxies = proxies
        self._address_factor = address_factor

    def address(self, scope: Scope) -> str:
        return client_address(scope, self._proxies)

    async def take(self, scope: Scope, address: str) -> float:
        """0 if the request may go ahead, else the seconds to wait."""
        token = _token_key(scope)
        factor = self._address_factor
        if token is None:
            limits = [Limit("ip:" + address, self._per_minute, self._burst)]
        else:
            limits = [
                Limit("ip+token:" + address, self._per_minute * factor, self._burst * factor),
                Limit(token, self._per_minute, self._burst),
            ]
        return await self._limiter.wait_for(limits)
