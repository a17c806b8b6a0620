"""WixApiService: one Wix site (API key + site id) over REST.

Low-level methods map one-to-one to Wix endpoints (Catalog V1 products, Inventory V2, V3 inventory items,
eCom orders) and return the pydantic models of `models.py`; `iter_*` methods page automatically within
the API limits. The SKU-level methods (`get_wix_products_info_by_sku_list`,
`update_inventory_by_sku_list`) work on either catalog version and switch by themselves when Wix answers
that the site runs the other one.

Counters for the caller: `requests_made` (every HTTP attempt, retries included) and
`effective_batch_size[kind]` (the batch size per call kind that last worked; persist it per site and pass
it back as `batch_sizes=`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from types import TracebackType
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretStr
from pydantic import ValidationError as PydanticValidationError

from integrations.wix.batching import BatchKind, BatchSizes, shrinking
from integrations.wix.errors import (
    WixCatalogVersionMismatch,
    WixError,
    WixProtocolError,
    WixStoresNotInstalled,
)
from integrations.wix.filters import (
    WixInventoryFilter,
    WixProductFilter,
    as_filter,
    merge_filters,
    wix_time,
)
from integrations.wix.lookup import lookup_skus
from integrations.wix.models import (
    BulkResult,
    CatalogVersion,
    InventoryItemsPage,
    InventoryItemV2,
    InventoryItemV3,
    InventoryPage,
    OrdersPage,
    ProductsPage,
    V1DecrementEntry,
    V1IncrementEntry,
    V3DecrementEntry,
    V3IncrementEntry,
    V3QuantityUpdate,
    VariantQuantity,
    WixOrder,
    WixProduct,
)
from integrations.wix.push import push_levels
from integrations.wix.ratelimit import RateLimit, TokenBucket
from integrations.wix.results import SkuLookup, UpdateReport, WixProductInfo
from integrations.wix.sku import split_skus
from integrations.wix.transport import DEFAULT_BASE_URL, RetryPolicy, WixTransport

logger = logging.getLogger("integrations.wix")

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

VERSION_PATH = "/stores/v3/provision/version"
PRODUCTS_QUERY_PATH = "/stores/v1/products/query"
INVENTORY_QUERY_PATH = "/stores/v2/inventoryItems/query"
INVENTORY_PRODUCT_PATH = "/stores/v2/inventoryItems/product/{product_id}"
INVENTORY_INCREMENT_PATH = "/stores/v2/inventoryItems/increment"
INVENTORY_DECREMENT_PATH = "/stores/v2/inventoryItems/decrement"
ITEMS_QUERY_PATH = "/stores/v3/inventory-items/query"
ITEMS_BULK_UPDATE_PATH = "/stores/v3/bulk/inventory-items/update"
ITEMS_BULK_INCREMENT_PATH = "/stores/v3/bulk/inventory-items/increment"
ITEMS_BULK_DECREMENT_PATH = "/stores/v3/bulk/inventory-items/decrement"
ORDERS_SEARCH_PATH = "/ecom/v1/orders/search"
ORDER_PATH = "/ecom/v1/orders/{order_id}"

NUMERIC_ID_ASC = [{"numericId": "asc"}]

AnyFilter = WixProductFilter | WixInventoryFilter | dict[str, Any] | None


class _Crawlable(Protocol):
    numeric_id: str | None


C = TypeVar("C", bound=_Crawlable)


def _check_size(items: Sequence[object], most: int, what: str) -> None:
    if not 1 <= len(items) <= most:
        raise ValueError(f"{what} takes 1 to {most} entries, got {len(items)}")


def _path_id(value: str) -> str:
    return quote(value, safe="")


def _offset_query(
    flt: dict[str, Any], sort: list[dict[str, str]] | None, limit: int, offset: int
) -> dict[str, Any]:
    """Catalog V1 / Inventory V2 query: filter and sort travel as JSON strings."""
    query: dict[str, Any] = {"paging": {"limit": limit, "offset": offset}}
    if flt:
        query["filter"] = json.dumps(flt)
    if sort:
        query["sort"] = json.dumps(sort)
    return query


def _cursor_query(
    flt: dict[str, Any] | None, sort: list[dict[str, str]] | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """V3 / eCom query: with a cursor, Wix takes filter and sort from the cursor, so they are not sent."""
    paging: dict[str, Any] = {"limit": limit}
    query: dict[str, Any] = {"cursorPaging": paging}
    if cursor:
        paging["cursor"] = cursor
        return query
    if flt:
        query["filter"] = flt
    if sort:
        query["sort"] = sort
    return query


class WixApiService:
    """Client of one Wix site. Use as `async with WixApiService(key, site_id) as wix: ...`."""

    def __init__(
        self,
        api_key: str | SecretStr,
        site_id: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        rate_limit: RateLimit | None = RateLimit(),
        limiter: TokenBucket | None = None,
        max_batch: int | None = None,
        batch_sizes: Mapping[str, int] | None = None,
        catalog_version: CatalogVersion | str | None = None,
        location_id: str | None = None,
        max_push_rounds: int = 4,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        """
        rate_limit: this client's own limiter (None disables it); `limiter` instead shares one bucket
            between several clients of the same site.
        max_batch: a cap on every batch size; `batch_sizes` are persisted starting sizes per BatchKind.
        catalog_version: the version remembered for this site, if any (saves one request).
        location_id: V3 only; the inventory location to read and write (default: every location, and a
            SKU stocked at two locations is reported as a duplicate).
        max_push_rounds: how often a push re-reads and resends items whose write failed or conflicted.
        """
        secret = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
        if limiter is None and rate_limit is not None:
            limiter = TokenBucket(rate_limit)
        self._transport = WixTransport(
            api_key=secret,
            site_id=site_id,
            base_url=base_url,
            timeout=timeout,
            retry=retry,
            limiter=limiter,
            http_client=http_client,
        )
        self.effective_batch_size = BatchSizes(max_batch, batch_sizes)
        self._catalog_version = CatalogVersion(catalog_version) if catalog_version else None
        self.location_id = location_id
        self.max_push_rounds = max_push_rounds

    def __repr__(self) -> str:
        version = self._catalog_version.value if self._catalog_version else None
        return f"WixApiService(site_id={self.site_id!r}, catalog_version={version!r})"

    @property
    def site_id(self) -> str:
        return self._transport.site_id

    @property
    def requests_made(self) -> int:
        return self._transport.requests_made

    @property
    def catalog_version(self) -> CatalogVersion | None:
        """The remembered version (None until known); `get_catalog_version()` asks Wix."""
        return self._catalog_version

    async def __aenter__(self) -> WixApiService:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    # --- plumbing -------------------------------------------------------------------------------------

    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, idempotent: bool = True
    ) -> dict[str, Any]:
        try:
            return await self._transport.request(method, path, body=body, idempotent=idempotent)
        except WixCatalogVersionMismatch as exc:
            try:
                exc.catalog_version = await self.get_catalog_version(refresh=True)
            except WixError:
                self._catalog_version = None
            logger.info("Wix site %s runs %s, not the API called", self.site_id, exc.catalog_version)
            raise

    async def _model(
        self,
        model: type[M],
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        idempotent: bool = True,
    ) -> M:
        data = await self._call(method, path, body, idempotent=idempotent)
        try:
            return model.model_validate(data)
        except PydanticValidationError as exc:
            raise WixProtocolError(
                f"unexpected reply shape ({exc.error_count()} problems, first at "
                f"{'.'.join(str(part) for part in exc.errors()[0]['loc'])})",
                method=method,
                path=path,
            ) from None

    # --- catalog version ------------------------------------------------------------------------------

    async def get_catalog_version(self, *, refresh: bool = False) -> CatalogVersion:
        """V1_CATALOG, V3_CATALOG or STORES_NOT_INSTALLED; asked once, then remembered."""
        if self._catalog_version is None or refresh:
            data = await self._transport.request("GET", VERSION_PATH)
            value = data.get("catalogVersion")
            try:
                self._catalog_version = CatalogVersion(str(value))
            except ValueError:
                raise WixProtocolError(
                    f"unknown catalog version {value!r}", method="GET", path=VERSION_PATH
                ) from None
        return self._catalog_version

    async def _stores_catalog(self) -> CatalogVersion:
        version = await self.get_catalog_version()
        if version is CatalogVersion.STORES_NOT_INSTALLED:
            raise WixStoresNotInstalled(
                "Wix Stores is not installed on this site", method="GET", path=VERSION_PATH
            )
        return version

    async def _on_current_catalog(self, run: Callable[[CatalogVersion], Awaitable[T]]) -> T:
        """Run for the remembered version; on a 428 version mismatch, once more for the real one."""
        version = await self._stores_catalog()
        try:
            return await run(version)
        except WixCatalogVersionMismatch as exc:
            if exc.catalog_version is None or exc.catalog_version == version:
                raise
            return await run(await self._stores_catalog())

    # --- Catalog V1: products -------------------------------------------------------------------------

    async def query_products(
        self,
        filter: AnyFilter = None,
        *,
        limit: int = 100,
        offset: int = 0,
        include_variants: bool = False,
        include_hidden: bool = False,
        sort: list[dict[str, str]] | None = None,
    ) -> ProductsPage:
        """One page of `POST /stores/v1/products/query` (limit 1..100, offset paging)."""
        if not 1 <= limit <= 100:
            raise ValueError("Catalog V1 pages hold 1 to 100 products")
        body: dict[str, Any] = {
            "query": _offset_query(as_filter(filter), sort, limit, offset),
            "includeVariants": include_variants,
        }
        if include_hidden:
            body["includeHiddenProducts"] = True
        return await self._model(ProductsPage, "POST", PRODUCTS_QUERY_PATH, body)

    async def _products_page(
        self, include_variants: bool, include_hidden: bool, flt: dict[str, Any], size: int
    ) -> tuple[list[WixProduct], int | None]:
        page = await self.query_products(
            flt,
            limit=size,
            include_variants=include_variants,
            include_hidden=include_hidden,
            sort=NUMERIC_ID_ASC,
        )
        return page.products, page.total_results

    def iter_products(
        self, filter: AnyFilter = None, *, include_variants: bool = True, include_hidden: bool = False
    ) -> AsyncIterator[WixProduct]:
        """Every product matching `filter`, crawled by `numericId` as Wix's pagination guide advises
        (offset paging fails past 10,000 items). Hidden products need `include_hidden` (and the key's
        Manage Products permission)."""
        fetch = partial(self._products_page, include_variants, include_hidden)
        return self._crawl(BatchKind.V1_PRODUCT_QUERY, as_filter(filter), fetch)

    async def _crawl(
        self,
        kind: BatchKind,
        base: dict[str, Any],
        fetch: Callable[[dict[str, Any], int], Awaitable[tuple[list[C], int | None]]],
    ) -> AsyncIterator[C]:
        last: int | None = None
        while True:
            after = {"numericId": {"$gt": last}} if last is not None else None
            items, total = await shrinking(
                self.effective_batch_size, kind, partial(fetch, merge_filters(base, after))
            )
            for item in items:
                yield item
            if not items or (total is not None and len(items) >= total):
                return
            if items[-1].numeric_id is None:
                raise WixProtocolError(f"{kind.value} crawl: an item came without numericId")
            last = int(items[-1].numeric_id)

    async def _products_where(
        self, field: str, values: Sequence[str], include_variants: bool, include_hidden: bool
    ) -> list[WixProduct]:
        found: list[WixProduct] = []
        start = 0
        while start < len(values):
            chunk = list(values[start : start + self.effective_batch_size[BatchKind.V1_PRODUCT_QUERY]])
            found += [
                p
                async for p in self.iter_products(
                    {field: {"$hasSome": chunk}},
                    include_variants=include_variants,
                    include_hidden=include_hidden,
                )
            ]
            start += len(chunk)
        return found

    async def get_products_by_skus(
        self, skus: Iterable[str], *, include_variants: bool = True, include_hidden: bool = True
    ) -> list[WixProduct]:
        """Products whose product-level SKU is one of `skus` (invalid SKUs are skipped, not sent).

        Catalog V1 matches product-level SKUs only; a managed variant's SKU needs
        `get_wix_products_info_by_sku_list`, which crawls variants.
        """
        valid, _ = split_skus(skus)
        return await self._products_where("sku", valid, include_variants, include_hidden)

    async def get_products_by_ids(
        self, product_ids: Iterable[str], *, include_variants: bool = True, include_hidden: bool = True
    ) -> list[WixProduct]:
        ids = list(dict.fromkeys(product_ids))
        return await self._products_where("id", ids, include_variants, include_hidden)

    # --- Inventory V2 (Catalog V1 sites) --------------------------------------------------------------

    async def query_inventory(
        self,
        filter: WixInventoryFilter | dict[str, Any] | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
        sort: list[dict[str, str]] | None = None,
    ) -> InventoryPage:
        """One page of `POST /stores/v2/inventoryItems/query` (limit 1..100)."""
        if not 1 <= limit <= 100:
            raise ValueError("inventory pages hold 1 to 100 items")
        query = _offset_query(as_filter(filter), sort, limit, offset)
        return await self._model(InventoryPage, "POST", INVENTORY_QUERY_PATH, {"query": query})

    async def _inventory_page(
        self, flt: dict[str, Any], size: int
    ) -> tuple[list[InventoryItemV2], int | None]:
        page = await self.query_inventory(flt, limit=size, sort=NUMERIC_ID_ASC)
        return page.inventory_items, page.total_results

    def iter_inventory(
        self, filter: WixInventoryFilter | dict[str, Any] | None = None
    ) -> AsyncIterator[InventoryItemV2]:
        return self._crawl(BatchKind.V1_INVENTORY_QUERY, as_filter(filter), self._inventory_page)

    async def update_inventory(
        self, product_id: str, variants: Sequence[VariantQuantity], *, track_quantity: bool = True
    ) -> None:
        """Set absolute levels of one product's variants (`PATCH …/inventoryItems/product/{id}`).

        `trackQuantity` is always sent: a V1 PATCH without it is reported to switch tracking off.
        """
        body = {"inventoryItem": {"trackQuantity": track_quantity, "variants": [v.wire() for v in variants]}}
        await self._call("PATCH", INVENTORY_PRODUCT_PATH.format(product_id=_path_id(product_id)), body)

    async def increment_inventory(self, entries: Sequence[V1IncrementEntry]) -> None:
        """Add stock to up to 300 variants in one call. Not retried on 5xx or timeouts: the call may have
        been applied, so the caller must re-read before sending it again."""
        _check_size(entries, 300, "increment")
        body = {"incrementData": [entry.wire() for entry in entries]}
        await self._call("POST", INVENTORY_INCREMENT_PATH, body, idempotent=False)

    async def decrement_inventory(self, entries: Sequence[V1DecrementEntry]) -> None:
        """Remove stock from up to 300 variants in one call (same retry caveat as `increment_inventory`)."""
        _check_size(entries, 300, "decrement")
        body = {"decrementData": [entry.wire() for entry in entries]}
        await self._call("POST", INVENTORY_DECREMENT_PATH, body, idempotent=False)

    # --- Catalog V3 inventory items -------------------------------------------------------------------

    async def query_inventory_items(
        self,
        filter: dict[str, Any] | None = None,
        *,
        limit: int = 1000,
        cursor: str | None = None,
        sort: list[dict[str, str]] | None = None,
    ) -> InventoryItemsPage:
        """One page of `POST /stores/v3/inventory-items/query` (cursor paging, limit 1..1000)."""
        if not 1 <= limit <= 1000:
            raise ValueError("inventory item pages hold 1 to 1000 items")
        query = _cursor_query(filter, sort, cursor, limit)
        return await self._model(InventoryItemsPage, "POST", ITEMS_QUERY_PATH, {"query": query})

    async def inventory_items_where(self, filter: dict[str, Any], limit: int) -> list[InventoryItemV3]:
        """All pages of one inventory item query at a fixed page size (no halving inside)."""
        items: list[InventoryItemV3] = []
        cursor: str | None = None
        while True:
            page = await self.query_inventory_items(filter, limit=limit, cursor=cursor)
            items += page.inventory_items
            cursor = page.paging_metadata.next_cursor
            if not cursor or not page.inventory_items:
                return items

    def iter_inventory_items(
        self,
        filter: dict[str, Any] | None = None,
        *,
        sort: list[dict[str, str]] | None = None,
    ) -> AsyncIterator[InventoryItemV3]:
        """Every inventory item matching `filter`, page after page (≤1000 per request)."""
        fetch = partial(self._items_page, filter, sort)
        return self._follow_cursors(BatchKind.V3_INVENTORY_QUERY, fetch)

    async def _items_page(
        self, flt: dict[str, Any] | None, sort: list[dict[str, str]] | None, cursor: str | None, size: int
    ) -> tuple[list[InventoryItemV3], str | None]:
        page = await self.query_inventory_items(flt, limit=size, cursor=cursor, sort=sort)
        return page.inventory_items, page.paging_metadata.next_cursor

    async def _follow_cursors(
        self, kind: BatchKind, fetch: Callable[[str | None, int], Awaitable[tuple[list[T], str | None]]]
    ) -> AsyncIterator[T]:
        cursor: str | None = None
        while True:
            items, cursor = await shrinking(self.effective_batch_size, kind, partial(fetch, cursor))
            for item in items:
                yield item
            if not cursor or not items:
                return

    async def bulk_update_inventory_items(
        self, items: Sequence[V3QuantityUpdate], *, return_entity: bool = False, reason: str | None = None
    ) -> BulkResult:
        """Set absolute quantities of up to 1000 items, each guarded by its revision.

        Safe to resend (a replay fails per item on the revision), so it is retried like a read.
        """
        _check_size(items, 1000, "bulk update")
        body: dict[str, Any] = {
            "inventoryItems": [{"inventoryItem": item.wire()} for item in items],
            "returnEntity": return_entity,
        }
        if reason:
            body["reason"] = reason
        return await self._model(BulkResult, "POST", ITEMS_BULK_UPDATE_PATH, body)

    async def bulk_increment_inventory_items(
        self, entries: Sequence[V3IncrementEntry], *, return_entity: bool = False, reason: str | None = None
    ) -> BulkResult:
        """Add stock to up to 300 items; not retried on 5xx or timeouts (see `increment_inventory`)."""
        _check_size(entries, 300, "bulk increment")
        body: dict[str, Any] = {"incrementData": [e.wire() for e in entries], "returnEntity": return_entity}
        if reason:
            body["reason"] = reason
        return await self._model(BulkResult, "POST", ITEMS_BULK_INCREMENT_PATH, body, idempotent=False)

    async def bulk_decrement_inventory_items(
        self,
        entries: Sequence[V3DecrementEntry],
        *,
        restrict_inventory: bool | None = None,
        return_entity: bool = False,
        reason: str | None = None,
    ) -> BulkResult:
        """Remove stock from up to 300 items; Wix refuses per item below zero unless told otherwise."""
        _check_size(entries, 300, "bulk decrement")
        body: dict[str, Any] = {"decrementData": [e.wire() for e in entries], "returnEntity": return_entity}
        if restrict_inventory is not None:
            body["restrictInventory"] = restrict_inventory
        if reason:
            body["reason"] = reason
        return await self._model(BulkResult, "POST", ITEMS_BULK_DECREMENT_PATH, body, idempotent=False)

    # --- eCom orders ----------------------------------------------------------------------------------

    async def search_orders(
        self,
        filter: dict[str, Any] | None = None,
        *,
        sort: list[dict[str, str]] | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> OrdersPage:
        """One page of `POST /ecom/v1/orders/search` (limit 1..100). Wix never returns INITIALIZED orders
        and sorts by createdDate descending unless told otherwise."""
        if not 1 <= limit <= 100:
            raise ValueError("order pages hold 1 to 100 orders")
        search = _cursor_query(filter, sort, cursor, limit)
        return await self._model(OrdersPage, "POST", ORDERS_SEARCH_PATH, {"search": search})

    async def _orders_page(
        self, flt: dict[str, Any], sort: list[dict[str, str]], cursor: str | None, size: int
    ) -> tuple[list[WixOrder], str | None]:
        page = await self.search_orders(flt, sort=sort, cursor=cursor, limit=size)
        return page.orders, page.metadata.next_cursor

    def iter_orders(
        self,
        *,
        created_after: datetime | None = None,
        updated_after: datetime | None = None,
        inclusive: bool = False,
        statuses: Sequence[str] | None = None,
        filter: dict[str, Any] | None = None,
    ) -> AsyncIterator[WixOrder]:
        """Orders created (or updated) after a moment, oldest first, every page.

        Sorted by updatedDate when `updated_after` is given, else by createdDate, so the caller can keep
        the last value as its cursor. `inclusive=True` uses $gte: orders sharing the cursor's millisecond
        come again, and the caller's exactly-once key drops them.
        """
        op = "$gte" if inclusive else "$gt"
        conditions: dict[str, Any] = {}
        if created_after is not None:
            conditions["createdDate"] = {op: wix_time(created_after)}
        if updated_after is not None:
            conditions["updatedDate"] = {op: wix_time(updated_after)}
        if statuses:
            conditions["status"] = {"$in": list(statuses)}
        flt = merge_filters(filter, conditions)
        sort = [{"fieldName": "updatedDate" if updated_after else "createdDate", "order": "ASC"}]
        return self._follow_cursors(BatchKind.ORDERS_SEARCH, partial(self._orders_page, flt, sort))

    async def get_order(self, order_id: str) -> WixOrder:
        path = ORDER_PATH.format(order_id=_path_id(order_id))
        data = await self._call("GET", path)
        try:
            return WixOrder.model_validate(data.get("order"))
        except PydanticValidationError:
            raise WixProtocolError("reply without a valid order", method="GET", path=path) from None

    # --- by SKU, on either catalog version -------------------------------------------------------------

    async def get_wix_products_info_by_sku_list(
        self, skus: Iterable[str], *, known: Mapping[str, WixProductInfo] | None = None
    ) -> SkuLookup:
        """{sku: WixProductInfo} for SKUs held by exactly one Wix variant, with `missing`, `duplicates` and
        `invalid` (never sent) alongside.

        V1 crawls all products with variants (the `sku` filter misses managed variants): ⌈products/100⌉
        requests. `known` (a stored mapping) lets V1 re-read just those products by id instead; SKUs it
        does not confirm fall back to the crawl. V3 asks for the SKUs directly: ⌈skus/1000⌉ requests.
        """
        started = self.requests_made
        valid, invalid = split_skus(skus)

        async def run(version: CatalogVersion) -> SkuLookup:
            return await lookup_skus(self, version, valid, known or {})

        lookup = await self._on_current_catalog(run)
        lookup.invalid.update(invalid)
        lookup.requests_made = self.requests_made - started
        return lookup

    async def update_inventory_by_sku_list(
        self,
        levels: Mapping[str, int],
        *,
        known: Mapping[str, WixProductInfo] | None = None,
        fresh: SkuLookup | None = None,
    ) -> UpdateReport:
        """Bring Wix to the desired level of each SKU; report what changed, what could not be done.

        V1: one fresh read, then the differences as increments and decrements, ≤300 per call and as few
        calls as possible; a sale made in Wix between the read and the write is kept (a difference is
        applied, not a level). V3: bulk updates (≤1000) carrying each item's revision; an item that
        changed meanwhile is re-read and gets the same difference on top of its new level. A batch Wix
        answers 5xx to is re-read (it may have been applied), then sent again in halves.

        `fresh`: a lookup made moments ago in the same run (say, the full crawl of a reconcile) that the
        plan may use instead of a read of its own, saving ⌈products/100⌉ (V1) or ⌈SKUs/1000⌉ (V3)
        requests; ignored when it is of the other catalog version.
        """
        started = self.requests_made

        async def run(version: CatalogVersion) -> UpdateReport:
            return await push_levels(self, version, levels, known or {}, fresh)

        report = await self._on_current_catalog(run)
        report.requests_made = self.requests_made - started
        logger.info(
            "Wix push to site %s (%s): %d updated, %d unchanged, %d missing, %d failed, %d requests",
            self.site_id,
            report.catalog_version,
            len(report.updated),
            len(report.unchanged),
            len(report.missing),
            len(report.failed),
            report.requests_made,
        )
        return report
