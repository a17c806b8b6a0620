"""Allegro order events applied per second, from FakeAllegro (real HTTP on 127.0.0.1) into the database.

    python bench/allegro_events.py [--events 10000] [--products 1000] [--engines postgres,sqlite]

A realistic mix of order events (buy, fill-in, pay, cancel before and after paying, buyer changes) for
orders of 1-3 lines is put into the fake; then ONE `AllegroChannel.pull_orders` reads them 1,000 per page
and applies each page in one transaction, as the background job does. Prints one JSON line per engine:
events/s, HTTP requests by kind, SQL statements per page, order lines and operations written.
Targets on PostgreSQL: ≥ 1,000 events/s; HTTP requests = pages (+ one checkout-form read per order
changed by its buyer). The fake runs in a process of its own (this script with ``--serve-fake``), so its
work (building and checking 1,000-event answers) is not counted as ours; ``--fake-in-process`` keeps it
in the measured process instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from _common import catalog_rows, emit, fresh_postgres, fresh_sqlite, note, seed_catalog
from pydantic import SecretStr
from sqlalchemy import event, func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.db import Database  # noqa: E402
from domain.models import (  # noqa: E402
    AccountState,
    AllegroAccount,
    AllegroEventTracker,
    ChannelOrderLine,
    Operation,
    Stock,
    Warehouse,
)
from integrations.allegro.channel import AllegroChannel  # noqa: E402
from integrations.allegro.config import AllegroSettings  # noqa: E402
from integrations.allegro.models import TokenPair  # noqa: E402
from tests.fakes.allegro import FakeAllegro  # noqa: E402

TARGET_EVENTS_PER_S = 1_000
PAGE = 1_000


class _Settings:
    """What `AllegroChannel.from_settings` reads, pointed at the fake."""

    def __init__(self, url: str, client_id: str, client_secret: str) -> None:
        self.allegro_client_id: str | None = client_id
        self.allegro_client_secret: SecretStr | None = SecretStr(client_secret)
        self.allegro_sandbox = False
        self.allegro_api_url: str | None = url
        self.allegro_auth_url: str | None = url
        self.allegro_refresh_token: SecretStr | None = None
        self.allegro_deduct_on = "READY_FOR_PROCESSING"
        self.allegro_zero_stock = "end"


@dataclass
class _Fake:
    """The fake as the measured process sees it: where it is, a token pair, and what it was given."""

    url: str
    client_id: str
    client_secret: str
    tokens: TokenPair
    kinds: Counter[str]
    requests: Counter[str] | None = None  # filled when it stops
    contract_violations: int = 0


def _request_kinds(fake: FakeAllegro) -> Counter[str]:
    kinds: Counter[str] = Counter(all=len(fake.requests))
    for request in fake.requests:
        if request.path == "/order/events":
            kinds["events"] += 1
        elif request.path.startswith("/order/checkout-forms/"):
            kinds["forms"] += 1
    return kinds


async def _filled(events: int, products: int) -> tuple[FakeAllegro, dict[str, Any]]:
    fake = FakeAllegro()
    await fake.start()
    skus = [row["sku"] for row in catalog_rows(products)[0]]  # the catalog `seed_catalog` writes
    kinds = _fill(fake, skus, events)
    pair = fake.grant()
    described = {
        "url": fake.url,
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "access_token": pair.access_token.get_secret_value(),
        "refresh_token": pair.refresh_token.get_secret_value(),
        "expires_at": pair.expires_at.isoformat(),
        "kinds": dict(kinds),
    }
    return fake, described


def _described(data: dict[str, Any]) -> _Fake:
    tokens = TokenPair(
        access_token=SecretStr(data["access_token"]),
        refresh_token=SecretStr(data["refresh_token"]),
        expires_at=datetime.fromisoformat(data["expires_at"]),
    )
    return _Fake(data["url"], data["client_id"], data["client_secret"], tokens, Counter(data["kinds"]))


async def serve_fake(events: int, products: int) -> None:
    """The fake's own process: describe it on stdout, serve until stdin closes, then report."""
    fake, described = await _filled(events, products)
    print(json.dumps(described), flush=True)
    await asyncio.to_thread(sys.stdin.read)
    print(
        json.dumps({"requests": _request_kinds(fake), "violations": len(fake.contract_violations)}),
        flush=True,
    )
    await fake.close()


@asynccontextmanager
async def fake_process(events: int, products: int) -> AsyncIterator[_Fake]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--serve-fake",
        f"--events={events}",
        f"--products={products}",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        fake = _described(json.loads(await child.stdout.readline()))
        yield fake
        child.stdin.close()
        report = json.loads(await child.stdout.readline())
        fake.requests, fake.contract_violations = Counter(report["requests"]), report["violations"]
    finally:
        if child.returncode is None:
            child.stdin.close()
        await child.wait()


@asynccontextmanager
async def fake_here(events: int, products: int) -> AsyncIterator[_Fake]:
    server, described = await _filled(events, products)
    try:
        fake = _described(described)
        yield fake
        fake.requests, fake.contract_violations = _request_kinds(server), len(server.contract_violations)
    finally:
        await server.close()


