"""Search latency on a 100,000-product catalog, PostgreSQL and SQLite.

    python bench/search.py [--products 100000] [--queries 300] [--engines postgres,sqlite]

Prints JSON lines: one for the seeding of each engine, then one per engine and query kind (exact SKU,
exact EAN, name words) with p50/p95/max in milliseconds. Each query is its own transaction through
`domain.search.search_products`, as the bot runs it. Targets on PostgreSQL: p95 ≤ 10 ms exact,
≤ 30 ms name words.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections.abc import Callable
from typing import Any

from _common import catalog_rows, emit, fresh_postgres, fresh_sqlite, note, percentiles, seed_catalog

from domain.db import Database
from domain.search import MatchKind, search_products
from domain.validation import search_words

TARGETS_MS = {"sku": 10.0, "ean": 10.0, "words": 30.0}


def _sku_query(rng: random.Random, product: dict[str, Any], _eans: list[str]) -> str:
    sku = str(product["sku"])
    return sku.lower() if rng.random() < 0.5 else sku


def _ean_query(rng: random.Random, _product: dict[str, Any], eans: list[str]) -> str:
    return rng.choice(eans)


def _words_query(rng: random.Random, product: dict[str, Any], _eans: list[str]) -> str:
    """What staff type: one or two words of the name, often without diacritics, sometimes cut short."""
    words = [w for w in str(product["name"]).split() if len(w) > 2]
    chosen = rng.sample(words, k=min(len(words), rng.choice((1, 2, 2))))
    if rng.random() < 0.5:
        chosen = search_words(" ".join(chosen))  # typed without Polish/Russian letters' marks
    if rng.random() < 0.3:
        chosen[0] = chosen[0][: rng.randint(3, 5)]
    return " ".join(chosen)


QUERIES: dict[str, Callable[[random.Random, dict[str, Any], list[str]], str]] = {
    "sku": _sku_query,
    "ean": _ean_query,
    "words": _words_query,
}
EXPECTED_KIND = {"sku": MatchKind.SKU, "ean": MatchKind.EAN, "words": MatchKind.WORDS}


async def _measure(database: Database, queries: list[str], expected: MatchKind) -> tuple[list[float], int]:
    samples, misses = [], 0
    for query in queries:
        started = time.perf_counter()
        async with database.transaction() as session:
            result = await search_products(session, query)
        samples.append((time.perf_counter() - started) * 1000)
        misses += result.kind != expected
    return samples, misses


async def run_engine(engine: str, url: str, products: int, count: int) -> None:
    database = Database(url)
    try:
        started = time.perf_counter()
        rows, ean_rows = await seed_catalog(database.engine, products)
        emit(
            bench="search",
            engine=engine,
            step="seed",
            products=products,
            eans=len(ean_rows),
            seconds=round(time.perf_counter() - started, 1),
        )
        eans_of: dict[int, list[str]] = {}
        for row in ean_rows:
            eans_of.setdefault(row["product_id"], []).append(row["ean"])
        visible = [row for row in rows if not row["archived"]]
        rng = random.Random(11)
        for kind, make in QUERIES.items():
            # Warm-up: the first queries of each shape pay for connections, statement preparation and
            # cold caches, once per process; the figures are about the steady state.
            warm = [make(rng, product, eans_of[product["id"]]) for product in rng.sample(visible, 30)]
            await _measure(database, warm, EXPECTED_KIND[kind])
            sample = rng.sample(visible, count)
            queries = [make(rng, product, eans_of[product["id"]]) for product in sample]
            samples, misses = await _measure(database, queries, EXPECTED_KIND[kind])
            figures = percentiles(samples)
            emit(
                bench="search",
                engine=engine,
                kind=kind,
                products=products,
                queries=count,
                misses=misses,
                **figures,
                load_average=round(os.getloadavg()[0], 1),
                target_p95_ms=TARGETS_MS[kind] if engine == "postgres" else None,
            )
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--engines", default="postgres,sqlite")
    args = parser.parse_args()
    catalog_rows(1)  # fail fast on a broken generator before creating databases
    for engine in args.engines.split(","):
        note(f"search: seeding {args.products} products on {engine}…")
        fresh = fresh_postgres() if engine == "postgres" else fresh_sqlite()
        async with fresh as url:
            await run_engine(engine, url, args.products, args.queries)


if __name__ == "__main__":
    asyncio.run(main())
