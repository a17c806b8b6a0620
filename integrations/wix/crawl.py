"""Every Catalog V1 product of a site, read from both ends of the `numericId` order at once.

Wix's advice for a full V1 crawl is keyset paging: sort by `numericId`, ask for `numericId $gt <last>`,
100 per page. One chain of such pages waits a full round trip per 100 products; two chains, one going
up from the lowest `numericId` and one coming down from the highest (`$lt <last>`, sorted descending),
halve that wait and still make ⌈products/100⌉ requests: the first page alone learns how many products
there are, then each chain claims a page only while products remain unclaimed, and both stop where
they meet. Keyset paging stays consistent while the catalog changes: a product added meanwhile gets a
higher `numericId` (it is read next time), one removed shifts nothing (the chains stop when their
cursors cross instead of when the count is reached). A 5xx halves the page size for both chains.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from integrations.wix.batching import BatchKind, shrinking
from integrations.wix.client import WixApiService
from integrations.wix.errors import WixProtocolError
from integrations.wix.models import WixProduct

KIND = BatchKind.V1_PRODUCT_QUERY
UP = [{"numericId": "asc"}]
DOWN = [{"numericId": "desc"}]


async def together(*steps: Awaitable[Any]) -> list[Any]:
    """Run the steps at once; the first failure cancels the others and is raised as it is (a
    `WixAuthError` stays one, where a TaskGroup would wrap it in an ExceptionGroup)."""
    tasks = [asyncio.ensure_future(step) for step in steps]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class BothEnds:
    def __init__(self, wix: WixApiService, on_page: Callable[[int], Awaitable[None]]) -> None:
        self._wix = wix
        self._on_page = on_page  # called with the number of new products each page brought
        self.products: dict[str, WixProduct] = {}
        self._total: int | None = None  # products when the crawl began (None: Wix did not say)
        self._claimed = 0
        self._below: int | None = None  # the highest numericId the upward chain has read
        self._above: int | None = None  # the lowest numericId the downward chain has read
        self._finished = False

    async def run(self) -> list[WixProduct]:
        """The products in `numericId` order."""
        await self._step(up=True)
        if not self._finished:
            await together(self._chain(up=True), self._chain(up=False))
        return sorted(self.products.values(), key=lambda product: int(product.numeric_id or 0))

    def _unclaimed(self) -> int:
        if self._total is None:
            return 1  # no count to go by: the chains run until they meet
        return self._total - len(self.products) - self._claimed

    async def _chain(self, *, up: bool) -> None:
        while not self._finished and self._unclaimed() > 0:
            await self._step(up=up)

    async def _page(
        self, flt: dict[str, Any], up: bool, size: int
    ) -> tuple[list[WixProduct], int | None, int]:
        page = await self._wix.query_products(
            flt, limit=size, include_variants=True, include_hidden=True, sort=UP if up else DOWN
        )
        return page.products, page.total_results, size

    async def _step(self, *, up: bool) -> None:
        cursor = self._below if up else self._above
        flt = {} if cursor is None else {"numericId": {"$gt" if up else "$lt": cursor}}
        claim = self._wix.effective_batch_size[KIND]
        self._claimed += claim
        try:
            page, total, size = await shrinking(
                self._wix.effective_batch_size, KIND, partial(self._page, flt, up)
            )
        finally:
            self._claimed -= claim
        if cursor is None and up:
            self._total = total
        if any(product.numeric_id is None for product in page):
            raise WixProtocolError("V1 crawl: a product came without numericId")
        ids = [int(product.numeric_id or 0) for product in page]
        new = 0
        for product in page:
            if product.id not in self.products:
                self.products[product.id] = product
                new += 1
        if ids and up:
            self._below = max(ids) if self._below is None else max(self._below, *ids)
        elif ids:
            self._above = min(ids) if self._above is None else min(self._above, *ids)
        met = self._below is not None and self._above is not None and self._below >= self._above
        counted = self._total is not None and len(self.products) >= self._total
        if len(page) < size or met or counted:
            self._finished = True
        await self._on_page(new)
