"""Stock movements per second, each with its operation row and outbox rows, through `Inventory`.

    python bench/stock_ops.py [--workers 4] [--seconds 10] [--products 1000] [--engines postgres,sqlite]

Every movement (a mix of receive, write-off and transfer) is one transaction, as the bot runs it, with
an active Allegro and Wix account so the outbox is written too. Two figures per engine: `spread`
(random products of the catalog) and `hot` (every worker on the same product: row locks queue).
Prints JSON lines. Target on PostgreSQL: ≥ 500 movements/s on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from _common import emit, fresh_postgres, fresh_sqlite, note, percentiles, seed_catalog
from sqlalchemy import event, func, insert, select

from domain.actors import Actor
from domain.db import Database
from domain.inventory import Inventory
from domain.models import AccountState, AllegroAccount, Operation, Stock, StockOutbox, WixAccount
from domain.people import Warehouses

ACTOR = Actor.system()
START_UNITS = 1_000_000
TARGET_OPS_PER_S = 500


async def _prepare(database: Database, products: int) -> tuple[list[int], list[int]]:
    """Warehouses, products with plenty of stock everywhere, and one account per channel.

    Returns (warehouse ids, ids of the products that are not archived).
    """
    rows, _eans = await seed_catalog(database.engine, products)
    async with database.transaction() as session:
        warehouses = Warehouses(session)
        ids = [(await warehouses.add(code, code.title())).id for code in ("MAIN", "SHOP", "STORE")]
        session.add_all(
            [
                AllegroAccount(name="bench", state=AccountState.ACTIVE),
                WixAccount(name="bench", site_id="bench", api_key="bench", state=AccountState.ACTIVE),
            ]
        )
    async with database.engine.begin() as conn:
        stock = [
            {"product_id": product_id, "warehouse_id": warehouse_id, "on_hand": START_UNITS, "reserved": 0}
            for product_id in range(1, products + 1)
            for warehouse_id in ids
        ]
        for start in range(0, len(stock), 5_000):
            await conn.execute(insert(Stock.__table__), stock[start : start + 5_000])
    return ids, [row["id"] for row in rows if not row["archived"]]


async def _movement(
    database: Database, rng: random.Random, product_id: int, warehouses: Sequence[int]
) -> None:
    source, target = rng.sample(list(warehouses), 2)
    roll = rng.random()
    async with database.transaction() as session:
        inventory = Inventory(session)
        if roll < 0.4:
            await inventory.receive(ACTOR, product_id, source, rng.randint(1, 5))
        elif roll < 0.7:
            await inventory.write_off(ACTOR, product_id, source, 1, "damaged")
        else:
            await inventory.transfer(ACTOR, product_id, source, target, 1)


async def _count(database: Database) -> tuple[int, int]:
    async with database.transaction() as session:
        operations = await session.scalar(select(func.count()).select_from(Operation)) or 0
        outbox = await session.scalar(select(func.count()).select_from(StockOutbox)) or 0
        return operations, outbox


@dataclass
class _Run:
    movements: int
    samples: list[float]
    elapsed: float
    cpu: float  # this process's CPU seconds: SQLAlchemy, asyncpg and our code
    statements: int


async def _run(
    database: Database, warehouses: Sequence[int], products: Sequence[int], workers: int, seconds: float
) -> _Run:
    deadline = time.perf_counter() + seconds
    samples: list[float] = []
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    # Round trips per movement do not depend on how busy the machine is; wall-clock figures do.
    event.listen(database.engine.sync_engine, "before_cursor_execute", count)

    async def worker(seed: int) -> None:
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await _movement(database, rng, rng.choice(products), warehouses)
            samples.append((time.perf_counter() - started) * 1000)

    started, cpu = time.perf_counter(), time.process_time()
    try:
        await asyncio.gather(*(worker(seed) for seed in range(workers)))
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    return _Run(len(samples), samples, time.perf_counter() - started, time.process_time() - cpu, statements)


async def run_engine(engine: str, url: str, args: argparse.Namespace) -> None:
    database = Database(url, pool_size=args.workers)
    try:
        warehouses, catalog = await _prepare(database, args.products)
        await _run(database, warehouses, catalog, args.workers, 1.0)  # warm-up: connections, caches
        for scenario, products in (("spread", catalog), ("hot", catalog[:1])):
            before, _ = await _count(database)
            run = await _run(database, warehouses, products, args.workers, args.seconds)
            after, outbox = await _count(database)
            emit(
                bench="stock_ops",
                engine=engine,
                scenario=scenario,
                workers=args.workers,
                seconds=round(run.elapsed, 1),
                movements=run.movements,
                operations_logged=after - before,
                outbox_rows=outbox,
                ops_per_s=round(run.movements / run.elapsed, 1),
                **percentiles(run.samples),
                client_cpu_ms_per_op=round(run.cpu * 1000 / run.movements, 2),
                statements_per_op=round(run.statements / run.movements, 2),
                load_average=round(os.getloadavg()[0], 1),
                target_ops_per_s=TARGET_OPS_PER_S if engine == "postgres" else None,
            )
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--engines", default="postgres")
    args = parser.parse_args()
    for engine in args.engines.split(","):
        note(f"stock_ops: {args.workers} workers for {args.seconds:.0f} s per scenario on {engine}…")
        fresh = fresh_postgres() if engine == "postgres" else fresh_sqlite()
        async with fresh as url:
            await run_engine(engine, url, args)


if __name__ == "__main__":
    asyncio.run(main())
