"""Filters for Catalog V1 queries (origin names), and helpers shared by every Wix filter.

Catalog V1 takes `filter` and `sort` as JSON-encoded strings; these models build the object and the
client encodes it. Fields and operators are the documented ones (wix-api.md §2a, §3b). The `sku` filter
sees product-level SKUs only: a managed variant's SKU is found by crawling products with variants.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field


def wix_time(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and Z, the form Wix writes (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def merge_filters(*filters: dict[str, Any] | None) -> dict[str, Any]:
    """All conditions together: one object when the keys do not clash, else `$and`."""
    present = [flt for flt in filters if flt]
    merged: dict[str, Any] = {}
    for flt in present:
        if merged.keys() & flt.keys():
            return {"$and": present}
        merged.update(flt)
    return merged


class WixProductFilter(BaseModel):
    skus: list[str] | None = None  # product-level SKU, `$hasSome`
    ids: list[str] | None = None
    numeric_id_after: int | None = None  # `numericId $gt`, the documented crawl cursor
    updated_after: datetime | None = None  # `lastUpdated $gt`
    extra: dict[str, Any] = Field(default_factory=dict)  # anything else, in Wix's own syntax

    def to_wix(self) -> dict[str, Any]:
        flt: dict[str, Any] = {}
        if self.skus is not None:
            flt["sku"] = {"$hasSome": self.skus}
        if self.ids is not None:
            flt["id"] = {"$hasSome": self.ids}
        if self.numeric_id_after is not None:
            flt["numericId"] = {"$gt": self.numeric_id_after}
        if self.updated_after is not None:
            flt["lastUpdated"] = {"$gt": wix_time(self.updated_after)}
        return merge_filters(flt, self.extra)


class WixInventoryFilter(BaseModel):
    product_ids: list[str] | None = None
    numeric_id_after: int | None = None
    updated_after: datetime | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    def to_wix(self) -> dict[str, Any]:
        flt: dict[str, Any] = {}
        if self.product_ids is not None:
            flt["productId"] = {"$hasSome": self.product_ids}
        if self.numeric_id_after is not None:
            flt["numericId"] = {"$gt": self.numeric_id_after}
        if self.updated_after is not None:
            # Wix's own example wraps the inventory timestamp in a one-element array.
            flt["lastUpdated"] = {"$gt": [wix_time(self.updated_after)]}
        return merge_filters(flt, self.extra)


def as_filter(value: BaseModel | dict[str, Any] | None) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, (WixProductFilter, WixInventoryFilter)):
        return value.to_wix()
    if isinstance(value, dict):
        return value
    raise TypeError(f"not a Wix filter: {type(value).__name__}")
