"""From an order on Allegro to the new level on Wix: the background work end to end, 1-second periods.

    python bench/propagation.py [--orders 100] [--rate 2] [--engines sqlite,postgres] [--push-seconds 1]

The production background code runs (`scheduler.service.start_background`: leader lock, APScheduler
jobs, debounced stock push) with the real `AllegroChannel` and `WixChannel` against FakeAllegro and
FakeWix on 127.0.0.1, and ALLEGRO_POLL_SECONDS = STOCK_PUSH_SECONDS = WIX_ORDERS_SECONDS = 1. Orders of
one unit of a different SKU each arrive at random (Poisson, `--rate` per second); for every order the
time from its event appearing on the fake Allegro to the fake Wix holding the new level is measured
(and, for reference, to the Allegro offer holding it). One JSON line per engine with p50/p95/max.
Target: p95 ≤ 3 s. The fakes answer from the same process and event loop as the bot.
`--push-seconds 30` (the default period) shows the wake-up path alone: the stock push then starts ~1 s
(the debounce) after the order import committed, not on its period.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import emit, fresh_postgres, fresh_sqlite, note, percentiles
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.settings import Settings, load_settings  # noqa: E402
from domain.actors import Actor  # noqa: E402
from domain.catalog import Catalog, InitialStock  # noqa: E402
from domain.db import Database  # noqa: E402
from domain.models import AllegroEventTracker  # noqa: E402
from domain.outbox import backlog  # noqa: E402
from domain.people import Warehouses  # noqa: E402
from scheduler.service import start_background  # noqa: E402
from tests.fakes.allegro import FakeAllegro  # noqa: E402
from tests.fakes.stock_channel import connected_allegro_account  # noqa: E402
from tests.fakes.wix import FakeWix  # noqa: E402
from tests.fakes.wix_store import FakeWixSite  # noqa: E402

START_UNITS = 1_000
TARGET_P95_MS = 3_000
DEADLINE_S = 30.0


class LogNotifier:
    """Alerts go to the log: a benchmark has no admins to message."""

    async def alert(self, kind: str, text_key: str, **params: Any) -> None:
        note(f"alert {kind}: {text_key} {params}")


async def _seed(db: Database, allegro: FakeAllegro, site: FakeWixSite, skus: Sequence[str]) -> dict[str, str]:
    """Products with stock in MAIN, the same SKUs on Wix and on Allegro offers; returns SKU -> offer."""
    offers = {sku: allegro.add_offer(sku, available=START_UNITS) for sku in skus}
    for sku in skus:
        site.add_product(sku, START_UNITS)
    async with db.transaction() as session:
        main = await Warehouses(session).add("MAIN", "Main")
        catalog = Catalog(session)
        for sku in skus:
            await catalog.create(
                Actor.cli(), sku=sku, name=f"Bench {sku}", initial_stock=[InitialStock(main.id, START_UNITS)]
            )
        account = connected_allegro_account(allegro, name="bench", priority=[main.id])
        session.add(account)
        await session.flush()
        session.add(AllegroEventTracker(token_id=account.id, last_event_id=None))
    return offers


def _settings(url: str, allegro: FakeAllegro, wix: FakeWix, site: FakeWixSite, push_seconds: int) -> Settings:
    return load_settings(
        database_url=url,
        allegro_client_id=allegro.client_id,
        allegro_client_secret=SecretStr(allegro.client_secret),
        allegro_api_url=allegro.url,
        allegro_auth_url=allegro.url,
        wix_api_url=wix.base_url,
        wix_api_key=SecretStr(site.api_key),
        wix_site_id=site.site_id,
        wix_rate_limit_per_minute=0,
        allegro_poll_seconds=1,
        stock_push_seconds=push_seconds,
        wix_orders_seconds=1,
    )


async def _until(check: Any, seconds: float = DEADLINE_S) -> float:
    """Poll every 5 ms; the moment `check()` first held (perf_counter), or raise after `seconds`."""
    deadline = time.perf_counter() + seconds
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError("the level never arrived")
        await asyncio.sleep(0.005)
    return time.perf_counter()


async def _order(allegro: FakeAllegro, site: FakeWixSite, sku: str, offer: str) -> tuple[float, float]:
    """One paid order of one unit; (ms until Wix holds the new level, ms until the offer does)."""
    started = time.perf_counter()
    allegro.add_order_event("READY_FOR_PROCESSING", str(uuid.uuid4()), [(str(uuid.uuid4()), offer, sku, 1)])
    wix_at, offer_at = await asyncio.gather(
        _until(lambda: site.quantity(sku) == START_UNITS - 1),
        _until(lambda: allegro.offer(offer).available == START_UNITS - 1),
    )
    return (wix_at - started) * 1000, (offer_at - started) * 1000


async def run_engine(engine: str, url: str, args: argparse.Namespace) -> None:
    skus = [f"PROP-{number:04d}" for number in range(1, args.orders + 1)]
    async with FakeAllegro() as allegro, FakeWix() as wix:
        site = wix.add_site(rate_limit=None)
        db = Database(url)
        try:
            offers = await _seed(db, allegro, site, skus)
            # The channels come from the settings, as in production (`scheduler.service.build_channels`).
            settings = _settings(url, allegro, wix, site, args.push_seconds)
            background = await start_background(settings, db, LogNotifier())
            try:
                await _warm_up(db)
                rng = random.Random(args.seed)
                tasks = []
                for sku in skus:
                    tasks.append(asyncio.create_task(_order(allegro, site, sku, offers[sku])))
                    await asyncio.sleep(rng.expovariate(args.rate))
                results = await asyncio.gather(*tasks)
            finally:
                await background.stop()
        finally:
            await db.dispose()
    to_wix = percentiles([wix_ms for wix_ms, _ in results])
    emit(
        bench="propagation",
        engine=engine,
        orders=args.orders,
        rate_per_s=args.rate,
        poll_s=1,
        push_s=args.push_seconds,
        wix=to_wix,
        allegro_offer=percentiles([offer_ms for _, offer_ms in results]),
        target_p95_ms=TARGET_P95_MS,
        ok=to_wix["p95_ms"] <= TARGET_P95_MS,
    )


async def _warm_up(db: Database) -> None:
    """Wait for the start-up push: every seeded level confirmed on both channels (SKUs mapped)."""
    started = time.perf_counter()
    while True:
        async with db.sessions() as session:
            if not await backlog(session):
                break
        if time.perf_counter() - started > DEADLINE_S:
            raise TimeoutError("the start-up push did not finish")
        await asyncio.sleep(0.1)
    note(f"warm-up: first push done in {time.perf_counter() - started:.1f} s")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--rate", type=float, default=2.0, help="orders per second (Poisson arrivals)")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--push-seconds", type=int, default=1, help="STOCK_PUSH_SECONDS (the safety net)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    for engine in args.engines.split(","):
        fresh = fresh_postgres if engine == "postgres" else fresh_sqlite
        async with fresh() as url:
            note(f"{engine}: {args.orders} orders at {args.rate}/s")
            await run_engine(engine, url, args)


if __name__ == "__main__":
    asyncio.run(main())
