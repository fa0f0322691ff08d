"""Per-request DataLoaders: a list of N items costs a constant number of downstream calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from services.gateway.adapters.request_cache import RequestCache
from services.gateway.adapters.upstream import Upstream, Upstreams
from services.gateway.errors import ErrorCode, GatewayError

Json = dict[str, Any]
# The deliverables service pages its lists; this is the page size used to read a whole list.
_LIST_PAGE = 100
# The most histories the deliverables service returns in one call.
_HISTORY_BATCH = 500


class Loaders:
    """Everything a request may load more than once, batched and cached for that request."""

    def __init__(self, upstreams: Upstreams) -> None:
        self._upstreams = upstreams
        self._cache = RequestCache()
        self.deliverable = DataLoader[int, Json | None](load_fn=self._load_deliverables)
        self.service = DataLoader[str, Json | None](load_fn=self._load_services)
        self.history = DataLoader[int, Json | None](
            load_fn=self._load_histories, max_batch_size=_HISTORY_BATCH
        )

    async def _load_deliverables(self, numbers: Sequence[int]) -> list[Json | None]:
        """``GET /deliverables?numbers=1,2,3``: one call for every deliverable a request names."""
        wanted = sorted(set(numbers))
        page = await self._upstreams.deliverables.get(
            "/deliverables",
            {"numbers": ",".join(str(n) for n in wanted), "limit": len(wanted), "offset": 0},
        )
        by_number = {item["number"]: item for item in page["items"]}
        return [by_number.get(number) for number in numbers]

    async def _load_histories(self, numbers: Sequence[int]) -> list[Json | None]:
        """``GET /deliverables/history?numbers=1,2,3``: one call for every history asked for."""
        wanted = sorted(set(numbers))
        found = await self._upstreams.deliverables.get(
            "/deliverables/history", {"numbers": ",".join(str(n) for n in wanted)}
        )
        by_number = {item["number"]: item for item in found}
        return [by_number.get(number) for number in numbers]

    async def _load_services(self, ids: Sequence[str]) -> list[Json | None]:
        """``GET /services/by-ids?ids=a,b``: one call for every service a request names."""
        wanted = sorted(set(ids))
        found = await self._upstreams.directory.get("/services/by-ids", {"ids": ",".join(wanted)})
        by_id = {str(item["id"]): item for item in found}
        return [by_id.get(service_id) for service_id in ids]

    async def _or_none(self, upstream: Upstream, path: str) -> Json | None:
        try:
            found: Json = await upstream.get(path)
        except GatewayError as error:
            if error.code is ErrorCode.NOT_FOUND:
                return None
            raise
        return found

    async def aims(self) -> list[Json]:
        result: list[Json] = await self._cache.once(
            "aims", lambda: self._upstreams.deliverables.get("/aims")
        )
        return result

    async def organisations(self) -> list[Json]:
        result: list[Json] = await self._cache.once(
            "organisations", lambda: self._upstreams.deliverables.get("/organisations")
        )
        return result

    async def rounds(self) -> list[Json]:
        result: list[Json] = await self._cache.once(
            "rounds", lambda: self._upstreams.deliverables.get("/rounds")
        )
        return result

    async def local_authorities(self) -> list[Json]:
        result: list[Json] = await self._cache.once(
            "local-authorities", lambda: self._upstreams.directory.get("/local-authorities")
        )
        return result

    async def service_types(self) -> list[Json]:
        result: list[Json] = await self._cache.once(
            "service-types", lambda: self._upstreams.directory.get("/service-types")
        )
        return result

    async def all_deliverables(self) -> list[Json]:
        """Every deliverable, read once per request (for cross-service "led by" fields)."""
        result: list[Json] = await self._cache.once("all-deliverables", self._read_all_deliverables)
        return result

    async def _read_all_deliverables(self) -> list[Json]:
        items: list[Json] = []
        while True:
            page = await self._upstreams.deliverables.get(
                "/deliverables", {"limit": _LIST_PAGE, "offset": len(items)}
            )
            items.extend(page["items"])
            if not page["items"] or len(items) >= page["total"]:
                return items

    async def deliverables_led_by(self, slug: str) -> list[Json]:
        everything = await self.all_deliverables()
        return [d for d in everything if slug in {p["slug"] for p in d["lead_partners"]}]

    async def aim(self, number: int) -> Json | None:
        return next((a for a in await self.aims() if a["number"] == number), None)

    async def local_authority(self, code: str) -> Json | None:
        return next((a for a in await self.local_authorities() if a["code"] == code), None)
