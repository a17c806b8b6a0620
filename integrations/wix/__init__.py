"""Wix REST client: one `WixApiService` per site, typed errors, models and filters.

Typical use by a sync job (one client per site; persist what the client learned):

    async with WixApiService(api_key, site_id, catalog_version=stored_version,
                             batch_sizes=stored_batch_sizes) as wix:
        async for order in wix.iter_orders(created_after=cursor, inclusive=True):
            ...                                   # import sales first (dedupe on order/line id)
        lookup = await wix.get_wix_products_info_by_sku_list(skus, known=stored_mapping)
        # lookup: {sku: WixProductInfo}; lookup.missing / .duplicates / .invalid / .problems()
        report = await wix.update_inventory_by_sku_list({sku: available}, known=stored_mapping)
        # report.updated {sku: QuantityChange(before, after)}, .unchanged, .missing, .failed {sku: why}
        store(wix.catalog_version, wix.effective_batch_size.as_dict(), report.requests_made)

Errors: every failure is a `WixError` (status, code, message; never the key). Auth problems
(`WixAuthError`) and a site without Stores (`WixStoresNotInstalled`) end a run; per-SKU problems never
raise, they are in the report. Limits: a per-client token bucket (200/min by default; pass one shared
`TokenBucket` as `limiter=` when several clients serve one site), retries with backoff on 429/5xx.
"""

from integrations.wix.batching import BatchKind
from integrations.wix.client import WixApiService
from integrations.wix.errors import (
    WixAuthError,
    WixBadRequest,
    WixCatalogVersionMismatch,
    WixError,
    WixNetworkError,
    WixNotFound,
    WixPreconditionFailed,
    WixProtocolError,
    WixRateLimited,
    WixRevisionConflict,
    WixServerError,
    WixStoresNotInstalled,
)
from integrations.wix.filters import WixInventoryFilter, WixProductFilter
from integrations.wix.models import CatalogVersion
from integrations.wix.ratelimit import RateLimit, TokenBucket
from integrations.wix.results import QuantityChange, SkuLookup, UpdateReport, WixProductInfo
from integrations.wix.transport import RetryPolicy

__all__ = [
    "BatchKind",
    "CatalogVersion",
    "QuantityChange",
    "RateLimit",
    "RetryPolicy",
    "SkuLookup",
    "TokenBucket",
    "UpdateReport",
    "WixApiService",
    "WixAuthError",
    "WixBadRequest",
    "WixCatalogVersionMismatch",
    "WixError",
    "WixInventoryFilter",
    "WixNetworkError",
    "WixNotFound",
    "WixPreconditionFailed",
    "WixProductFilter",
    "WixProductInfo",
    "WixProtocolError",
    "WixRateLimited",
    "WixRevisionConflict",
    "WixServerError",
    "WixStoresNotInstalled",
]
