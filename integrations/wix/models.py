"""Pydantic models of what Wix sends and takes over REST (names as in wix-api.md; camelCase on the wire).

Reads ignore fields we do not use, so a new Wix field never breaks a sync. Request models are dumped with
`wire()` (aliases, no None), so optional fields stay out of the body instead of being sent as null.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

# Catalog V1 gives products without managed variants this variant id.
ZERO_VARIANT_ID = "00000000-0000-0000-0000-000000000000"
# Wix Stores' appId in eCom line items' catalogReference.
WIX_STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e"

# int64 values (revision, numericId) travel as strings; accept numbers too.
Int64Str = Annotated[str, BeforeValidator(lambda value: str(value) if isinstance(value, int) else value)]


class WixModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class CatalogVersion(StrEnum):
    V1 = "V1_CATALOG"
    V3 = "V3_CATALOG"
    STORES_NOT_INSTALLED = "STORES_NOT_INSTALLED"


# --- errors -------------------------------------------------------------------------------------------


class ApplicationError(WixModel):
    code: str = ""
    description: str = ""
    data: dict[str, Any] = Field(default_factory=dict)


class FieldViolation(WixModel):
    field: str = ""
    description: str = ""
    violated_rule: str | None = None
    rule_name: str | None = None
    data: dict[str, Any] | None = None


class ValidationErrorDetails(WixModel):
    field_violations: list[FieldViolation] = Field(default_factory=list)


class ErrorDetails(WixModel):
    application_error: ApplicationError | None = None
    validation_error: ValidationErrorDetails | None = None


class WixErrorBody(WixModel):
    message: str = ""
    details: ErrorDetails | None = None


# --- Catalog V1 products ------------------------------------------------------------------------------


class ProductStock(WixModel):
    track_inventory: bool = False
    quantity: int | None = None
    in_stock: bool | None = None
    inventory_status: str | None = None


class VariantData(WixModel):
    sku: str = ""
    visible: bool | None = None
    weight: float | None = None


class VariantStock(WixModel):
    track_quantity: bool = False
    quantity: int | None = None
    in_stock: bool | None = None


class ProductVariant(WixModel):
    id: str
    choices: dict[str, str] = Field(default_factory=dict)
    variant: VariantData = Field(default_factory=VariantData)
    stock: VariantStock | None = None


class WixProduct(WixModel):
    id: str
    name: str = ""
    sku: str = ""
    visible: bool | None = None
    product_type: str | None = None
    manage_variants: bool = False
    stock: ProductStock = Field(default_factory=ProductStock)
    numeric_id: Int64Str | None = None
    inventory_item_id: str | None = None
    variants: list[ProductVariant] = Field(default_factory=list)
    last_updated: datetime | None = None
    created_date: datetime | None = None


class OffsetPagingMetadata(WixModel):
    items: int | None = None
    offset: int | None = None


class ProductsPage(WixModel):
    products: list[WixProduct] = Field(default_factory=list)
    metadata: OffsetPagingMetadata | None = None
    total_results: int | None = None


# --- Inventory V2 (the inventory of Catalog V1 sites) -------------------------------------------------


class PreorderInfo(WixModel):
    enabled: bool = False
    message: str | None = None
    limit: int | None = None


class InventoryVariant(WixModel):
    variant_id: str
    in_stock: bool | None = None
    quantity: int | None = None
    available_for_preorder: bool | None = None


class InventoryItemV2(WixModel):
    id: str
    product_id: str | None = None
    track_quantity: bool = False
    variants: list[InventoryVariant] = Field(default_factory=list)
    last_updated: datetime | None = None
    numeric_id: Int64Str | None = None
    preorder_info: PreorderInfo | None = None


class InventoryPage(WixModel):
    inventory_items: list[InventoryItemV2] = Field(default_factory=list)
    metadata: OffsetPagingMetadata | None = None
    total_results: int | None = None


class VariantQuantity(WixModel):
    """One variant in `PATCH /stores/v2/inventoryItems/product/{id}`: a quantity or an in-stock flag."""

    variant_id: str
    quantity: int | None = None
    in_stock: bool | None = None


class V1IncrementEntry(WixModel):
    product_id: str
    variant_id: str
    increment_by: int = Field(ge=1)


class V1DecrementEntry(WixModel):
    product_id: str
    variant_id: str
    decrement_by: int = Field(ge=1)


# --- Catalog V3 inventory items -----------------------------------------------------------------------


class InventoryItemProduct(WixModel):
    name: str | None = None
    variant_name: str | None = None
    variant_sku: str | None = None
    variant_visible: bool | None = None


class InventoryItemV3(WixModel):
    id: str
    revision: Int64Str | None = None
    variant_id: str | None = None
    product_id: str | None = None
    location_id: str | None = None
    track_quantity: bool = False
    quantity: int | None = None
    in_stock: bool | None = None
    availability_status: str | None = None
    product: InventoryItemProduct | None = None
    created_date: datetime | None = None
    updated_date: datetime | None = None


class Cursors(WixModel):
    next: str | None = None
    prev: str | None = None


class CursorPagingMetadata(WixModel):
    count: int | None = None
    cursors: Cursors = Field(default_factory=Cursors)
    has_next: bool | None = None

    @property
    def next_cursor(self) -> str | None:
        """The cursor of the next page, or None on the last one (Wix may omit hasNext)."""
        if self.has_next is False:
            return None
        return self.cursors.next or None


class InventoryItemsPage(WixModel):
    inventory_items: list[InventoryItemV3] = Field(default_factory=list)
    paging_metadata: CursorPagingMetadata = Field(default_factory=CursorPagingMetadata)


class V3QuantityUpdate(WixModel):
    """One item of a V3 bulk update: the absolute quantity, guarded by the revision we read."""

    id: str
    revision: Int64Str
    quantity: int


class V3IncrementEntry(WixModel):
    inventory_item_id: str
    increment_by: int = Field(ge=1, le=99_999)


class V3DecrementEntry(WixModel):
    inventory_item_id: str
    decrement_by: int = Field(ge=1, le=99_999)


class ItemMetadata(WixModel):
    id: str | None = None
    original_index: int = 0
    success: bool = False
    error: ApplicationError | None = None


class BulkItemResult(WixModel):
    item_metadata: ItemMetadata
    item: InventoryItemV3 | None = None


class BulkActionMetadata(WixModel):
    total_successes: int = 0
    total_failures: int = 0
    undetailed_failures: int = 0


class BulkResult(WixModel):
    """A V3 bulk reply: an HTTP 200 can still hold failed items, so read every `item_metadata.success`."""

    results: list[BulkItemResult] = Field(default_factory=list)
    bulk_action_metadata: BulkActionMetadata = Field(default_factory=BulkActionMetadata)

    @property
    def failures(self) -> list[ItemMetadata]:
        return [result.item_metadata for result in self.results if not result.item_metadata.success]


# --- eCom orders --------------------------------------------------------------------------------------


class ProductName(WixModel):
    original: str = ""
    translated: str | None = None


class CatalogReference(WixModel):
    catalog_item_id: str | None = None
    app_id: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)

    @property
    def variant_id(self) -> str | None:
        """Set for managed variants (Catalog V1) and for every V3 item."""
        value = self.options.get("variantId")
        return value if isinstance(value, str) else None


class PhysicalProperties(WixModel):
    sku: str | None = None
    weight: float | None = None
    shippable: bool | None = None


class OrderLineItem(WixModel):
    id: str
    quantity: int
    product_name: ProductName = Field(default_factory=ProductName)
    catalog_reference: CatalogReference | None = None
    physical_properties: PhysicalProperties | None = None
    restock_quantity: int | None = None

    @property
    def sku(self) -> str | None:
        return self.physical_properties.sku if self.physical_properties else None


class WixOrder(WixModel):
    id: str
    number: str | None = None
    status: str | None = None
    payment_status: str | None = None
    fulfillment_status: str | None = None
    archived: bool | None = None
    currency: str | None = None
    created_date: datetime
    updated_date: datetime
    line_items: list[OrderLineItem] = Field(default_factory=list)


class OrdersPage(WixModel):
    orders: list[WixOrder] = Field(default_factory=list)
    metadata: CursorPagingMetadata = Field(default_factory=CursorPagingMetadata)
