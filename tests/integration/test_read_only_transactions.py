"""domain.db read-only transactions: on SQLite they read beside a writer instead of queueing for
its lock, and refuse to write."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from domain.db import Database, ReadOnlyViolation, read_only_transaction
from domain.models import Warehouse
from domain.people import Warehouses

INSERT = text("INSERT INTO warehouses (code, name, active) VALUES (:code, :code, 1)")


async def test_a_read_only_transaction_reads_while_another_connection_holds_the_write_lock(
    db: Database,
) -> None:
    if not db.is_sqlite:
        pytest.skip("PostgreSQL has no database-wide write lock")
    async with db.transaction() as session:
        await Warehouses(session).add("MAIN", "Main")
    writer = sqlite3.connect(str(make_url(db.url).database), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE warehouses SET name = 'Renamed, not committed'")
        async with (
            asyncio.timeout(5),
            db.engine.connect() as connection,
            read_only_transaction(connection),
        ):
            names = (await connection.execute(select(Warehouse.name))).scalars().all()
        assert names == ["Main"]  # the committed snapshot
    finally:
        writer.execute("ROLLBACK")
        writer.close()


async def test_a_write_in_a_read_only_transaction_is_refused_and_the_mark_is_cleared(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("the mark only changes how SQLite begins")
    async with db.engine.connect() as connection:
        with pytest.raises(ReadOnlyViolation):
            async with read_only_transaction(connection):
                await connection.execute(INSERT, {"code": "X"})
        async with connection.begin():  # the next transaction on this connection writes normally
            await connection.execute(INSERT, {"code": "Y"})
    async with db.transaction() as session:
        codes = (await session.execute(select(Warehouse.code))).scalars().all()
    assert codes == ["Y"]
