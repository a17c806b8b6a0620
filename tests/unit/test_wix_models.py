"""Wire models: camelCase in and out, int64 strings, bulk results, cursors, orders."""

from __future__ import annotations

from datetime import UTC, datetime

from integrations.wix.models import (
    BulkResult,
    CursorPagingMetadata,
    InventoryItemV3,
    V1IncrementEntry,
    V3QuantityUpdate,
    WixOrder,
    WixProduct,
)


def test_requests_dump_camel_case_without_nones() -> None:
    entry = V1IncrementEntry(product_id="p", variant_id="v", increment_by=3)
    assert entry.wire() == {"productId": "p", "variantId": "v", "incrementBy": 3}
    assert V3QuantityUpdate(id="i", revision=7, quantity=2).wire() == {
        "id": "i",
        "revision": "7",
        "quantity": 2,
    }


def test_replies_parse_and_ignore_unknown_fields() -> None:
    product = WixProduct.model_validate(
        {"id": "p", "numericId": 1608041194964000, "stock": {"trackInventory": True, "quantity": 3}, "new": 1}
    )
    assert product.numeric_id == "1608041194964000" and product.stock.quantity == 3
    item = InventoryItemV3.model_validate({"id": "i", "revision": "4", "product": {"variantSku": "A"}})
    assert item.revision == "4" and item.product and item.product.variant_sku == "A"


def test_bulk_failures_are_listed() -> None:
    result = BulkResult.model_validate(
        {
            "results": [
                {"itemMetadata": {"id": "a", "originalIndex": 0, "success": True}},
                {"itemMetadata": {"id": "b", "originalIndex": 1, "success": False, "error": {"code": "X"}}},
            ],
            "bulkActionMetadata": {"totalSuccesses": 1, "totalFailures": 1},
        }
    )
    assert [f.id for f in result.failures] == ["b"]


def test_next_cursor_respects_has_next() -> None:
    assert CursorPagingMetadata.model_validate({"cursors": {"next": "c"}}).next_cursor == "c"
    assert (
        CursorPagingMetadata.model_validate({"cursors": {"next": "c"}, "hasNext": False}).next_cursor is None
    )
    assert CursorPagingMetadata.model_validate({"cursors": {}}).next_cursor is None


def test_order_lines_expose_sku_and_variant() -> None:
    order = WixOrder.model_validate(
        {
            "id": "o",
            "number": "10001",
            "createdDate": "2025-03-01T10:00:00.123Z",
            "updatedDate": "2025-03-01T10:00:00.123Z",
            "lineItems": [
                {
                    "id": "l",
                    "quantity": 2,
                    "physicalProperties": {"sku": "A"},
                    "catalogReference": {"catalogItemId": "p", "options": {"variantId": "v"}},
                }
            ],
        }
    )
    line = order.line_items[0]
    assert (line.sku, line.catalog_reference and line.catalog_reference.variant_id) == ("A", "v")
    assert order.created_date == datetime(2025, 3, 1, 10, 0, 0, 123000, tzinfo=UTC)
