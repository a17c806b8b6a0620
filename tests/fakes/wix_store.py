"""The fake Wix's data: sites with products, variants (= V3 inventory items) and eCom orders.

One store model serves both catalog versions, so a test can migrate a site from V1 to V3 by flipping
`catalog_version`. Catalog V1 sees products (a product without managed variants has one variant with
the zero id and its SKU on the product); V3 sees one inventory item per variant, with its own id and a
revision that every change bumps. Changes made "in Wix" (a sale, a manual edit) go through `sell()` and
`set_quantity()`, which behave like Wix: quantity and revision move together.
"""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.wix import FakeWix

ZERO_VARIANT_ID = "00000000-0000-0000-0000-000000000000"
WIX_STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
V1_CATALOG = "V1_CATALOG"
V3_CATALOG = "V3_CATALOG"

WriteHook = Callable[["FakeWixSite"], object]  # awaited when it returns an awaitable
VariantSeed = tuple[str, int] | Mapping[str, Any]


def wix_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _guid() -> str:
    return str(uuid.uuid4())


@dataclass(eq=False)
class FakeVariant:
    product: FakeProduct
    id: str
    sku: str
    quantity: int
    track: bool
    item_id: str
    location_id: str
    created: datetime
    updated: datetime
    choices: dict[str, str] = field(default_factory=dict)
    revision: int = 1

    def touch(self, moment: datetime) -> None:
        self.revision += 1
        self.updated = moment
        self.product.updated = moment


@dataclass(eq=False)
class FakeProduct:
    id: str
    numeric_id: int
    name: str
    sku: str  # product-level SKU; empty for managed variants
    manage_variants: bool
    inventory_item_id: str
    created: datetime
    updated: datetime
    visible: bool = True
    variants: list[FakeVariant] = field(default_factory=list)

    @property
    def track(self) -> bool:
        return all(variant.track for variant in self.variants)


@dataclass(eq=False)
class FakeOrderLine:
    id: str
    sku: str
    quantity: int
    product_id: str | None
    variant_id: str | None
    name: str
    price: str = "10.00"


@dataclass(eq=False)
class FakeOrder:
    id: str
    number: int
    status: str
    payment_status: str
    created: datetime
    updated: datetime
    lines: list[FakeOrderLine]
    fulfillment_status: str = "NOT_FULFILLED"
    archived: bool = False
    buyer_email: str = "buyer@example.com"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": str(self.number),
            "createdDate": wix_time(self.created),
            "updatedDate": wix_time(self.updated),
            "status": self.status,
            "paymentStatus": self.payment_status,
            "fulfillmentStatus": self.fulfillment_status,
            "archived": self.archived,
            "currency": "PLN",
            "buyerInfo": {"contactId": f"contact-{self.number}", "email": self.buyer_email},
            "lineItems": [
                {
                    "id": line.id,
                    "productName": {"original": line.name},
                    "quantity": line.quantity,
                    "catalogReference": {
                        "catalogItemId": line.product_id or "",
                        "appId": WIX_STORES_APP_ID,
                        "options": {"variantId": line.variant_id} if line.variant_id else {},
                    },
                    "physicalProperties": {"sku": line.sku, "shippable": True},
                    "itemType": {"preset": "PHYSICAL"},
                    "price": {"amount": line.price, "formattedAmount": f"{line.price} zł"},
                }
                for line in self.lines
            ],
        }


@dataclass(frozen=True)
class Failure:
    endpoint: str | None  # None: any endpoint
    status: int
    after_apply: bool  # the change is made, then the answer is lost (the worst case for a client)


@dataclass
class Faults:
    """What the next requests to a site should suffer."""

    fail_next: list[Failure] = field(default_factory=list)
    garbage_next: list[str | None] = field(default_factory=list)
    batch_limits: dict[str, tuple[int, int]] = field(default_factory=dict)  # endpoint -> (max size, status)
    write_hooks: list[WriteHook] = field(default_factory=list)

    def take_failure(self, endpoint: str) -> Failure | None:
        for index, failure in enumerate(self.fail_next):
            if failure.endpoint in (None, endpoint):
                return self.fail_next.pop(index)
        return None

    def take_garbage(self, endpoint: str) -> bool:
        for index, wanted in enumerate(self.garbage_next):
            if wanted in (None, endpoint):
                del self.garbage_next[index]
                return True
        return False


