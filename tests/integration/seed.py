"""Small builders and readers shared by the domain integration tests (not fixtures: plain helpers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from domain.actors import Actor
from domain.catalog import Catalog, InitialStock
from domain.db import Database
from domain.inventory import Inventory, ProductStock
from domain.models import (
    AccountState,
    AllegroAccount,
    Operation,
    OperationType,
    StockOutbox,
    WixAccount,
)
from domain.people import Warehouses

ACTOR = Actor.cli()
EAN = "4006381333931"
UPC_A = "036000291452"  # the same code as the EAN-13 0036000291452
OTHER_EAN = "5901234123457"


@dataclass(frozen=True, slots=True)
class Seeded:
    main: int
    second: int
    product_id: int


async def seed(
    db: Database,
    *,
    on_hand: int = 0,
    sku: str = "MUG-1",
    name: str = "Łódź mug",
    eans: Sequence[str] = (EAN,),
) -> Seeded:
    """Warehouses MAIN and SHOP and one product with `on_hand` units in MAIN."""
    async with db.transaction() as session:
        warehouses = Warehouses(session)
        main = await warehouses.add("MAIN", "Main warehouse")
        second = await warehouses.add("SHOP", "Shop floor")
        initial = [InitialStock(main.id, on_hand)] if on_hand else []
        product = await Catalog(session).create(ACTOR, sku=sku, name=name, eans=eans, initial_stock=initial)
    return Seeded(main.id, second.id, product.id)


async def add_channel_accounts(db: Database) -> tuple[int, int]:
    """One active Allegro and one active Wix account (plus a disabled one of each that gets nothing)."""
    async with db.transaction() as session:
        allegro = AllegroAccount(name="shop", state=AccountState.ACTIVE)
        wix = WixAccount(name="site", site_id="site-1", api_key="key", state=AccountState.ACTIVE)
        session.add_all(
            [
                allegro,
                wix,
                AllegroAccount(name="old", state=AccountState.DISABLED),
                WixAccount(name="gone", site_id="site-2", api_key="key", state=AccountState.NEEDS_RECONNECT),
            ]
        )
        await session.flush()
        return allegro.id, wix.id


async def operations(db: Database, *types: OperationType) -> list[Operation]:
    async with db.transaction() as session:
        query = select(Operation).order_by(Operation.id)
        if types:
            query = query.where(Operation.type.in_(types))
        return list(await session.scalars(query))


async def outbox(db: Database) -> list[tuple[int, str, int, int]]:
    """(product_id, channel, account_id, generation) of every outbox row, sorted."""
    async with db.transaction() as session:
        rows = await session.scalars(select(StockOutbox))
        return sorted((r.product_id, r.channel.value, r.account_id, r.generation) for r in rows)


async def stock(db: Database, product_id: int) -> ProductStock:
    async with db.transaction() as session:
        return await Inventory(session).stock_of(product_id)


def levels(current: ProductStock) -> dict[int, tuple[int, int]]:
    """{warehouse_id: (on_hand, reserved)}"""
    return {level.warehouse_id: (level.on_hand, level.reserved) for level in current.levels}
