"""SKU → Wix (product, variant, inventory item) per site: crawl the site, match our SKUs, store, report.

One crawl reads every SKU-holding unit of the site with its stock (V1: products with variants, 100 per
request, product- and variant-level SKUs; V3: inventory items, 1000 per request, by `product.variantSku`),
so a reconcile can plan its writes from it without reading again. SKUs are matched case-insensitively
(`domain.validation.sku_key`, as everywhere here) and stored as Wix spells them, which is what a push
must send. A SKU that Wix holds twice is reported and left unmapped, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.channels import Progress
from domain.models import Product, WixProductMapping
from domain.validation import sku_key
from integrations.wix.client import WixApiService
from integrations.wix.crawl import BothEnds
from integrations.wix.errors import WixCatalogVersionMismatch, WixStoresNotInstalled
from integrations.wix.lookup import v1_units, v3_unit
from integrations.wix.models import CatalogVersion
from integrations.wix.results import SkuLookup, WixProductInfo

# Problem lists kept in a run's details (the counts always cover everything).
DETAILS_LIMIT = 500
_PROGRESS_EVERY = 500
_CHUNK = 1000


@dataclass
class WixCatalog:
    """Every SKU-holding unit of one site, as one crawl saw it."""

    version: CatalogVersion
    units: dict[str, list[WixProductInfo]] = field(default_factory=lambda: defaultdict(list))

    def add(self, unit: WixProductInfo) -> None:
        self.units[unit.sku].append(unit)

    def lookup(self, skus: Iterable[str]) -> SkuLookup:
        """The crawl seen as a lookup of `skus` (Wix spellings): what a push can plan from."""
        lookup = SkuLookup(found={}, catalog_version=self.version)
        for sku in dict.fromkeys(skus):
            held = self.units.get(sku, [])
            if len(held) == 1:
                lookup.found[sku] = held[0]
            elif held:
                lookup.duplicates[sku] = list(held)
            else:
                lookup.missing.append(sku)
        return lookup


async def crawl(wix: WixApiService, progress: Progress | None = None, expected: int = 0) -> WixCatalog:
    """Read the whole site once. A 428 (the remembered catalog version is wrong) reads it again on the
    version Wix names. `progress(done, total)` counts products (V1) or inventory items (V3), `expected`
    being the size last seen."""
    version = await wix.get_catalog_version()
    try:
        return await _crawl(wix, version, progress, expected)
    except WixCatalogVersionMismatch as exc:
        if exc.catalog_version is None or exc.catalog_version == version:
            raise
        return await _crawl(wix, exc.catalog_version, progress, expected)


async def _crawl(
    wix: WixApiService, version: CatalogVersion, progress: Progress | None, expected: int
) -> WixCatalog:
    if version is CatalogVersion.STORES_NOT_INSTALLED:
        raise WixStoresNotInstalled("Wix Stores is not installed on this site")
    catalog = WixCatalog(version)
    seen = 0

    async def tick(count: int) -> None:
        nonlocal seen
        seen += count
        if progress is not None and seen % _PROGRESS_EVERY < count:
            await progress(seen, max(expected, seen))

    if version is CatalogVersion.V1:
        for product in await BothEnds(wix, tick).run():
            for held in v1_units(product):
                catalog.add(held)
    else:
        where = {"locationId": {"$eq": wix.location_id}} if wix.location_id else None
        async for item in wix.iter_inventory_items(where):
            found = v3_unit(item)
            if found is not None:
                catalog.add(found)
                await tick(1)
    if progress is not None:
        await progress(seen, max(expected, seen))
    return catalog


@dataclass(frozen=True, slots=True)
class ProductRef:
    id: int
    sku: str
    archived: bool


@dataclass
class MappingReport:
    """What matching found: the bot's and the CLI's mapping report, kept in a run's details."""

    catalog_version: str | None = None
    products: int = 0  # products here (archived ones too)
    wix_skus: int = 0  # distinct SKUs in Wix
    mapped: int = 0
    missing: list[str] = field(default_factory=list)  # active products here that Wix does not hold
    duplicates: dict[str, int] = field(default_factory=dict)  # our SKU -> how many Wix variants hold it
    unknown: list[str] = field(default_factory=list)  # SKUs in Wix that no product here has

    def problems(self) -> dict[str, str]:
        found = {sku: "not in Wix" for sku in self.missing}
        found.update({sku: f"held by {count} Wix variants" for sku, count in self.duplicates.items()})
        found.update({sku: "in Wix, not here" for sku in self.unknown})
        return found

    def as_details(self) -> dict[str, Any]:
        return {
            "catalog_version": self.catalog_version,
            "products": self.products,
            "wix_skus": self.wix_skus,
            "mapped": self.mapped,
            "missing_count": len(self.missing),
            "missing": self.missing[:DETAILS_LIMIT],
            "duplicates_count": len(self.duplicates),
            "duplicates": dict(list(self.duplicates.items())[:DETAILS_LIMIT]),
            "unknown_count": len(self.unknown),
            "unknown": self.unknown[:DETAILS_LIMIT],
        }


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A mapping report as a run stored it: the lists may be cut at DETAILS_LIMIT, the counts are whole."""

    report: MappingReport
    missing_count: int
    duplicates_count: int
    unknown_count: int
    at: datetime | None = None

    @classmethod
    def of(cls, details: Mapping[str, Any], at: datetime | None = None) -> StoredReport:
        report = MappingReport(
            catalog_version=details.get("catalog_version"),
            products=int(details.get("products", 0)),
            wix_skus=int(details.get("wix_skus", 0)),
            mapped=int(details.get("mapped", 0)),
            missing=list(details.get("missing", [])),
            duplicates={str(k): int(v) for k, v in dict(details.get("duplicates", {})).items()},
            unknown=list(details.get("unknown", [])),
        )
        return cls(
            report,
            int(details.get("missing_count", len(report.missing))),
            int(details.get("duplicates_count", len(report.duplicates))),
            int(details.get("unknown_count", len(report.unknown))),
            at,
        )


def match(
    catalog: WixCatalog, products: Iterable[ProductRef]
) -> tuple[dict[int, WixProductInfo], MappingReport]:
    """{product id: where its SKU lives in Wix} and the report of what could not be matched."""
    by_key: dict[str, list[WixProductInfo]] = defaultdict(list)
    for units in catalog.units.values():
        for unit in units:
            by_key[sku_key(unit.sku)].append(unit)
    matches: dict[int, WixProductInfo] = {}
    report = MappingReport(catalog_version=catalog.version.value, wix_skus=len(catalog.units))
    ours: set[str] = set()
    for product in products:
        report.products += 1
        key = sku_key(product.sku)
        ours.add(key)
        held = by_key.get(key, [])
        if len(held) == 1:
            matches[product.id] = held[0]
        elif held:
            report.duplicates[product.sku] = len(held)
        elif not product.archived:
            report.missing.append(product.sku)
    report.mapped = len(matches)
    report.unknown = sorted(sku for sku in catalog.units if sku_key(sku) not in ours)
    report.missing.sort()
    return matches, report


async def product_refs(session: AsyncSession) -> list[ProductRef]:
    rows = await session.execute(select(Product.id, Product.sku, Product.archived).order_by(Product.id))
    return [ProductRef(*row) for row in rows.all()]


_STORED = (
    WixProductMapping.product_id,
    WixProductMapping.sku,
    WixProductMapping.wix_product_id,
    WixProductMapping.wix_variant_id,
    WixProductMapping.inventory_item_id,
)


def _columns(info: WixProductInfo) -> tuple[str, str, str | None, str | None]:
    return info.sku, info.product_id, info.variant_id, info.inventory_item_id


async def store_mapping(session: AsyncSession, account_id: int, matches: Mapping[int, WixProductInfo]) -> int:
    """Make the site's stored mapping equal `matches`; returns how many rows changed."""
    stored = {
        row[0]: tuple(row[1:])
        for row in await session.execute(select(*_STORED).where(WixProductMapping.account_id == account_id))
    }
    table = cast(Table, WixProductMapping.__table__)
    added = [
        {
            "account_id": account_id,
            "product_id": product_id,
            "sku": info.sku,
            "wix_product_id": info.product_id,
            "wix_variant_id": info.variant_id,
            "inventory_item_id": info.inventory_item_id,
        }
        for product_id, info in matches.items()
        if product_id not in stored
    ]
    moved = [
        {
            "pid": product_id,
            "s": info.sku,
            "wp": info.product_id,
            "wv": info.variant_id,
            "ii": info.inventory_item_id,
        }
        for product_id, info in matches.items()
        if product_id in stored and stored[product_id] != _columns(info)
    ]
    gone = sorted(set(stored) - set(matches))
    if added:
        await session.execute(insert(table), added)
    if moved:
        await session.execute(
            update(table)
            .where(table.c.account_id == account_id, table.c.product_id == bindparam("pid"))
            .values(
                sku=bindparam("s"),
                wix_product_id=bindparam("wp"),
                wix_variant_id=bindparam("wv"),
                inventory_item_id=bindparam("ii"),
                last_pushed_quantity=None,
            ),
            moved,
        )
    for start in range(0, len(gone), _CHUNK):
        await session.execute(
            delete(table).where(
                table.c.account_id == account_id, table.c.product_id.in_(gone[start : start + _CHUNK])
            )
        )
    return len(added) + len(moved) + len(gone)