class FakeWixSite:
    def __init__(
        self,
        fake: FakeWix,
        *,
        site_id: str,
        api_key: str,
        catalog_version: str,
        rate_limit: int | None,
        rate_window: float,
    ) -> None:
        self.fake = fake
        self.site_id = site_id
        self.api_key = api_key
        self.catalog_version = catalog_version
        self.rate_limit = rate_limit  # requests per `rate_window` seconds; None = unlimited
        self.rate_window = rate_window
        self.retry_after: float | None = None  # sent as Retry-After on 429 when set
        self.latency = 0.0  # seconds added to every request
        self.location_id = _guid()
        self.products: list[FakeProduct] = []  # in numericId order
        self.numeric_ids: list[int] = []  # the products' numericIds, for bisecting a crawl cursor
        self.products_by_id: dict[str, FakeProduct] = {}
        self.items_by_id: dict[str, FakeVariant] = {}
        self.variants_by_sku: dict[str, list[FakeVariant]] = defaultdict(list)
        self.orders: list[FakeOrder] = []
        self.faults = Faults()
        self.cursors: dict[str, tuple[Any, Any, int]] = {}
        self._numeric_ids = itertools.count(1_600_000_000_000_000, 1000)
        self._order_numbers = itertools.count(10_001)
        self._last_moment = datetime(2025, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        """Wall time in whole milliseconds (what Wix's timestamps carry), strictly increasing per call."""
        wall = datetime.now(UTC)
        wall = wall.replace(microsecond=wall.microsecond // 1000 * 1000)
        self._last_moment = max(wall, self._last_moment + timedelta(milliseconds=1))
        return self._last_moment

    # --- seeding ---------------------------------------------------------------------------------------

    def add_product(
        self,
        sku: str = "",
        quantity: int = 0,
        *,
        variants: Sequence[VariantSeed] | None = None,
        track: bool = True,
        name: str | None = None,
        visible: bool = True,
    ) -> FakeProduct:
        """A product with one SKU (`sku`, `quantity`) or with managed variants [(sku, qty) or
        {"sku", "quantity", "track", "choices"}]. On V3 every variant gets an inventory item."""
        moment = self.now()
        product = FakeProduct(
            id=_guid(),
            numeric_id=next(self._numeric_ids),
            name=name or (sku or "Product"),
            sku="" if variants else sku,
            manage_variants=bool(variants),
            inventory_item_id=_guid(),
            created=moment,
            updated=moment,
            visible=visible,
        )
        seeds: list[Mapping[str, Any]] = [
            seed if isinstance(seed, Mapping) else {"sku": seed[0], "quantity": seed[1]}
            for seed in variants or ()
        ]
        if not seeds:
            simple_id = ZERO_VARIANT_ID if self.catalog_version == V1_CATALOG else _guid()
            seeds = [{"sku": sku, "quantity": quantity, "track": track, "id": simple_id}]
        for number, seed in enumerate(seeds, start=1):
            variant = FakeVariant(
                product=product,
                id=seed.get("id")
                or f"00000000-0000-{number:04x}-{uuid.uuid4().hex[:4]}-{uuid.uuid4().hex[:12]}",
                sku=seed["sku"],
                quantity=seed.get("quantity", 0),
                track=seed.get("track", track),
                item_id=_guid(),
                location_id=self.location_id,
                created=moment,
                updated=moment,
                choices=dict(seed.get("choices") or ({"Variant": seed["sku"]} if variants else {})),
            )
            product.variants.append(variant)
            self.items_by_id[variant.item_id] = variant
            if variant.sku:
                self.variants_by_sku[variant.sku].append(variant)
        self.products.append(product)
        self.numeric_ids.append(product.numeric_id)
        self.products_by_id[product.id] = product
        return product

    def add_products(self, count: int, *, prefix: str = "SKU-", quantity: int = 10) -> list[FakeProduct]:
        """`count` single-SKU products named prefix00001…"""
        return [self.add_product(f"{prefix}{number:05d}", quantity) for number in range(1, count + 1)]

    def variant(self, sku: str) -> FakeVariant:
        found = self.variants_by_sku.get(sku, [])
        if len(found) != 1:
            raise KeyError(f"{len(found)} variants hold SKU {sku!r}")
        return found[0]

    def quantity(self, sku: str) -> int | None:
        variant = self.variant(sku)
        return variant.quantity if variant.track else None

    def set_quantity(self, sku: str, quantity: int) -> None:
        """A merchant's edit in the Wix dashboard."""
        variant = self.variant(sku)
        variant.quantity = quantity
        variant.touch(self.now())

    def sell(self, sku: str, quantity: int = 1, *, with_order: bool = True) -> FakeOrder | None:
        """A sale in the Wix store: stock goes down (revision up) and, by default, an order appears."""
        variant = self.variant(sku)
        variant.quantity -= quantity
        variant.touch(self.now())
        if not with_order:
            return None
        return self.add_order([(sku, quantity)])

    def add_order(
        self,
        lines: Sequence[tuple[str, int]],
        *,
        status: str = "APPROVED",
        payment_status: str = "PAID",
        created: datetime | None = None,
    ) -> FakeOrder:
        moment = created or self.now()
        order_lines = []
        for sku, quantity in lines:
            holders = self.variants_by_sku.get(sku)
            variant = holders[0] if holders else None
            order_lines.append(
                FakeOrderLine(
                    id=_guid(),
                    sku=sku,
                    quantity=quantity,
                    product_id=variant.product.id if variant else None,
                    variant_id=variant.id if variant else None,
                    name=variant.product.name if variant else sku,
                )
            )
        order = FakeOrder(
            _guid(), next(self._order_numbers), status, payment_status, moment, moment, order_lines
        )
        self.orders.append(order)
        return order

    def update_order(self, order_id: str, **changes: Any) -> FakeOrder:
        """Change an order's fields (status="CANCELED", payment_status=…); updatedDate moves."""
        order = next(order for order in self.orders if order.id == order_id)
        for name, value in changes.items():
            setattr(order, name, value)
        order.updated = self.now()
        return order

    # --- fault injection -------------------------------------------------------------------------------

    def fail_next(
        self, count: int = 1, *, status: int = 500, endpoint: str | None = None, after_apply: bool = False
    ) -> None:
        """The next `count` requests (to `endpoint`, or any) answer `status` with Wix's empty 5xx body;
        with `after_apply` the request takes effect first and only the answer is lost."""
        self.faults.fail_next += [Failure(endpoint, status, after_apply)] * count

    def fail_batches_over(self, endpoint: str, size: int, *, status: int = 500) -> None:
        """Requests to `endpoint` carrying more than `size` items (or asking for a larger page) fail."""
        self.faults.batch_limits[endpoint] = (size, status)

    def garbage_next(self, count: int = 1, *, endpoint: str | None = None) -> None:
        """The next `count` requests answer 200 with a body that is not JSON."""
        self.faults.garbage_next += [endpoint] * count

    def on_next_write(self, hook: WriteHook) -> None:
        """Run `hook(site)` just before the next write request is applied (e.g. a sale in between)."""
        self.faults.write_hooks.append(hook)
