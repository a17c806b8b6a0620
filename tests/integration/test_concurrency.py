"""Concurrent changes of one stock row: row locks (PostgreSQL) or BEGIN IMMEDIATE (SQLite) serialise them."""

from __future__ import annotations

import asyncio

from domain.db import Database
from domain.errors import InsufficientStockError
from domain.inventory import Inventory
from domain.models import OperationType
from tests.integration.seed import ACTOR, levels, operations, seed, stock

BUYERS = 20
ON_HAND = 10


async def test_twenty_sales_of_the_last_ten_units(db: Database) -> None:
    s = await seed(db, on_hand=ON_HAND)
    start = asyncio.Event()

    async def sell(n: int) -> bool:
        await start.wait()
        try:
            async with db.transaction() as session:
                await Inventory(session).write_off(ACTOR, s.product_id, s.main, 1, f"sale {n}")
        except InsufficientStockError:
            return False
        return True

    tasks = [asyncio.create_task(sell(n)) for n in range(BUYERS)]
    start.set()
    results = await asyncio.gather(*tasks)
    assert results.count(True) == ON_HAND
    assert results.count(False) == BUYERS - ON_HAND
    assert levels(await stock(db, s.product_id)) == {s.main: (0, 0)}
    write_offs = await operations(db, OperationType.WRITE_OFF)
    assert [op.quantity_delta for op in write_offs] == [-1] * ON_HAND


async def test_twenty_channel_deductions_of_the_last_ten_units(db: Database, pg_only: None) -> None:
    s = await seed(db, on_hand=ON_HAND)
    start = asyncio.Event()

    async def deduct(n: int) -> int:
        await start.wait()
        async with db.transaction() as session:
            return await Inventory(session).deduct(ACTOR, s.product_id, s.main, 1, external_ref=f"order-{n}")

    tasks = [asyncio.create_task(deduct(n)) for n in range(BUYERS)]
    start.set()
    taken = await asyncio.gather(*tasks)
    assert sum(taken) == ON_HAND
    assert levels(await stock(db, s.product_id)) == {s.main: (0, 0)}
    sales = await operations(db, OperationType.SALE)
    assert len(sales) == ON_HAND
    assert len({op.external_ref for op in sales}) == ON_HAND


async def test_opposite_transfers_do_not_deadlock(db: Database, pg_only: None) -> None:
    s = await seed(db, on_hand=ON_HAND)
    async with db.transaction() as session:
        await Inventory(session).receive(ACTOR, s.product_id, s.second, ON_HAND)
    start = asyncio.Event()

    async def move(n: int) -> None:
        source, target = (s.main, s.second) if n % 2 else (s.second, s.main)
        await start.wait()
        async with db.transaction() as session:
            await Inventory(session).transfer(ACTOR, s.product_id, source, target, 1)

    tasks = [asyncio.create_task(move(n)) for n in range(BUYERS)]
    start.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    assert levels(await stock(db, s.product_id)) == {s.main: (ON_HAND, 0), s.second: (ON_HAND, 0)}
    assert len(await operations(db, OperationType.TRANSFER)) == BUYERS
