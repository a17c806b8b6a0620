"""A fake Wix REST API (aiohttp on 127.0.0.1, ephemeral port) for tests and benchmarks.

One server hosts several sites, each with its own API key, site id, catalog version, products,
inventory and orders (see wix_store.py for seeding: `add_product`, `add_order`, `sell`, `quantity`).

Endpoints (shapes and limits from wix-api.md and specs/wix/*.service.json):
    GET   /stores/v3/provision/version
    POST  /stores/v1/products/query, /stores-reader/v1/products/query, /stores/api/v1/products/query
    POST  /stores/v2/inventoryItems/query
    PATCH /stores/v2/inventoryItems/product/{productId}
    POST  /stores/v2/inventoryItems/increment, /stores/v2/inventoryItems/decrement
    POST  /stores/v3/inventory-items/query
    POST  /stores/v3/bulk/inventory-items/update, …/increment, …/decrement
    POST  /ecom/v1/orders/search
    GET   /ecom/v1/orders/{id}

Behaviour worth knowing:
- Auth: no or unknown `Authorization` (raw key or `Bearer …`) → 401; a known key with a missing or
  foreign `wix-site-id` → 403. Error bodies have Wix's shape; 5xx bodies are `{"message":"","details":{}}`.
- A V3 route on a V1 site → 428 CATALOG_V1_SITE_CALLING_CATALOG_V3_API, and the reverse.
- V1's `sku` filter matches product-level SKUs only (the pessimistic reading of the docs). A V1 PATCH
  without `trackQuantity` switches tracking off (a reported gotcha).
- A V3 bulk update needs each item's current revision: a stale or missing one fails that item inside an
  HTTP 200 (code REVISION_MISMATCH / REVISION_REQUIRED; Wix's real code is undocumented).
- Rate limit: more than `site.rate_limit` requests in `site.rate_window` seconds → 429.
- Every request body is checked against the contracts; problems land in `fake.contract_violations`
  (responses too, so the fake stays honest).

Test-facing knobs: `fake.requests` (RequestRecord per call), `fake.count(endpoint, site=…)`,
`fake.contract_violations`, and per site `latency`, `rate_limit`, `rate_window`, `retry_after`,
`fail_next()`, `fail_batches_over()`, `garbage_next()`, `on_next_write()`.
"""

from __future__ import annotations

import asyncio
import bisect
import inspect
import json
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.wix_contract import Contract, load_contract
from tests.fakes.wix_query import QueryError, apply_sort, compile_filter, parse_sort
from tests.fakes.wix_store import (
    V1_CATALOG,
    V3_CATALOG,
    FakeOrder,
    FakeProduct,
    FakeVariant,
    FakeWixSite,
    wix_time,
)

VERSION = "version"
V1_PRODUCTS_QUERY = "v1.products.query"
V2_INVENTORY_QUERY = "v2.inventory.query"
V2_INVENTORY_UPDATE = "v2.inventory.update"
V2_INVENTORY_INCREMENT = "v2.inventory.increment"
V2_INVENTORY_DECREMENT = "v2.inventory.decrement"
V3_ITEMS_QUERY = "v3.items.query"
V3_BULK_UPDATE = "v3.items.bulk_update"
V3_BULK_INCREMENT = "v3.items.bulk_increment"
V3_BULK_DECREMENT = "v3.items.bulk_decrement"
ORDERS_SEARCH = "orders.search"
ORDERS_GET = "orders.get"

V3_QUANTITY_LIMIT = 99_999


class FakeWixError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        *,
        violations: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.violations = violations or []


def _invalid(field: str, description: str) -> FakeWixError:
    return FakeWixError(400, f"INVALID_ARGUMENT: {field} {description}", violations=[(field, description)])


def error_body(error: FakeWixError) -> dict[str, Any]:
    if error.status >= 500:
        return {"message": "", "details": {}}
    details: dict[str, Any] = {}
    if error.code:
        details["applicationError"] = {"code": error.code, "description": error.message, "data": {}}
    if error.violations:
        details["validationError"] = {
            "fieldViolations": [
                {"field": field, "description": description, "violatedRule": "VALIDATION"}
                for field, description in error.violations
            ]
        }
    return {"message": error.message, "details": details}


