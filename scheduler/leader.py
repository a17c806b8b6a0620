"""Who runs the background jobs: the one instance holding a PostgreSQL advisory lock.

The lock lives on a dedicated connection (not the pool's), so it is held exactly as long as that
connection: a killed instance's connection closes and the lock is free for the next one to take.
The same connection carries LISTEN/NOTIFY, so an instance that only answers chat can wake the leader's
stock push right after it committed a stock change.

On SQLite there is no shared server to arbitrate: one instance is assumed, and said so at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)

# "WHBOT" in ASCII: one constant per database, so two deployments on one server never collide
# (advisory locks are scoped to the current database).
LOCK_KEY = 0x5748424F54
NOTIFY_CHANNEL = "warehouse_bot_signals"
Signal = Callable[[str], None]


class LeaderLock(Protocol):
    description: str

    async def acquire(self) -> bool: ...

    async def wait_lost(self) -> None:
        """Return when the lock is no longer held (never, for a single instance)."""
        ...

    async def signal(self, payload: str) -> None:
        """Tell the leader something (followers call it; a no-op where there is one instance)."""
        ...

    def on_signal(self, callback: Signal) -> None: ...

    async def release(self) -> None: ...


class SingleInstanceLock:
    description = "SQLite: a single instance is assumed (one process per database file)"

    def __init__(self) -> None:
        self._released = asyncio.Event()

    async def acquire(self) -> bool:
        return True

    async def wait_lost(self) -> None:
        await self._released.wait()

    async def signal(self, payload: str) -> None:
        return None

    def on_signal(self, callback: Signal) -> None:
        return None

    async def release(self) -> None:
        self._released.set()


def pg_errors() -> tuple[type[BaseException], ...]:
    """What a lost or refused PostgreSQL connection raises. asyncpg is imported here, on first use,
    so a SQLite bot never loads it."""
    import asyncpg

    return (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError)


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresAdvisoryLock:
    description = "PostgreSQL advisory lock: only the instance holding it runs the background jobs"

    def __init__(
        self,
        url: str,
        *,
        key: int = LOCK_KEY,
        check_seconds: float = 5.0,
        connect_timeout: float = 10.0,
    ) -> None:
        self._dsn = asyncpg_dsn(url)
        self.key = key
        self.check_seconds = check_seconds
        self.connect_timeout = connect_timeout
        self._conn: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._held = False
        self._callbacks: list[Signal] = []

    @property
    def backend_pid(self) -> int | None:
        """The server process of the lock connection (tests terminate it to play a killed leader)."""
        return self._conn.get_server_pid() if self._conn is not None and not self._conn.is_closed() else None

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            self._conn = None
            import asyncpg

            conn = await asyncpg.connect(self._dsn, timeout=self.connect_timeout)
            conn.add_termination_listener(self._on_terminated)
            await conn.add_listener(NOTIFY_CHANNEL, self._on_notification)
            self._conn = conn
            self._lost = asyncio.Event()
        return self._conn

    async def acquire(self) -> bool:
        try:
            conn = await self._connection()
            self._held = bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key))
        except pg_errors() as exc:
            log.warning("leader lock: cannot reach PostgreSQL (%s)", type(exc).__name__)
            await self._drop_connection()
            return False
        return self._held

    async def wait_lost(self) -> None:
        while self._held:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self.check_seconds)
            if self._lost.is_set() or not await self._alive():
                self._held = False
                await self._drop_connection()
        log.warning("leader lock lost: the lock connection closed")

    async def _alive(self) -> bool:
        conn = self._conn
        if conn is None or conn.is_closed():
            return False
        try:
            await asyncio.wait_for(conn.fetchval("SELECT 1"), self.check_seconds)
        except pg_errors():
            return False
        return True

    async def signal(self, payload: str) -> None:
        try:
            conn = await self._connection()
            await conn.execute("SELECT pg_notify($1, $2)", NOTIFY_CHANNEL, payload)
        except pg_errors() as exc:
            # The leader's own period still covers it: a lost signal only delays, never loses work.
            log.warning("could not signal the leader (%s)", type(exc).__name__)

    def on_signal(self, callback: Signal) -> None:
        self._callbacks.append(callback)

    def _on_notification(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        for callback in list(self._callbacks):
            try:
                callback(payload)
            except Exception:
                log.exception("leader signal handler failed")

    def _on_terminated(self, _conn: Any) -> None:
        self._lost.set()

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        held, self._held = self._held, False
        if conn is None or conn.is_closed():
            return
        try:
            if held:
                await asyncio.wait_for(conn.fetchval("SELECT pg_advisory_unlock($1)", self.key), 5)
            await asyncio.wait_for(conn.close(), 5)
        except pg_errors():
            conn.terminate()

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            conn.terminate()


def leader_lock_for(url: str, *, check_seconds: float = 5.0) -> LeaderLock:
    if make_url(url).get_backend_name() == "postgresql":
        return PostgresAdvisoryLock(url, check_seconds=check_seconds)
    return SingleInstanceLock()
