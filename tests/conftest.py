"""Shared fixtures: a migrated database per backend (SQLite and PostgreSQL), emptied after each test.

`db` is parametrised over the backends in WAREHOUSE_TEST_BACKENDS (default "sqlite,postgres"), so one
pytest run exercises every database test on both engines. PostgreSQL comes from WAREHOUSE_TEST_PG_URL
(default: the server `.ci/postgres.sh` starts on 127.0.0.1:5432); each pytest process creates and drops
its own database there, so parallel runs never clash.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

import bot  # noqa: F401  (before any test imports aiogram: its models are then built on first use)
from domain.db import Database
from domain.migrations import upgrade_database
from domain.models import Base

PG_ADMIN_URL = os.environ.get(
    "WAREHOUSE_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [b.strip() for b in os.environ.get("WAREHOUSE_TEST_BACKENDS", "sqlite,postgres").split(",") if b]


class _Databases:
    """Creates one migrated database per backend on first use; drops them at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.urls: dict[str, str] = {}
        self._pg_name: str | None = None
        self._lock = asyncio.Lock()

    async def url(self, backend: str) -> str:
        async with self._lock:
            if backend not in self.urls:
                self.urls[backend] = await self._create(backend)
            return self.urls[backend]

    async def _create(self, backend: str) -> str:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{self.tmp / 'test.db'}"
        elif backend == "postgres":
            self._pg_name = f"wbtest_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            try:
                async with admin.connect() as conn:
                    await conn.execute(text(f'CREATE DATABASE "{self._pg_name}"'))
            except OSError as exc:
                raise RuntimeError(
                    f"PostgreSQL is not reachable at {make_url(PG_ADMIN_URL).render_as_string()}: "
                    "start it with `bash .ci/postgres.sh` or set WAREHOUSE_TEST_BACKENDS=sqlite"
                ) from exc
            finally:
                await admin.dispose()
            url = make_url(PG_ADMIN_URL).set(database=self._pg_name).render_as_string(hide_password=False)
        else:
            raise ValueError(f"unknown backend {backend}")
        await upgrade_database(url)
        return url

    async def drop(self) -> None:
        if self._pg_name is None:
            return
        admin = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)'))
        finally:
            await admin.dispose()


@pytest.fixture(scope="session")
async def databases(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[_Databases]:
    registry = _Databases(tmp_path_factory.mktemp("db"))
    yield registry
    await registry.drop()


async def _empty_all_tables(database: Database) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    async with database.engine.begin() as conn:
        if database.is_sqlite:
            for name in tables:
                await conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            joined = ", ".join(f'"{name}"' for name in tables)
            await conn.execute(text(f"TRUNCATE {joined} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def db_url(databases: _Databases, backend: str) -> str:
    return await databases.url(backend)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    try:
        yield database
    finally:
        await _empty_all_tables(database)
        await database.dispose()


@pytest.fixture
def pg_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("PostgreSQL-only behaviour (row locks / advisory locks)")


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A developer's own .env or exported variables must not leak into tests."""
    for name in list(os.environ):
        if name.startswith(("BOT_", "ALLEGRO_", "WIX_", "WEBHOOK_")) or name in {
            "DATABASE_URL", "ADMIN_IDS", "TELEGRAM_API_URL", "TIMEZONE",
        }:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(Path(__file__).resolve().parent)  # no .env here
    yield
