"""Where SKUs live in Wix: the Catalog V1 product crawl and the V3 inventory item query.

A SKU held by two Wix variants (or, on V3, stocked at two locations when no location is chosen) is a
duplicate: reported, never guessed. Hidden products are included: their stock still counts once shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from integrations.wix.batching import BatchKind, shrinking
from integrations.wix.models import ZERO_VARIANT_ID, CatalogVersion, InventoryItemV3, WixProduct
from integrations.wix.results import SkuLookup, WixProductInfo

if TYPE_CHECKING:
    from integrations.wix.client import WixApiService

Index = dict[str, list[WixProductInfo]]


def v1_units(product: WixProduct, wanted: Container[str] | None = None) -> list[WixProductInfo]:
    """The SKU-holding units of a V1 product (each managed variant, or else the product itself), only
    those whose SKU is in `wanted` when given."""
    if not product.manage_variants:
        if not product.sku or (wanted is not None and product.sku not in wanted):
            return []
        return [
            WixProductInfo(
                sku=product.sku,
                product_id=product.id,
                variant_id=ZERO_VARIANT_ID,
                current_quantity=product.stock.quantity,
                inventory_item_id=product.inventory_item_id,
                track_quantity=product.stock.track_inventory,
            )
        ]
    units = []
    for variant in product.variants:
        if not variant.variant.sku or (wanted is not None and variant.variant.sku not in wanted):
            continue
        stock = variant.stock
        units.append(
            WixProductInfo(
                sku=variant.variant.sku,
                product_id=product.id,
                variant_id=variant.id,
                current_quantity=stock.quantity if stock else None,
                inventory_item_id=product.inventory_item_id,
                track_quantity=stock.track_quantity if stock else product.stock.track_inventory,
            )
        )
    return units


def v3_unit(item: InventoryItemV3) -> WixProductInfo | None:
    sku = item.product.variant_sku if item.product else None
    if not sku or not item.product_id or not item.variant_id:
        return None
    return WixProductInfo(
        sku=sku,
        product_id=item.product_id,
        variant_id=item.variant_id,
        current_quantity=item.quantity,
        inventory_item_id=item.id,
        revision=item.revision,
        track_quantity=item.track_quantity,
        location_id=item.location_id,
    )


def _classify(skus: Sequence[str], index: Index, version: CatalogVersion) -> SkuLookup:
    lookup = SkuLookup(found={}, catalog_version=version)
    for sku in skus:
        units = index.get(sku, [])
        if not units:
            lookup.missing.append(sku)
        elif len(units) == 1:
            lookup.found[sku] = units[0]
        else:
            lookup.duplicates[sku] = units
    return lookup


async def _v1_index(wix: WixApiService, skus: Sequence[str], known: Mapping[str, WixProductInfo]) -> Index:
    index: Index = defaultdict(list)
    hinted = {sku: known[sku] for sku in skus if sku in known}
    if hinted:
        for product in await wix.get_products_by_ids(info.product_id for info in hinted.values()):
            for unit in v1_units(product):
                hint = hinted.get(unit.sku)
                if hint and (hint.product_id, hint.variant_id) == (unit.product_id, unit.variant_id):
                    index[unit.sku] = [unit]
    rest = set(skus) - index.keys()
    if rest:
        async for product in wix.iter_products(include_variants=True, include_hidden=True):
            for unit in v1_units(product, rest):
                index[unit.sku].append(unit)
    return index


def v3_filter(wix: WixApiService, field: str, values: Sequence[str]) -> dict[str, Any]:
    flt: dict[str, Any] = {field: {"$in": list(values)}}
    if wix.location_id:
        flt["locationId"] = {"$eq": wix.location_id}
    return flt


async def _v3_chunk(
    wix: WixApiService, field: str, values: Sequence[str], start: int, size: int
) -> tuple[int, list[InventoryItemV3]]:
    chunk = values[start : start + size]
    return len(chunk), await wix.inventory_items_where(v3_filter(wix, field, chunk), size)


async def v3_items_where_in(wix: WixApiService, field: str, values: Sequence[str]) -> list[InventoryItemV3]:
    """Inventory items whose `field` is one of `values`: one request per ≤1000 values, halved on 5xx."""
    items: list[InventoryItemV3] = []
    start = 0
    while start < len(values):
        read = partial(_v3_chunk, wix, field, values, start)
        sent, found = await shrinking(
            wix.effective_batch_size, BatchKind.V3_INVENTORY_QUERY, read, available=len(values) - start
        )
        items += found
        start += sent
    return items


async def _v3_index(wix: WixApiService, skus: Sequence[str]) -> Index:
    index: Index = defaultdict(list)
    wanted = set(skus)
    for item in await v3_items_where_in(wix, "product.variantSku", skus):
        unit = v3_unit(item)
        if unit and unit.sku in wanted:
            index[unit.sku].append(unit)
    return index


async def lookup_skus(
    wix: WixApiService, version: CatalogVersion, skus: Sequence[str], known: Mapping[str, WixProductInfo]
) -> SkuLookup:
    """Map valid SKUs on the given catalog version (the caller has validated them)."""
    if not skus:
        return SkuLookup(found={}, catalog_version=version)
    index = await (_v1_index(wix, skus, known) if version is CatalogVersion.V1 else _v3_index(wix, skus))
    return _classify(skus, index, version)
