"""Every pooled SQLite connection is set up the same way, whichever thread opened it."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import text

from domain.db import SQLITE_PAGE_CACHE_KIB, Database, RollingBackConnection


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


def _write_lock_is_free(path: str) -> bool:
    other = sqlite3.connect(path, isolation_level=None, timeout=0.2)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.mark.parametrize("factory", [sqlite3.Connection, RollingBackConnection])
def test_closing_in_the_middle_of_a_transaction_frees_the_write_lock(tmp_path, factory) -> None:
    """What a cancelled unit of work leaves: a connection closed inside its writing transaction while
    a cursor still has an unfinished statement. Plain sqlite3 keeps it alive holding the lock."""
    path = str(tmp_path / "lock.db")
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("CREATE TABLE t (x INTEGER)")
    setup.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(10)])
    setup.close()
    connection = sqlite3.connect(path, isolation_level=None, factory=factory)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO t VALUES (10)")
    abandoned = connection.execute("SELECT x FROM t")
    abandoned.fetchone()

    connection.close()

    assert _write_lock_is_free(path) is (factory is RollingBackConnection)
    del abandoned
    assert _write_lock_is_free(path)  # the statement finalized: the zombie is gone either way
