"""What the Wix channel tests share: a channel pointed at the fake Wix, products seeded in bulk, stock
moves through the domain (so the outbox is written), a notifier that records alerts, and readers of
what a run left in the database. The fixtures are in `wix_fixtures` (a plugin of those tests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, insert, select

from domain.actors import Actor
from domain.catalog import name_search_text
from domain.db import Database
from domain.inventory import Inventory
from domain.models import (
    Channel,
    ChannelOrderLine,
    Product,
    Stock,
    StockOutbox,
    WixInventorySync,
)
from domain.people import Warehouses
from domain.validation import sku_key
from integrations.wix.channel import WixChannel
from integrations.wix.connect import WixConfig
from integrations.wix.sites import Site
from integrations.wix.transport import RetryPolicy
from tests.fakes.wix import FakeWix
from tests.fakes.wix_store import FakeWixSite

FAST_RETRY = RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.004, jitter=0.001)
STAFF = Actor.cli()


@dataclass
class RecordingNotifier:
    alerts: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def alert(self, kind: str, text_key: str, **params: Any) -> None:
        self.alerts.append((kind, text_key, params))

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [params for alert_kind, _, params in self.alerts if alert_kind == kind]


def make_channel(
    db: Database, fake: FakeWix, notifier: RecordingNotifier | None = None, **config: Any
) -> WixChannel:
    settings: dict[str, Any] = {"api_url": fake.base_url, "rate_limit_per_minute": 0, "retry": FAST_RETRY}
    settings.update(config)
    return WixChannel(db, WixConfig(**settings), notifier)


async def connect(channel: WixChannel, site: FakeWixSite, name: str = "shop") -> Site:
    added, _ = await channel.add_site(name, site.site_id, site.api_key)
    return added


async def warehouse_id(db: Database, code: str = "MAIN") -> int:
    async with db.transaction() as session:
        warehouses = Warehouses(session)
        found = await warehouses.by_code(code) or await warehouses.add(code, f"Warehouse {code}")
        return found.id


async def seed_products(
    db: Database, levels: Mapping[str, int], *, warehouse: str = "MAIN"
) -> dict[str, int]:
    """Products with stock in one warehouse, inserted in bulk (no operations, no outbox rows)."""
    wid = await warehouse_id(db, warehouse)
    rows = [
        {
            "sku": sku,
            "sku_key": sku_key(sku),
            "name": f"Product {sku}",
            "name_search": name_search_text(f"Product {sku}", sku),
            "archived": False,
            "version": 1,
        }
        for sku in levels
    ]
    async with db.engine.begin() as conn:
        for start in range(0, len(rows), 2000):
            await conn.execute(insert(cast(Table, Product.__table__)), rows[start : start + 2000])
        ids = {sku: pid for pid, sku in await conn.execute(select(Product.id, Product.sku))}
        stock = [
            {"product_id": ids[sku], "warehouse_id": wid, "on_hand": quantity, "reserved": 0}
            for sku, quantity in levels.items()
            if quantity
        ]
        for start in range(0, len(stock), 2000):
            await conn.execute(insert(cast(Table, Stock.__table__)), stock[start : start + 2000])
    return {sku: ids[sku] for sku in levels}


async def receive(db: Database, product_ids: int | list[int], quantity: int, warehouse: str = "MAIN") -> None:
    """A receipt of `quantity` for each product, in one transaction (so one outbox write)."""
    wid = await warehouse_id(db, warehouse)
    async with db.transaction() as session:
        inventory = Inventory(session)
        for product_id in [product_ids] if isinstance(product_ids, int) else product_ids:
            await inventory.receive(STAFF, product_id, wid, quantity)


async def write_off(db: Database, product_id: int, quantity: int, warehouse: str = "MAIN") -> None:
    wid = await warehouse_id(db, warehouse)
    async with db.transaction() as session:
        await Inventory(session).write_off(STAFF, product_id, wid, quantity, "damaged")


async def available(db: Database, product_id: int) -> int:
    async with db.sessions() as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(Stock.on_hand - Stock.reserved), 0)).where(
                Stock.product_id == product_id
            )
        )
        return int(total or 0)


async def outbox(db: Database, account_id: int) -> dict[int, StockOutbox]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(StockOutbox).where(
                StockOutbox.channel == Channel.WIX, StockOutbox.account_id == account_id
            )
        )
        return {row.product_id: row for row in rows}


async def order_lines(db: Database, account_id: int) -> list[ChannelOrderLine]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(ChannelOrderLine)
            .where(ChannelOrderLine.channel == Channel.WIX, ChannelOrderLine.account_id == account_id)
            .order_by(ChannelOrderLine.id)
        )
        return list(rows)


async def sync_runs(db: Database, account_id: int) -> list[WixInventorySync]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(WixInventorySync)
            .where(WixInventorySync.account_id == account_id)
            .order_by(WixInventorySync.id)
        )
        return list(rows)
