"""What the SKU-level methods return: the SKU → Wix mapping and the report of a quantity push."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from integrations.wix.models import CatalogVersion


class WixProductInfo(BaseModel):
    """Where one SKU lives in Wix and its stock when read.

    Catalog V1: `variant_id` is ZERO_VARIANT_ID for products without managed variants, `inventory_item_id`
    is the product's inventory item and `revision` is None. Catalog V3: `inventory_item_id` and
    `revision` are the inventory item's (one variant at one location).
    """

    model_config = ConfigDict(frozen=True)

    sku: str
    product_id: str
    variant_id: str
    current_quantity: int | None
    inventory_item_id: str | None
    revision: str | None = None
    track_quantity: bool
    location_id: str | None = None


@dataclass(eq=False)
class SkuLookup(Mapping[str, WixProductInfo]):
    """{sku: WixProductInfo} for the SKUs found exactly once, plus what could not be mapped.

    It compares and iterates like the `found` dict (the origin method returned a plain dict).
    """

    found: dict[str, WixProductInfo]
    missing: list[str] = field(default_factory=list)
    duplicates: dict[str, list[WixProductInfo]] = field(default_factory=dict)  # SKU held by 2+ variants
    invalid: dict[str, str] = field(default_factory=dict)  # SKU -> why it was not sent
    catalog_version: CatalogVersion | None = None
    requests_made: int = 0

    def __getitem__(self, sku: str) -> WixProductInfo:
        return self.found[sku]

    def __iter__(self) -> Iterator[str]:
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)

    def restricted_to(self, skus: Iterable[str]) -> SkuLookup:
        """The same findings for `skus` only; a SKU this lookup has not seen counts as missing."""
        wanted = list(dict.fromkeys(skus))
        return SkuLookup(
            found={sku: self.found[sku] for sku in wanted if sku in self.found},
            missing=[sku for sku in wanted if sku not in self.found and sku not in self.duplicates],
            duplicates={sku: self.duplicates[sku] for sku in wanted if sku in self.duplicates},
            catalog_version=self.catalog_version,
        )

    def problems(self) -> dict[str, str]:
        """{sku: short reason} for every requested SKU that is not in `found`."""
        reasons = dict(self.invalid)
        reasons.update({sku: "not found in Wix" for sku in self.missing})
        reasons.update(
            {sku: f"SKU appears {len(infos)} times in Wix" for sku, infos in self.duplicates.items()}
        )
        return reasons


@dataclass(frozen=True, slots=True)
class QuantityChange:
    before: int | None
    after: int


@dataclass
class UpdateReport:
    """Outcome of `update_inventory_by_sku_list`.

    `updated[sku].after` is the level we set: the desired level, or on V3 after a revision conflict the
    level Wix had then plus our intended change (so a sale made meanwhile is kept for the order import).
    """

    updated: dict[str, QuantityChange] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    requests_made: int = 0
    catalog_version: CatalogVersion | None = None