async def stored_mapping(
    session: AsyncSession, account_id: int, product_ids: Iterable[int]
) -> dict[int, WixProductInfo]:
    """{product id: where it lives in Wix} as last stored (no stock: `current_quantity` is None).

    A product whose SKU was edited since is left out: its Wix item holds the old SKU, and the next
    reconcile maps it anew rather than a push sending its stock to another product's listing.
    """
    ids = sorted(set(product_ids))
    found: dict[int, WixProductInfo] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = await session.execute(
            select(*_STORED, Product.sku_key)
            .join(Product, Product.id == WixProductMapping.product_id)
            .where(
                WixProductMapping.account_id == account_id,
                WixProductMapping.product_id.in_(ids[start : start + _CHUNK]),
            )
        )
        for product_id, sku, wix_product, variant, item, ours in rows:
            if sku_key(sku) != ours:
                continue
            found[product_id] = WixProductInfo(
                sku=sku,
                product_id=wix_product,
                variant_id=variant or "",
                current_quantity=None,
                inventory_item_id=item,
                track_quantity=True,
            )
    return found


async def note_pushed(
    session: AsyncSession, account_id: int, levels: Mapping[int, int], at: datetime
) -> None:
    """Remember the level Wix confirmed per product (shown on the product card's channel status)."""
    if not levels:
        return
    table = cast(Table, WixProductMapping.__table__)
    await session.execute(
        update(table)
        .where(table.c.account_id == account_id, table.c.product_id == bindparam("pid"))
        .values(last_pushed_quantity=bindparam("q"), last_pushed_at=bindparam("at")),
        [{"pid": product_id, "q": level, "at": at} for product_id, level in levels.items()],
    )