@dataclass(frozen=True)
class RequestRecord:
    site_id: str | None
    endpoint: str
    method: str
    path: str
    status: int
    items: int | None  # batch length of a write, page size asked by a read
    at: float  # time.monotonic() when the request arrived


Handler = Callable[[FakeWixSite, dict[str, Any], web.Request], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    paths: tuple[str, ...]
    handler: Handler
    catalog: str | None = None  # the catalog version the route belongs to
    contract: str | None = None  # operation name in the contracts
    batch_field: str | None = None  # the array whose length is the batch size
    page_field: tuple[str, ...] = ()  # where the page limit sits
    write: bool = False

    def size(self, body: dict[str, Any]) -> int | None:
        if self.batch_field:
            value = body.get(self.batch_field)
            return len(value) if isinstance(value, list) else None
        node: Any = body
        for key in self.page_field:
            node = node.get(key) if isinstance(node, dict) else None
        return node if isinstance(node, int) else None


# --- JSON views ---------------------------------------------------------------------------------------


def _stock_status(in_stock: bool) -> str:
    return "IN_STOCK" if in_stock else "OUT_OF_STOCK"


def _price() -> dict[str, Any]:
    return {"currency": "PLN", "price": 10, "discountedPrice": 10}


def product_json(product: FakeProduct, include_variants: bool) -> dict[str, Any]:
    tracked = product.track
    total = sum(variant.quantity for variant in product.variants)
    in_stock = total > 0 if tracked else True
    stock: dict[str, Any] = {
        "trackInventory": tracked,
        "inStock": in_stock,
        "inventoryStatus": _stock_status(in_stock),
    }
    if tracked:
        stock["quantity"] = total
    body: dict[str, Any] = {
        "id": product.id,
        "name": product.name,
        "slug": product.name.lower().replace(" ", "-"),
        "visible": product.visible,
        "productType": "physical",
        "sku": product.sku,
        "stock": stock,
        "priceData": _price(),
        "manageVariants": product.manage_variants,
        "numericId": str(product.numeric_id),
        "inventoryItemId": product.inventory_item_id,
        "lastUpdated": wix_time(product.updated),
        "createdDate": wix_time(product.created),
    }
    if product.manage_variants:
        body["productOptions"] = [
            {
                "optionType": "drop_down",
                "name": "Variant",
                "choices": [
                    {"value": v.sku, "description": v.sku, "inStock": v.quantity > 0, "visible": True}
                    for v in product.variants
                ],
            }
        ]
    if include_variants:
        body["variants"] = [
            {
                "id": variant.id,
                "choices": variant.choices,
                "variant": {"priceData": _price(), "weight": 0, "sku": variant.sku, "visible": True},
                "stock": {
                    "trackQuantity": variant.track,
                    "inStock": variant.quantity > 0 or not variant.track,
                    **({"quantity": variant.quantity} if variant.track else {}),
                },
            }
            for variant in product.variants
        ]
    return body


def inventory_v2_json(product: FakeProduct) -> dict[str, Any]:
    return {
        "id": product.inventory_item_id,
        "productId": product.id,
        "trackQuantity": product.track,
        "variants": [
            {
                "variantId": variant.id,
                "inStock": variant.quantity > 0 or not variant.track,
                "availableForPreorder": False,
                **({"quantity": variant.quantity} if variant.track else {}),
            }
            for variant in product.variants
        ],
        "lastUpdated": wix_time(product.updated),
        "numericId": str(product.numeric_id),
        "preorderInfo": {"enabled": False},
    }


def item_v3_json(variant: FakeVariant) -> dict[str, Any]:
    in_stock = variant.quantity > 0 if variant.track else True
    body: dict[str, Any] = {
        "id": variant.item_id,
        "revision": str(variant.revision),
        "createdDate": wix_time(variant.created),
        "updatedDate": wix_time(variant.updated),
        "variantId": variant.id,
        "productId": variant.product.id,
        "locationId": variant.location_id,
        "trackQuantity": variant.track,
        "availabilityStatus": _stock_status(in_stock),
        "preorderInfo": {"enabled": False},
        "product": {
            "name": variant.product.name,
            "variantName": " / ".join(variant.choices.values()),
            "variantSku": variant.sku,
            "variantVisible": True,
        },
    }
    if variant.track:
        body["quantity"] = variant.quantity
    else:
        body["inStock"] = in_stock
    return body


# --- filterable fields --------------------------------------------------------------------------------

PRODUCT_FIELDS: dict[str, Callable[[FakeProduct], Any]] = {
    "id": lambda p: p.id,
    "sku": lambda p: p.sku,
    "name": lambda p: p.name,
    "numericId": lambda p: p.numeric_id,
    "lastUpdated": lambda p: p.updated,
    "createdDate": lambda p: p.created,
    "productType": lambda p: "physical",
    "slug": lambda p: p.name.lower().replace(" ", "-"),
}
INVENTORY_V2_FIELDS: dict[str, Callable[[FakeProduct], Any]] = {
    "id": lambda p: p.inventory_item_id,
    "productId": lambda p: p.id,
    "numericId": lambda p: p.numeric_id,
    "lastUpdated": lambda p: p.updated,
}
ITEM_FIELDS: dict[str, Callable[[FakeVariant], Any]] = {
    "id": lambda v: v.item_id,
    "variantId": lambda v: v.id,
    "productId": lambda v: v.product.id,
    "locationId": lambda v: v.location_id,
    "quantity": lambda v: v.quantity if v.track else None,
    "trackQuantity": lambda v: v.track,
    "inStock": lambda v: v.quantity > 0 or not v.track,
    "product.name": lambda v: v.product.name,
    "product.variantSku": lambda v: v.sku,
    "createdDate": lambda v: v.created,
    "updatedDate": lambda v: v.updated,
}
ORDER_FIELDS: dict[str, Callable[[FakeOrder], Any]] = {
    "id": lambda o: o.id,
    "number": lambda o: o.number,
    "status": lambda o: o.status,
    "paymentStatus": lambda o: o.payment_status,
    "fulfillmentStatus": lambda o: o.fulfillment_status,
    "archived": lambda o: o.archived,
    "createdDate": lambda o: o.created,
    "updatedDate": lambda o: o.updated,
    "buyerInfo.email": lambda o: o.buyer_email,
    "lineItems.catalogReference.catalogItemId": lambda o: [line.product_id for line in o.lines],
}


def _json_string(query: dict[str, Any], name: str) -> Any:
    """V1 sends `filter`/`sort` as JSON inside a string."""
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise _invalid(f"query.{name}", "must be a JSON string")
    try:
        return json.loads(raw)
    except ValueError:
        raise _invalid(f"query.{name}", "is not valid JSON") from None


def _limit(paging: Any, field: str, default: int, most: int) -> int:
    limit = paging.get("limit", default) if isinstance(paging, dict) else default
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= most:
        raise _invalid(f"{field}.limit", f"must be between 0 and {most}")
    return limit


def _batch(body: dict[str, Any], field: str, most: int) -> list[Any]:
    items = body.get(field)
    if not isinstance(items, list) or not 1 <= len(items) <= most:
        raise _invalid(field, f"must hold 1 to {most} entries")
    return items


def _amount(entry: Any, field: str, low: int, high: int) -> int:
    value = entry.get(field) if isinstance(entry, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _invalid(field, f"must be between {low} and {high}")
    return value


def _item_result(
    index: int, item_id: str | None, error: tuple[str, str] | None, entity: Any
) -> dict[str, Any]:
    meta: dict[str, Any] = {"originalIndex": index, "success": error is None}
    if item_id:
        meta["id"] = item_id
    if error:
        meta["error"] = {"code": error[0], "description": error[1], "data": {}}
    result: dict[str, Any] = {"itemMetadata": meta}
    if entity is not None and error is None:
        result["item"] = entity
    return result


def _bulk_reply(results: list[dict[str, Any]]) -> dict[str, Any]:
    successes = sum(1 for r in results if r["itemMetadata"]["success"])
    return {
        "results": results,
        "bulkActionMetadata": {
            "totalSuccesses": successes,
            "totalFailures": len(results) - successes,
            "undetailedFailures": 0,
        },
    }


# --- handlers -----------------------------------------------------------------------------------------


async def handle_version(site: FakeWixSite, body: dict[str, Any], request: web.Request) -> dict[str, Any]:
    return {"catalogVersion": site.catalog_version}


def _crawl_start(site: FakeWixSite, flt: dict[str, Any]) -> list[FakeProduct] | None:
    """Products past a `numericId $gt` cursor when that is the whole filter (the crawl Wix advises)."""
    condition = flt.get("numericId") if list(flt) == ["numericId"] else None
    if not (isinstance(condition, dict) and list(condition) == ["$gt"]):
        return None
    try:
        after = int(condition["$gt"])
    except (TypeError, ValueError):
        return None
    start = bisect.bisect_right(site.numeric_ids, after)
    return site.products[start:]


def _offset_query(
    site: FakeWixSite, query: dict[str, Any], fields: dict[str, Callable[[FakeProduct], Any]]
) -> tuple[list[FakeProduct], int, int]:
    """V1 products and V2 inventory: (matches, limit, offset) for a string-filtered offset query."""
    flt = _json_string(query, "filter") or {}
    sort = _json_string(query, "sort")
    paging = query.get("paging") or {}
    limit = _limit(paging, "query.paging", 100, 100)
    offset = paging.get("offset", 0) if isinstance(paging, dict) else 0
    if not isinstance(offset, int) or offset < 0 or offset + limit > 10_000:
        raise _invalid(
            "query.paging.offset", "offset + limit must stay within 10,000 items; crawl by numericId"
        )
    try:
        predicate = compile_filter(flt, fields)
        keys = parse_sort(sort, fields, v1=True)
    except QueryError as exc:
        raise _invalid(exc.field, exc.description) from None
    fast = _crawl_start(site, flt)
    matches = fast if fast is not None else [p for p in site.products if predicate(p)]
    # site.products is kept in numericId order, the order a crawl asks for.
    natural = sort in (None, [{"numericId": "asc"}])
    return matches if natural else apply_sort(matches, keys), limit, offset


async def handle_products_query(
    site: FakeWixSite, body: dict[str, Any], request: web.Request
) -> dict[str, Any]:
    query = body.get("query") or {}
    matches, limit, offset = _offset_query(site, query, PRODUCT_FIELDS)
    if not body.get("includeHiddenProducts") and not all(p.visible for p in site.products):
        matches = [p for p in matches if p.visible]
    include_variants = bool(body.get("includeVariants"))
    return {
        "products": [product_json(p, include_variants) for p in matches[offset : offset + limit]],
        "metadata": {"items": limit, "offset": offset},
        "totalResults": len(matches),
    }


async def handle_inventory_query(
    site: FakeWixSite, body: dict[str, Any], request: web.Request
) -> dict[str, Any]:
    matches, limit, offset = _offset_query(site, body.get("query") or {}, INVENTORY_V2_FIELDS)
    return {
        "inventoryItems": [inventory_v2_json(p) for p in matches[offset : offset + limit]],
        "metadata": {"items": limit, "offset": offset},
        "totalResults": len(matches),
    }


async def handle_inventory_update(
    site: FakeWixSite, body: dict[str, Any], request: web.Request
) -> dict[str, Any]:
    product = site.products_by_id.get(request.match_info["productId"])
    if product is None:
        raise FakeWixError(404, "product not found", "PRODUCT_NOT_FOUND")
    item = body.get("inventoryItem")
    if not isinstance(item, dict):
        raise _invalid("inventoryItem", "is required")
    by_id = {variant.id: variant for variant in product.variants}
    changes = item.get("variants") or []
    for change in changes:
        if by_id.get(change.get("variantId")) is None:
            raise _invalid("inventoryItem.variants.variantId", f"unknown variant {change.get('variantId')}")
    track = bool(item.get("trackQuantity", False))
    moment = site.now()
    for variant in product.variants:
        variant.track = track
    for change in changes:
        variant = by_id[change["variantId"]]
        if isinstance(change.get("quantity"), int):
            variant.quantity = change["quantity"]
    for variant in product.variants:
        variant.touch(moment)
    return {}


def _v1_adjust(
    site: FakeWixSite, body: dict[str, Any], field: str, amount_field: str, sign: int
) -> dict[str, Any]:
    entries = _batch(body, field, 300)
    planned: list[tuple[FakeVariant, int]] = []
    for entry in entries:
        by = _amount(entry, amount_field, 1, 10**9)
        product = site.products_by_id.get(entry.get("productId", ""))
        if product is None and entry.get("inventoryId"):
            product = next((p for p in site.products if p.inventory_item_id == entry["inventoryId"]), None)
        variant = (
            next((v for v in product.variants if v.id == entry.get("variantId")), None) if product else None
        )
        if variant is None:
            raise FakeWixError(
                404, f"inventory variant {entry.get('variantId')} not found", "VARIANT_NOT_FOUND"
            )
        if not variant.track:
            raise FakeWixError(400, "quantity is not tracked for this item", "INVENTORY_NOT_TRACKED")
        planned.append((variant, sign * by))
    moment = site.now()
    for variant, change in planned:
        variant.quantity += change
        variant.touch(moment)
    return {}


async def handle_increment(site: FakeWixSite, body: dict[str, Any], request: web.Request) -> dict[str, Any]:
    return _v1_adjust(site, body, "incrementData", "incrementBy", +1)


async def handle_decrement(site: FakeWixSite, body: dict[str, Any], request: web.Request) -> dict[str, Any]:
    return _v1_adjust(site, body, "decrementData", "decrementBy", -1)


def _cursor_page(
    site: FakeWixSite,
    container: dict[str, Any],
    where: str,
    fields: dict[str, Callable[[Any], Any]],
    population: Callable[[Any], list[Any]],
    *,
    default_limit: int,
    most: int,
    default_sort: list[dict[str, str]] | None = None,
) -> tuple[list[Any], str | None]:
    """One cursor page: (items, next cursor). A cursor carries the filter and sort of the first page."""
    paging = container.get("cursorPaging") or {}
    limit = _limit(paging, f"{where}.cursorPaging", default_limit, most)
    cursor = paging.get("cursor") if isinstance(paging, dict) else None
    if cursor:
        if cursor not in site.cursors:
            raise _invalid(f"{where}.cursorPaging.cursor", "is not a cursor this API gave")
        flt, sort, offset = site.cursors[cursor]
    else:
        flt, sort, offset = container.get("filter") or {}, container.get("sort") or default_sort, 0
        if isinstance(sort, list) and len(sort) > 4:
            raise _invalid(f"{where}.sort", "takes at most 4 entries")
    try:
        predicate = compile_filter(flt, fields)
        keys = parse_sort(sort, fields, v1=False)
    except QueryError as exc:
        raise _invalid(exc.field, exc.description) from None
    ordered = apply_sort([doc for doc in population(flt) if predicate(doc)], keys)
    page = ordered[offset : offset + limit]
    next_cursor = None
    if offset + limit < len(ordered):
        next_cursor = uuid.uuid4().hex
        site.cursors[next_cursor] = (flt, sort, offset + limit)
    return page, next_cursor


def _paging_metadata(count: int, next_cursor: str | None) -> dict[str, Any]:
    cursors = {"next": next_cursor} if next_cursor else {}
    return {"count": count, "cursors": cursors, "hasNext": next_cursor is not None}


def _items_population(site: FakeWixSite) -> Callable[[Any], list[FakeVariant]]:
    def population(flt: Any) -> list[FakeVariant]:
        condition = flt.get("product.variantSku") if isinstance(flt, dict) else None
        if isinstance(condition, dict) and isinstance(condition.get("$in"), list):
            found = {
                v
                for sku in condition["$in"]
                if isinstance(sku, str)
                for v in site.variants_by_sku.get(sku, [])
            }
            return [v for v in site.items_by_id.values() if v in found]
        return list(site.items_by_id.values())

    return population


async def handle_items_query(site: FakeWixSite, body: dict[str, Any], request: web.Request) -> dict[str, Any]:
    query = body.get("query") or {}
    page, next_cursor = _cursor_page(
        site, query, "query", ITEM_FIELDS, _items_population(site), default_limit=100, most=1000
    )
    return {
        "inventoryItems": [item_v3_json(v) for v in page],
        "pagingMetadata": _paging_metadata(len(page), next_cursor),
    }


async def handle_bulk_update(site: FakeWixSite, body: dict[str, Any], request: web.Request) -> dict[str, Any]:
    entries = _batch(body, "inventoryItems", 1000)
    return_entity = bool(body.get("returnEntity"))
    results = []
    for index, wrapper in enumerate(entries):
        item = wrapper.get("inventoryItem") if isinstance(wrapper, dict) else None
        item = item if isinstance(item, dict) else {}
        variant = site.items_by_id.get(item.get("id", ""))
        quantity = item.get("quantity")
        error: tuple[str, str] | None = None
        if variant is None:
            error = ("NOT_FOUND", f"inventory item {item.get('id')} not found")
        elif not item.get("revision"):
            error = ("REVISION_REQUIRED", "revision must not be empty")
        elif str(item["revision"]) != str(variant.revision):
            error = (
                "REVISION_MISMATCH",
                f"revision {item['revision']} is stale (current {variant.revision})",
            )
        elif not variant.track:
            error = ("INVENTORY_QUANTITY_NOT_TRACKED", "quantity is not tracked for this item")
        elif not isinstance(quantity, int) or isinstance(quantity, bool) or abs(quantity) > V3_QUANTITY_LIMIT:
            error = ("INVALID_QUANTITY", f"quantity must be an integer within ±{V3_QUANTITY_LIMIT}")
        else:
            variant.quantity = quantity
            variant.touch(site.now())
        entity = item_v3_json(variant) if variant is not None and return_entity else None
        results.append(_item_result(index, item.get("id"), error, entity))
    return _bulk_reply(results)


def _v3_adjust(
    site: FakeWixSite, body: dict[str, Any], field: str, amount_field: str, sign: int
) -> dict[str, Any]:
    entries = _batch(body, field, 300)
    amounts = [_amount(entry, amount_field, 1, V3_QUANTITY_LIMIT) for entry in entries]
    restrict = body.get("restrictInventory", True) is not False
    return_entity = bool(body.get("returnEntity"))
    results = []
    for index, (entry, amount) in enumerate(zip(entries, amounts, strict=True)):
        variant = site.items_by_id.get(entry.get("inventoryItemId", ""))
        error: tuple[str, str] | None = None
        if variant is None:
            error = ("NOT_FOUND", f"inventory item {entry.get('inventoryItemId')} not found")
        elif not variant.track:
            error = ("INVENTORY_QUANTITY_NOT_TRACKED", "quantity is not tracked for this item")
        elif sign < 0 and restrict and variant.quantity - amount < 0:
            error = ("INSUFFICIENT_INVENTORY", f"only {variant.quantity} in stock")
        elif sign > 0 and variant.quantity + amount > V3_QUANTITY_LIMIT:
            error = ("MAX_QUANTITY_LIMIT_REACHED", f"quantity would pass {V3_QUANTITY_LIMIT}")
        else:
            variant.quantity += sign * amount
            variant.touch(site.now())
        entity = item_v3_json(variant) if variant is not None and return_entity else None
        results.append(_item_result(index, entry.get("inventoryItemId"), error, entity))
    return _bulk_reply(results)


async def handle_bulk_increment(
    site: FakeWixSite, body: dict[str, Any], request: web.Request
) -> dict[str, Any]:
    return _v3_adjust(site, body, "incrementData", "incrementBy", +1)


async def handle_bulk_decrement(
    site: FakeWixSite, body: dict[str, Any], request: web.Request
) -> dict[str, Any]:
    return _v3_adjust(site, body, "decrementData", "decrementBy", -1)


async def handle_orders_search(
    site: FakeWixSite, body: dict[str, Any], request: web.Request
) -> dict[str, Any]:
    search = body.get("search") or {}

    def population(flt: Any) -> list[FakeOrder]:
        return [order for order in site.orders if order.status != "INITIALIZED"]

    page, next_cursor = _cursor_page(
        site,
        search,
        "search",
        ORDER_FIELDS,
        population,
        default_limit=100,
        most=100,
        default_sort=[{"fieldName": "createdDate", "order": "DESC"}],
    )
    return {
        "orders": [order.to_json() for order in page],
        "metadata": _paging_metadata(len(page), next_cursor),
    }


async def handle_order_get(site: FakeWixSite, body: dict[str, Any], request: web.Request) -> dict[str, Any]:
    order = next((o for o in site.orders if o.id == request.match_info["id"]), None)
    if order is None:
        raise FakeWixError(404, "order not found", "ORDER_NOT_FOUND")
    return {"order": order.to_json()}


ROUTES: tuple[Route, ...] = (
    Route(VERSION, "GET", ("/stores/v3/provision/version",), handle_version),
    Route(
        V1_PRODUCTS_QUERY,
        "POST",
        ("/stores/v1/products/query", "/stores-reader/v1/products/query", "/stores/api/v1/products/query"),
        handle_products_query,
        catalog=V1_CATALOG,
        contract="Query Products",
        page_field=("query", "paging", "limit"),
    ),
    Route(
        V2_INVENTORY_QUERY,
        "POST",
        ("/stores/v2/inventoryItems/query",),
        handle_inventory_query,
        catalog=V1_CATALOG,
        contract="Query Inventory",
        page_field=("query", "paging", "limit"),
    ),
    Route(
        V2_INVENTORY_UPDATE,
        "PATCH",
        ("/stores/v2/inventoryItems/product/{productId}",),
        handle_inventory_update,
        catalog=V1_CATALOG,
        contract="Update Inventory Variants",
        write=True,
    ),
    Route(
        V2_INVENTORY_INCREMENT,
        "POST",
        ("/stores/v2/inventoryItems/increment",),
        handle_increment,
        catalog=V1_CATALOG,
        contract="Increment Inventory",
        batch_field="incrementData",
        write=True,
    ),
    Route(
        V2_INVENTORY_DECREMENT,
        "POST",
        ("/stores/v2/inventoryItems/decrement",),
        handle_decrement,
        catalog=V1_CATALOG,
        contract="Decrement Inventory",
        batch_field="decrementData",
        write=True,
    ),
    Route(
        V3_ITEMS_QUERY,
        "POST",
        ("/stores/v3/inventory-items/query",),
        handle_items_query,
        catalog=V3_CATALOG,
        contract="Query Inventory Items (V3)",
        page_field=("query", "cursorPaging", "limit"),
    ),
    Route(
        V3_BULK_UPDATE,
        "POST",
        ("/stores/v3/bulk/inventory-items/update",),
        handle_bulk_update,
        catalog=V3_CATALOG,
        contract="Bulk Update Inventory Items (V3)",
        batch_field="inventoryItems",
        write=True,
    ),
    Route(
        V3_BULK_INCREMENT,
        "POST",
        ("/stores/v3/bulk/inventory-items/increment",),
        handle_bulk_increment,
        catalog=V3_CATALOG,
        contract="Bulk Increment Inventory Items (V3)",
        batch_field="incrementData",
        write=True,
    ),
    Route(
        V3_BULK_DECREMENT,
        "POST",
        ("/stores/v3/bulk/inventory-items/decrement",),
        handle_bulk_decrement,
        catalog=V3_CATALOG,
        contract="Bulk Decrement Inventory Items (V3)",
        batch_field="decrementData",
        write=True,
    ),
    Route(
        ORDERS_SEARCH,
        "POST",
        ("/ecom/v1/orders/search",),
        handle_orders_search,
        contract="Search Orders",
        page_field=("search", "cursorPaging", "limit"),
    ),
    Route(ORDERS_GET, "GET", ("/ecom/v1/orders/{id}",), handle_order_get, contract="Get Order"),
)


class FakeWix:
    """The server. `async with FakeWix() as fake: site = fake.add_site(); ... fake.base_url`."""

    def __init__(self, *, contract: Contract | None = None) -> None:
        self.contract = contract or load_contract()
        self.sites: dict[str, FakeWixSite] = {}
        self.requests: list[RequestRecord] = []
        self.contract_violations: list[str] = []
        self._hits: dict[str, deque[float]] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def __aenter__(self) -> FakeWix:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024**2)
        for route in ROUTES:
            for path in route.paths:
                app.router.add_route(route.method, path, self._endpoint(route))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def add_site(
        self,
        *,
        site_id: str | None = None,
        api_key: str | None = None,
        catalog_version: str = V1_CATALOG,
        rate_limit: int | None = 200,
        rate_window: float = 60.0,
    ) -> FakeWixSite:
        site = FakeWixSite(
            self,
            site_id=site_id or str(uuid.uuid4()),
            api_key=api_key or f"IST.{uuid.uuid4().hex}{uuid.uuid4().hex}",
            catalog_version=catalog_version,
            rate_limit=rate_limit,
            rate_window=rate_window,
        )
        self.sites[site.site_id] = site
        return site

    def count(
        self, endpoint: str | None = None, *, site: FakeWixSite | None = None, status: int | None = None
    ) -> int:
        return sum(
            1
            for record in self.requests
            if (endpoint is None or record.endpoint == endpoint)
            and (site is None or record.site_id == site.site_id)
            and (status is None or record.status == status)
        )

    def clear_log(self) -> None:
        self.requests.clear()

    # --- request pipeline ------------------------------------------------------------------------------

    def _endpoint(self, route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def endpoint(request: web.Request) -> web.StreamResponse:
            arrived = time.monotonic()
            body: dict[str, Any] = {}
            site: FakeWixSite | None = None
            status = 500
            try:
                site = self._authenticate(request)
                response = await self._serve(route, site, request, body)
                status = response.status
                return response
            except FakeWixError as error:
                status = error.status
                headers = {}
                if status == 429 and site is not None and site.retry_after is not None:
                    headers["Retry-After"] = f"{site.retry_after:g}"
                return web.json_response(error_body(error), status=status, headers=headers)
            finally:
                self.requests.append(
                    RequestRecord(
                        site.site_id if site else None,
                        route.endpoint,
                        request.method,
                        request.path,
                        status,
                        route.size(body) if body else None,
                        arrived,
                    )
                )

        return endpoint

    def _authenticate(self, request: web.Request) -> FakeWixSite:
        auth = request.headers.get("Authorization", "").strip()
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else auth
        if not key:
            raise FakeWixError(401, "missing Authorization header", "UNAUTHENTICATED")
        mine = [site for site in self.sites.values() if site.api_key == key]
        if not mine:
            raise FakeWixError(401, "the API key is not valid", "UNAUTHENTICATED")
        wanted = request.headers.get("wix-site-id")
        site = next((site for site in mine if site.site_id == wanted), None)
        if site is None:
            raise FakeWixError(
                403, "the auth identity is not allowed on this resource for this site", "PERMISSION_DENIED"
            )
        return site

    def _admit(self, site: FakeWixSite) -> None:
        if site.rate_limit is None:
            return
        now = time.monotonic()
        hits = self._hits.setdefault(site.site_id, deque())
        while hits and hits[0] <= now - site.rate_window:
            hits.popleft()
        if len(hits) >= site.rate_limit:
            raise FakeWixError(429, "too many requests", "RESOURCE_EXHAUSTED")
        hits.append(now)

    @staticmethod
    def _check_catalog(route: Route, site: FakeWixSite) -> None:
        if route.catalog is None or route.catalog == site.catalog_version:
            return
        if site.catalog_version == V1_CATALOG:
            raise FakeWixError(428, "this site uses Catalog V1", "CATALOG_V1_SITE_CALLING_CATALOG_V3_API")
        raise FakeWixError(428, "this site uses Catalog V3", "CATALOG_V3_SITE_CALLING_CATALOG_V1_API")

    async def _serve(
        self, route: Route, site: FakeWixSite, request: web.Request, body: dict[str, Any]
    ) -> web.StreamResponse:
        if site.latency:
            await asyncio.sleep(site.latency)
        self._admit(site)
        failure = site.faults.take_failure(route.endpoint)
        if failure is not None and not failure.after_apply:
            raise FakeWixError(failure.status, "injected failure")
        if site.faults.take_garbage(route.endpoint):
            return web.Response(status=200, text="<html>upstream hiccup</html>", content_type="text/html")
        self._check_catalog(route, site)
        if request.method in ("POST", "PATCH"):
            try:
                parsed = json.loads(await request.read() or b"{}")
            except ValueError:
                raise _invalid("body", "is not JSON") from None
            if not isinstance(parsed, dict):
                raise _invalid("body", "must be a JSON object")
            body.update(parsed)
        if route.contract and request.method in ("POST", "PATCH"):
            self.contract_violations += self.contract.check_request(route.contract, body)
        limit = site.faults.batch_limits.get(route.endpoint)
        size = route.size(body)
        if limit is not None and size is not None and size > limit[0]:
            raise FakeWixError(limit[1], "injected failure for a large batch")
        if route.write:
            while site.faults.write_hooks:
                outcome = site.faults.write_hooks.pop(0)(site)
                if inspect.isawaitable(outcome):
                    await outcome
        payload = await route.handler(site, body, request)
        if failure is not None:
            raise FakeWixError(failure.status, "injected failure after the change was made")
        if route.contract:
            self.contract_violations += self.contract.check_response(route.contract, payload)
        return web.json_response(payload)
