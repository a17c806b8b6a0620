"""Migrations on both engines: up from empty, down to base, up again; autogenerate finds no difference."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from domain.db import create_engine
from domain.migrations import downgrade_database, upgrade_database
from domain.models import Base
from domain.search_index import FTS_TABLE, include_name, is_index_table
from tests.conftest import PG_ADMIN_URL


@pytest.fixture
async def fresh_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of its own (not the shared test database)."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"wbmig_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def _inspect(url: str, work: Any) -> Any:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(work)
    finally:
        await engine.dispose()


def _tables(connection: Connection) -> set[str]:
    names = set(inspect(connection).get_table_names()) - {"alembic_version"}
    return {name for name in names if not is_index_table(name)}


def _differences(connection: Connection) -> list[Any]:
    # SQLite's FTS index is raw DDL outside the ORM metadata: env.py leaves it out the same way.
    options = {"compare_type": True, "include_name": include_name}
    context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_downgrade_upgrade(fresh_url: str) -> None:
    expected = set(Base.metadata.tables)
    await upgrade_database(fresh_url)
    assert await _inspect(fresh_url, _tables) == expected
    await downgrade_database(fresh_url, "base")
    assert await _inspect(fresh_url, _tables) == set()
    await upgrade_database(fresh_url)
    assert await _inspect(fresh_url, _tables) == expected
    await upgrade_database(fresh_url)  # idempotent at head


async def test_autogenerate_finds_no_difference(fresh_url: str) -> None:
    await upgrade_database(fresh_url)
    assert await _inspect(fresh_url, _differences) == []


async def test_trigram_index_exists_on_postgresql(fresh_url: str, pg_only: None) -> None:
    await upgrade_database(fresh_url)

    def index_definition(connection: Connection) -> str:
        return str(
            connection.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_products_name_search_trgm'")
            ).scalar_one()
        )

    assert "gin_trgm_ops" in await _inspect(fresh_url, index_definition)


def _search_index_objects(connection: Connection) -> set[tuple[str, str]]:
    rows = connection.execute(text("SELECT type, name FROM sqlite_master WHERE name LIKE 'products_fts%'"))
    return {(str(kind), str(name)) for kind, name in rows}


async def test_sqlite_search_index_indexes_existing_rows_and_goes_away(fresh_url: str, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the FTS5 index exists on SQLite only")
    await upgrade_database(fresh_url, "0002")
    engine = create_engine(fresh_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO products (id, sku, sku_key, name, name_search, archived, version) "
                    "VALUES (7, 'K-1', 'k-1', 'Kubek Łódź', 'kubek lodz k 1', 0, 1)"
                )
            )
    finally:
        await engine.dispose()
    await upgrade_database(fresh_url)

    def found(connection: Connection) -> list[int]:
        query = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH '\"lodz\"'")
        return list(connection.execute(query).scalars())

    assert await _inspect(fresh_url, found) == [7]
    objects = await _inspect(fresh_url, _search_index_objects)
    triggers = {name for kind, name in objects if kind == "trigger"}
    assert triggers == {f"{FTS_TABLE}_ai", f"{FTS_TABLE}_au", f"{FTS_TABLE}_ad"}
    await downgrade_database(fresh_url, "0002")
    assert await _inspect(fresh_url, _search_index_objects) == set()
