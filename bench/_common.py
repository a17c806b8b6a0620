"""Shared by the benchmarks: throw-away databases, a realistic catalog seeded in bulk, JSON-lines output.

Benchmarks run on demand (not in CI). PostgreSQL comes from WAREHOUSE_BENCH_PG_URL (default: the
server `.ci/postgres.sh` starts); each run creates its own database there and drops it at the end.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from domain.catalog import name_search_text
from domain.migrations import upgrade_database
from domain.models import Product, ProductEan
from domain.validation import gtin_check_digit, gtin_key, sku_key

PG_ADMIN_URL = os.environ.get(
    "WAREHOUSE_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BATCH = 5_000


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NOUNS = _words(
    """
    kubek talerz miska łyżka widelec nóż garnek patelnia czajnik dzbanek szklanka kieliszek taca deska
    ręcznik świeca lampa poduszka koc wazon półka krzesło zegar ramka kosz pudełko słoik butelka termos
    mug plate bowl spoon fork knife pot pan kettle jug glass tray board towel candle lamp pillow blanket
    vase shelf chair clock frame basket box jar bottle
    кружка тарелка миска ложка вилка нож кастрюля сковорода чайник стакан поднос доска полотенце свеча
    лампа подушка одеяло ваза полка стул часы рамка корзина коробка банка бутылка ёлка игрушка
    """
)
ADJECTIVES = _words(
    """
    czerwony zielony niebieski żółty biały czarny szary różowy duży mały okrągły kwadratowy matowy
    red green blue yellow white black grey pink large small round square matte
    красный зелёный синий жёлтый белый чёрный серый розовый большой маленький круглый квадратный
    """
)
MATERIALS = _words("ceramika szkło drewno stal bambus len glass steel wood bamboo керамика стекло дерево")
SERIES = _words("Łódź Kraków Gdańsk Zakopane Poznań Wrocław Nordic Classic Москва Самара Ёлочка")
SIZES = _words("250ml 330ml 0,5l 1l 20cm 24cm 30cm XL M S A4 2szt 4szt 6шт")
PREFIXES = _words("KUB TAL MIS LYZ GAR PAT CZA SZK TAC DES LAM POD KOC WAZ POL")


def emit(**fields: Any) -> None:
    """One JSON object per line on stdout: easy to collect, diff and plot."""
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "max_ms": round(ordered[-1], 2),
    }


def ean13(prefix: str, number: int) -> str:
    body = f"{prefix}{number:0{12 - len(prefix)}d}"
    return body + str(gtin_check_digit(body))


def product_name(rng: random.Random) -> str:
    words = [rng.choice(NOUNS), rng.choice(ADJECTIVES), rng.choice(SERIES)]
    if rng.random() < 0.6:
        words.append(rng.choice(MATERIALS))
    if rng.random() < 0.7:
        words.append(rng.choice(SIZES))
    words[0] = words[0].capitalize()
    return " ".join(words)


def catalog_rows(count: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` products with explicit ids 1..count and their EANs (1-2 each, some UPC-A)."""
    rng = random.Random(seed)
    products, eans = [], []
    for product_id in range(1, count + 1):
        sku = f"{rng.choice(PREFIXES)}-{product_id:06d}"
        name = product_name(rng)
        products.append(
            {
                "id": product_id,
                "sku": sku,
                "sku_key": sku_key(sku),
                "name": name,
                "name_search": name_search_text(name, sku),
                "archived": rng.random() < 0.02,
                "version": 1,
            }
        )
        codes = [ean13("590", product_id)]
        if rng.random() < 0.3:
            codes.append(ean13("400", product_id))
        if rng.random() < 0.1:
            body = f"0{product_id:010d}"  # UPC-A: 11 digits + check
            codes.append(body + str(gtin_check_digit(body)))
        for position, code in enumerate(codes):
            eans.append(
                {"product_id": product_id, "ean": code, "ean_key": gtin_key(code), "position": position}
            )
    return products, eans


async def seed_catalog(engine: AsyncEngine, count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Bulk insert through SQLAlchemy core (no ORM, no operations log: this is set-up, not measured)."""
    products, eans = catalog_rows(count)
    async with engine.begin() as conn:
        for start in range(0, len(products), BATCH):
            await conn.execute(insert(Product.__table__), products[start : start + BATCH])
        for start in range(0, len(eans), BATCH):
            await conn.execute(insert(ProductEan.__table__), eans[start : start + BATCH])
        if engine.dialect.name == "postgresql":
            for table in ("products", "product_eans"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                await conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
        await conn.execute(text("ANALYZE"))
    return products, eans


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """A migrated, empty PostgreSQL database of our own; dropped afterwards."""
    name = f"wbbench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        try:
            await upgrade_database(url)
            yield url
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@asynccontextmanager
async def fresh_sqlite() -> AsyncIterator[str]:
    """A migrated, empty SQLite file in a temporary folder; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="wbbench_") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await upgrade_database(url)
        yield url
