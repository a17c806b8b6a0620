"""A full Wix sync of 10,000 SKUs (10 % changed) against the fake Wix with 30 ms latency, V1 and V3.

    python bench/wix_sync.py [--skus 10000] [--changed 0.1] [--latency 0.03] [--engines sqlite,postgres]
                             [--catalogs V1,V3] [--limiter off|on|both] [--limited-skus 3000]

One `WixChannel.reconcile` per run, as the periodic job and /sync run it: import the site's orders,
crawl the site once (mapping refresh + the read the writes are planned from), write the differences.
Per engine and catalog version, one JSON line with the requests made by endpoint, the API's minimum
(V1: ⌈products/100⌉ reads + ⌈increments/300⌉ + ⌈decrements/300⌉; V3: ⌈SKUs/1000⌉ reads +
⌈changed/1000⌉ writes; the order import's one search is counted apart) and the wall time:

- `limiter: "off"`: no client-side limit. Target: requests = minimum, wall time ≤ 5 s.
- `limiter: "on"`: Wix's 200 requests/min per site, kept by the client's token bucket (a burst of 10,
  then 190/min). 10,000 SKUs on V1 need ≥ 100 requests, so ≥ 30 s: that run is measured on
  `--limited-skus` SKUs and the full figure is computed from the bucket (`computed_s`); V3 needs a
  dozen requests for 10,000 SKUs and is measured in full.

The fake runs in a process of its own, as Wix would: building and contract-checking its answers in
Python (and scanning 10,000 products for each descending V1 page, having no index) is Wix's work, not
ours, and must not queue behind our event loop. The database work (mapping rows, levels, the sync
history) is inside the measured time; `cpu_s` is this process's CPU alone.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import sys
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from _common import emit, fresh_postgres, fresh_sqlite, note

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.db import Database  # noqa: E402
from integrations.wix.channel import WixChannel  # noqa: E402
from integrations.wix.connect import WixConfig  # noqa: E402
from integrations.wix.ratelimit import RateLimit  # noqa: E402
from tests.fakes import wix as endpoints  # noqa: E402
from tests.fakes.wix import FakeWix  # noqa: E402
from tests.fakes.wix_store import V1_CATALOG, V3_CATALOG  # noqa: E402
from tests.integration.wix_support import seed_products  # noqa: E402

TARGET_SECONDS = 5.0
PER_MINUTE = 200
WRITES = {
    endpoints.V2_INVENTORY_INCREMENT,
    endpoints.V2_INVENTORY_DECREMENT,
    endpoints.V3_BULK_UPDATE,
}


def minimum(version: str, skus: int, ups: int, downs: int) -> int:
    if version == V1_CATALOG:
        return math.ceil(skus / 100) + math.ceil(ups / 300) + math.ceil(downs / 300)
    return math.ceil(skus / 1000) + math.ceil((ups + downs) / 1000)


def limited_seconds(requests: int, per_minute: int = PER_MINUTE) -> float:
    """How long the client's token bucket needs for `requests` back to back (the latency aside)."""
    limit = RateLimit(requests=per_minute)
    return max(0, requests - limit.bucket_size) / limit.refill_per_second


async def _serve_async(conn: Connection, version: str, skus: int, limited: bool) -> None:
    async with FakeWix() as fake:
        site = fake.add_site(catalog_version=version, rate_limit=PER_MINUTE if limited else None)
        site.add_products(skus, quantity=10)
        conn.send((fake.base_url, site.site_id, site.api_key))
        loop = asyncio.get_running_loop()
        while True:
            command, value = await loop.run_in_executor(None, conn.recv)
            if command == "latency":
                site.latency = value
                fake.clear_log()
                conn.send(None)
            elif command == "requests":
                made = Counter(record.endpoint for record in fake.requests)
                conn.send((dict(made), fake.contract_violations[:3]))
            else:
                conn.send(None)
                return


def _serve(conn: Connection, version: str, skus: int, limited: bool) -> None:
    asyncio.run(_serve_async(conn, version, skus, limited))


