"""Clients of the configured Wix host, one per site and run, sharing one connection pool and, per site,
one rate limiter (the 200 requests/min are Wix's limit per site, whichever job is calling)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import httpx
from pydantic import SecretStr

from integrations.wix.client import WixApiService
from integrations.wix.ratelimit import RateLimit, TokenBucket
from integrations.wix.transport import DEFAULT_BASE_URL, RetryPolicy


class WixSettings(Protocol):
    """The part of `bot.settings.Settings` the Wix channel reads (integrations never import bot/)."""

    wix_api_url: str
    wix_api_key: SecretStr | None
    wix_site_id: str | None
    wix_rate_limit_per_minute: int
    wix_max_batch: int


@dataclass(frozen=True, slots=True)
class WixConfig:
    api_url: str = DEFAULT_BASE_URL
    rate_limit_per_minute: int = 200  # 0: no client-side limit
    max_batch: int | None = None  # a cap below the API maxima (300 / 1000)
    retry: RetryPolicy | None = None
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: WixSettings, *, retry: RetryPolicy | None = None) -> WixConfig:
        return cls(
            api_url=settings.wix_api_url,
            rate_limit_per_minute=settings.wix_rate_limit_per_minute,
            max_batch=settings.wix_max_batch,
            retry=retry,
        )


class WixClients:
    def __init__(self, config: WixConfig) -> None:
        self.config = config
        self._http = httpx.AsyncClient(base_url=config.api_url.rstrip("/"), timeout=config.timeout)
        self._limiters: dict[str, TokenBucket] = {}

    def _limiter(self, site_id: str) -> TokenBucket | None:
        per_minute = self.config.rate_limit_per_minute
        if per_minute <= 0:
            return None
        if site_id not in self._limiters:
            self._limiters[site_id] = TokenBucket(RateLimit(requests=per_minute))
        return self._limiters[site_id]

    @asynccontextmanager
    async def open(
        self,
        api_key: SecretStr,
        site_id: str,
        *,
        catalog_version: str | None = None,
        batch_sizes: dict[str, int] | None = None,
    ) -> AsyncIterator[WixApiService]:
        """A client of one site that starts from what the site remembers (version, batch sizes)."""
        client = WixApiService(
            api_key,
            site_id,
            base_url=self.config.api_url,
            retry=self.config.retry,
            rate_limit=None,
            limiter=self._limiter(site_id),
            max_batch=self.config.max_batch,
            batch_sizes=batch_sizes,
            catalog_version=catalog_version,
            http_client=self._http,
        )
        async with client:
            yield client

    async def aclose(self) -> None:
        await self._http.aclose()
