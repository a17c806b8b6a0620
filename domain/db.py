"""Engine, sessions and the commit hook that wakes the stock push.

SQLite is the embedded default: WAL, foreign keys on, and every transaction starts with
`BEGIN IMMEDIATE`, so two writers queue on the busy timeout instead of failing with a deadlock when a
read transaction tries to upgrade. Keep transactions short (never hold one across an HTTP call).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from domain.outbox import write_outbox_rows

log = logging.getLogger(__name__)

STOCK_CHANGED_KEY = "stock_changed_product_ids"
READ_ONLY = "warehouse_read_only"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
# Per connection, in KiB (SQLite's default is 2000). Each pooled connection keeps its own cache, and
# the database file's pages stay in the OS's page cache anyway, so a miss costs a read from memory:
# halving it cut the bot's resident memory by ~5 MB with five connections and left search p95 as it
# was (bench/bot_latency.py).
SQLITE_PAGE_CACHE_KIB = 1024


class ReadOnlyViolation(RuntimeError):
    """Code declared a transaction read-only and then wrote: a programming error (see READ_ONLY)."""


StockChangedListener = Callable[[frozenset[int]], None]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def as_utc(moment: datetime) -> datetime:
    """SQLite gives naive UTC timestamps back."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class RollingBackConnection(sqlite3.Connection):
    """A pysqlite connection that rolls back an open transaction when it is closed.

    A task cancelled in the middle of a unit of work (the bot stopping, a Cancel button) makes
    SQLAlchemy close its aiosqlite connection without a rollback. Python 3.11's sqlite3 then closes
    with `sqlite3_close_v2`, which keeps the connection alive as a zombie while any statement of it is
    not finalized (an abandoned cursor, until the garbage collector meets it) — still holding its
    transaction, and on SQLite a writing transaction holds the database-wide write lock: every other
    writer waited out the 30-second busy timeout and failed with "database is locked"."""

    def close(self) -> None:
        if self.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # closing anyway: a failed rollback changes nothing
                self.rollback()
        super().close()


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us emit BEGIN ourselves (pysqlite's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_PAGE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _refuse_writes(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if connection.info.get(READ_ONLY) and statement.lstrip()[:7].upper().startswith(WRITES):
            raise ReadOnlyViolation(f"a write in a read-only transaction: {statement[:60]!r}")

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN" if connection.info.get(READ_ONLY) else "BEGIN IMMEDIATE")


def declare_read_only(connection: AsyncConnection, read_only: bool = True) -> None:
    """Mark the connection's next transaction (or the rest of the current one) as read-only.

    On SQLite a read-only transaction begins DEFERRED: it reads a snapshot without queueing for the
    write lock that every other transaction takes at BEGIN IMMEDIATE (see _configure_sqlite), so
    searches and cards do not wait behind each other. A write inside one could fail with
    SQLITE_BUSY_SNAPSHOT, so writes are refused (ReadOnlyViolation). PostgreSQL ignores the mark."""
    if read_only:
        connection.info[READ_ONLY] = True
    else:
        connection.info.pop(READ_ONLY, None)


@asynccontextmanager
async def read_only_transaction(connection: AsyncConnection) -> AsyncIterator[AsyncConnection]:
    """A transaction that only reads (see `declare_read_only`)."""
    declare_read_only(connection)
    try:
        async with connection.begin():
            yield connection
    finally:
        declare_read_only(connection, False)


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, echo=echo, connect_args={"timeout": 30, "factory": RollingBackConnection}
        )
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


def mark_stock_changed(session: AsyncSession | Session, product_ids: Iterable[int]) -> None:
    """Remember, for the after-commit hook, which products' available stock changed."""
    info = session.info
    info.setdefault(STOCK_CHANGED_KEY, set()).update(product_ids)


def _write_outbox(session: Session) -> None:
    # Inside the transaction, right before COMMIT: stock, operations and outbox land together.
    changed = session.info.get(STOCK_CHANGED_KEY)
    if changed:
        write_outbox_rows(session, changed)


class Database:
    """The engine, a session factory, and listeners told about committed stock changes."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = url
        self.engine = create_engine(url, echo=echo, pool_size=pool_size)
        # A Session subclass of our own, so that commit hooks of one Database never see another's.
        sync_cls: type[Session] = type("WarehouseSession", (Session,), {})
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, sync_session_class=sync_cls)
        self._listeners: list[StockChangedListener] = []
        event.listen(sync_cls, "before_commit", _write_outbox)
        event.listen(sync_cls, "after_commit", self._after_commit)
        event.listen(sync_cls, "after_rollback", self._after_rollback)
        self._sync_cls = sync_cls

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    def on_stock_changed(self, listener: StockChangedListener) -> None:
        self._listeners.append(listener)

    def _after_commit(self, session: Session) -> None:
        changed = session.info.pop(STOCK_CHANGED_KEY, None)
        if not changed:
            return
        ids = frozenset(changed)
        for listener in list(self._listeners):
            try:
                listener(ids)
            except Exception:  # a listener must never break a committed transaction
                log.exception("stock-changed listener failed")

    @staticmethod
    def _after_rollback(session: Session) -> None:
        session.info.pop(STOCK_CHANGED_KEY, None)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits when the block ends normally, rolls back on an exception."""
        async with self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        event.remove(self._sync_cls, "before_commit", _write_outbox)
        event.remove(self._sync_cls, "after_commit", self._after_commit)
        event.remove(self._sync_cls, "after_rollback", self._after_rollback)
        await self.engine.dispose()