class FakeProcess:
    """A fake Wix with one seeded site in a child process, driven over a pipe."""

    def __init__(self, version: str, skus: int, limited: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, version, skus, limited), daemon=True)

    async def ask(self, command: str, value: Any = None) -> Any:
        self._conn.send((command, value))
        return await asyncio.get_running_loop().run_in_executor(None, self._conn.recv)

    async def __aenter__(self) -> tuple[str, str, str]:
        self._process.start()
        return await asyncio.get_running_loop().run_in_executor(None, self._conn.recv)

    async def __aexit__(self, *exc: object) -> None:
        await self.ask("stop")
        self._process.join(10)


async def one_run(
    url: str, engine: str, version: str, skus: int, args: argparse.Namespace, limited: bool
) -> None:
    changed = int(skus * args.changed)
    ups, downs = changed // 2, changed - changed // 2
    database = Database(url)
    fake = FakeProcess(version, skus, limited)
    try:
        async with fake as (base_url, site_id, api_key):
            names = [f"SKU-{number:05d}" for number in range(1, skus + 1)]
            levels = dict.fromkeys(names, 10)
            levels.update(dict.fromkeys(names[:ups], 12))
            levels.update(dict.fromkeys(names[ups:changed], 7))
            await seed_products(database, levels)
            config = WixConfig(api_url=base_url, rate_limit_per_minute=PER_MINUTE if limited else 0)
            async with WixChannel(database, config) as channel:
                shop, _ = await channel.add_site("bench", site_id, api_key)
                await fake.ask("latency", args.latency)
                started, cpu = time.perf_counter(), time.process_time()
                report = await channel.reconcile(shop.id, trigger="cli")
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            counts, violations = await fake.ask("requests")
            assert not violations, violations
    finally:
        await database.dispose()
    made = Counter(counts)
    inventory = sum(count for endpoint, count in made.items() if endpoint != endpoints.ORDERS_SEARCH)
    least = minimum(version, skus, ups, downs)
    result: dict[str, Any] = {
        "bench": "wix_sync",
        "engine": engine,
        "catalog": version,
        "limiter": "on" if limited else "off",
        "skus": skus,
        "changed": changed,
        "latency_ms": round(args.latency * 1000),
        "requests": inventory,
        "minimum": least,
        "at_minimum": inventory == least,
        "order_searches": made.get(endpoints.ORDERS_SEARCH, 0),
        "writes": sum(count for endpoint, count in made.items() if endpoint in WRITES),
        "by_endpoint": dict(sorted(made.items())),
        "updated": report.updated,
        "failed": report.failed,
        "wall_s": round(seconds, 2),
        "cpu_s": round(cpu, 2),
    }
    if limited:
        full_changed = int(args.skus * args.changed)
        full = minimum(version, args.skus, full_changed // 2, full_changed - full_changed // 2) + 1
        result["computed_s_for_full_set"] = round(limited_seconds(full) + full * args.latency, 1)
        result["full_set_requests"] = full
    else:
        result["target_s"] = TARGET_SECONDS
        result["within_target"] = seconds <= TARGET_SECONDS
    emit(**result)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument("--latency", type=float, default=0.03)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--limited-skus", type=int, default=3_000, help="V1 set measured with the limiter on")
    parser.add_argument("--catalogs", default="V1,V3")
    parser.add_argument("--limiter", choices=("off", "on", "both"), default="both")
    args = parser.parse_args()
    versions = [{"V1": V1_CATALOG, "V3": V3_CATALOG}[name] for name in args.catalogs.split(",")]
    for engine in args.engines.split(","):
        for version in versions:
            runs = [(args.skus, False), (args.limited_skus if version == V1_CATALOG else args.skus, True)]
            for skus, limited in runs:
                if args.limiter != "both" and limited != (args.limiter == "on"):
                    continue
                note(f"wix_sync: {engine}, {version}, {skus} SKUs, limiter {'on' if limited else 'off'}…")
                fresh = fresh_postgres() if engine == "postgres" else fresh_sqlite()
                async with fresh as url:
                    await one_run(url, engine, version, skus, args, limited)


if __name__ == "__main__":
    asyncio.run(main())
