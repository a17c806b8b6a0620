"""Every pooled SQLite connection is set up the same way, whichever thread opened it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from domain.db import SQLITE_PAGE_CACHE_KIB, Database


async def test_every_sqlite_connection_gets_the_settings(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite connection settings")

    async def settings() -> tuple[object, ...]:
        async with db.engine.connect() as connection:
            pragmas = ("journal_mode", "foreign_keys", "synchronous", "busy_timeout", "cache_size")
            values = [(await connection.exec_driver_sql(f"PRAGMA {name}")).scalar() for name in pragmas]
            await asyncio.sleep(0.05)  # held, so the others open connections of their own
            return tuple(values)

    seen = set(await asyncio.gather(*(settings() for _ in range(4))))
    # synchronous=NORMAL is 1; a negative cache_size is KiB rather than pages.
    assert seen == {("wal", 1, 1, 30000, -SQLITE_PAGE_CACHE_KIB)}
    assert (await _open_connections(db)) >= 4


async def _open_connections(db: Database) -> int:
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return db.engine.pool.checkedin()  # type: ignore[attr-defined, no-any-return]
