"""Filters for Catalog V1 queries and the helpers every Wix filter shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from integrations.wix.filters import WixInventoryFilter, WixProductFilter, as_filter, merge_filters, wix_time


def test_wix_time_is_utc_milliseconds_with_z() -> None:
    warsaw = timezone(timedelta(hours=2))
    assert wix_time(datetime(2025, 6, 1, 14, 30, 5, 123456, tzinfo=warsaw)) == "2025-06-01T12:30:05.123Z"
    assert wix_time(datetime(2025, 6, 1, 12, 0)) == "2025-06-01T12:00:00.000Z"  # naive = UTC


def test_product_filter_builds_wix_syntax() -> None:
    moment = datetime(2025, 1, 2, tzinfo=UTC)
    flt = WixProductFilter(skus=["A", "B"], numeric_id_after=42, updated_after=moment, extra={"name": "x"})
    assert flt.to_wix() == {
        "sku": {"$hasSome": ["A", "B"]},
        "numericId": {"$gt": 42},
        "lastUpdated": {"$gt": "2025-01-02T00:00:00.000Z"},
        "name": "x",
    }
    assert as_filter(flt) == flt.to_wix() and as_filter(None) == {} and as_filter({"id": "1"}) == {"id": "1"}


def test_inventory_filter_wraps_the_timestamp_like_wix_example() -> None:
    flt = WixInventoryFilter(product_ids=["p"], updated_after=datetime(2025, 1, 2, tzinfo=UTC))
    assert flt.to_wix() == {
        "productId": {"$hasSome": ["p"]},
        "lastUpdated": {"$gt": ["2025-01-02T00:00:00.000Z"]},
    }


def test_merge_joins_disjoint_filters_and_ands_clashing_ones() -> None:
    assert merge_filters({"a": 1}, None, {"b": 2}) == {"a": 1, "b": 2}
    assert merge_filters({"a": 1}, {"a": {"$gt": 0}}) == {"$and": [{"a": 1}, {"a": {"$gt": 0}}]}
    assert merge_filters(None, {}) == {}