def _order_events(rng: random.Random) -> list[str]:
    """What happens to one order, in order."""
    roll = rng.random()
    if roll < 0.05:
        return ["BOUGHT", "AUTO_CANCELLED"]
    if roll < 0.10:
        return ["BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING", "BUYER_CANCELLED"]  # a return
    if roll < 0.15:
        return ["BOUGHT", "BUYER_MODIFIED", "FILLED_IN", "READY_FOR_PROCESSING"]
    if roll < 0.55:
        return ["BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING"]
    return ["BOUGHT", "READY_FOR_PROCESSING"]


def _fill(fake: FakeAllegro, skus: list[str], events: int, seed: int = 11) -> Counter[str]:
    """Orders interleaved as buyers would make them, until `events` events exist."""
    rng = random.Random(seed)
    pending: list[tuple[str, list[str], list[tuple[str | None, str, str | None, int]]]] = []
    kinds: Counter[str] = Counter()
    while sum(kinds.values()) < events:
        if not pending or (len(pending) < 200 and rng.random() < 0.5):
            lines = [
                (str(uuid.uuid4()), str(7_000 + index), skus[index], rng.randint(1, 3))
                for index in rng.sample(range(len(skus)), rng.randint(1, 3))
            ]
            pending.append((str(uuid.uuid4()), _order_events(rng), lines))
        position = rng.randrange(len(pending))
        form, steps, lines = pending[position]
        kind = steps.pop(0)
        if kind == "BOUGHT":
            fake.add_order_event(kind, form, lines)
        elif kind == "BUYER_MODIFIED":
            changed = [(line_id, offer, sku, quantity + 1) for line_id, offer, sku, quantity in lines]
            fake.add_order_event(kind, form, changed)
        else:
            fake.add_order_event(kind, form)
        kinds[kind] += 1
        if not steps:
            pending.pop(position)
    return kinds


async def _prepare(database: Database, pair: TokenPair, products: int) -> int:
    rows, _ = await seed_catalog(database.engine, products)
    async with database.transaction() as session:
        warehouses = [Warehouse(code="MAIN", name="Main"), Warehouse(code="SHOP", name="Shop")]
        session.add_all(warehouses)
        await session.flush()
        account = AllegroAccount(
            name="bench",
            seller_id="1001",
            access_token=pair.access_token.get_secret_value(),
            refresh_token=pair.refresh_token.get_secret_value(),
            access_expires_at=pair.expires_at,
            state=AccountState.ACTIVE,
            warehouse_priority=[warehouses[1].id, warehouses[0].id],
        )
        session.add(account)
        await session.flush()
        session.add(AllegroEventTracker(token_id=account.id, last_event_id=None))
        account_id, warehouse_ids = account.id, [w.id for w in warehouses]
    async with database.engine.begin() as conn:
        stock = [
            {"product_id": row["id"], "warehouse_id": warehouse_id, "on_hand": 50, "reserved": 0}
            for row in rows
            for warehouse_id in warehouse_ids
        ]
        for start in range(0, len(stock), 5_000):
            await conn.execute(insert(Stock.__table__), stock[start : start + 5_000])
    return account_id


async def _count(database: Database, model: Any) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def run_engine(engine: str, url: str, args: argparse.Namespace) -> None:
    database = Database(url)
    serve = fake_here if args.fake_in_process else fake_process
    try:
        async with serve(args.events, args.products) as fake:
            account_id = await _prepare(database, fake.tokens, args.products)
            settings: AllegroSettings = _Settings(fake.url, fake.client_id, fake.client_secret)
            statements = 0

            def count(*_args: object) -> None:
                nonlocal statements
                statements += 1

            event.listen(database.engine.sync_engine, "before_cursor_execute", count)
            async with AllegroChannel.from_settings(settings, database) as channel:
                started, cpu = time.perf_counter(), time.process_time()
                counts = await channel.pull_orders(account_id)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            event.remove(database.engine.sync_engine, "before_cursor_execute", count)
        requests = fake.requests or Counter()
        pages = counts.notes["pages"]
        emit(
            bench="allegro_events",
            engine=engine,
            fake="in process" if args.fake_in_process else "own process",
            events=counts.processed,
            event_kinds=dict(fake.kinds),
            pages=pages,
            seconds=round(elapsed, 2),
            events_per_s=round(counts.processed / elapsed, 1),
            http_requests=requests["all"],
            event_requests=requests["events"],
            form_requests=requests["forms"],
            buyer_modified_orders=fake.kinds["BUYER_MODIFIED"],
            line_effects=counts.changed,
            order_lines=await _count(database, ChannelOrderLine),
            operations=await _count(database, Operation),
            sql_statements_per_page=round(statements / max(pages, 1), 1),
            client_cpu_s=round(cpu, 2),
            load_average=round(os.getloadavg()[0], 1),
            target_events_per_s=TARGET_EVENTS_PER_S if engine == "postgres" else None,
            contract_violations=fake.contract_violations,
        )
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--products", type=int, default=1_000)
    parser.add_argument("--engines", default="postgres")
    parser.add_argument("--fake-in-process", action="store_true", help="serve the fake from this process")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        await serve_fake(args.events, args.products)
        return
    for engine in args.engines.split(","):
        note(f"allegro_events: {args.events} events, {PAGE} per page, into {engine}…")
        fresh = fresh_postgres() if engine == "postgres" else fresh_sqlite()
        async with fresh as url:
            await run_engine(engine, url, args)


if __name__ == "__main__":
    asyncio.run(main())
