"""One piece of work per account at a time, across processes: the lock every channel job takes.

An order pull, a stock push, a reconcile, a credential refresh, a person's /sync and the bot's or the
CLI's backfill of one account (a *target*, "allegro:3") run one after another, even when they run in
different processes: the bot and `warehouse-bot allegro backfill`, or the leader instance and a /sync
started on another instance.

Two layers. In front, an `asyncio.Lock` per target: cheap, fair within the process, and what `busy`
reads. Behind it, a lock other processes see, chosen by the database URL:

- PostgreSQL: a session-level advisory lock on a connection opened for this hold alone (not one of the
  pool's: a push of every account at once must not starve the pool the work itself needs). The key is
  a 64-bit digest of the target (never Python's salted `hash`), so every process derives the same one.
  It is released with `pg_advisory_unlock` and the connection closed in `finally`; a killed process's
  connection closes and the server frees the lock.
- SQLite: `fcntl.flock` on ``<database>.locks/<target>.lock``. A flock belongs to the open file
  description, so another process, or a second `open` in this one, conflicts; the OS drops it with
  the descriptor when the process dies.
- SQLite in memory, or a platform without `fcntl`: only the in-process lock (an in-memory database has
  one process by definition; elsewhere the CLI beside a bot falls back to the order pull's own check
  of a moved cursor, as before).

Waiting polls a non-blocking attempt (`pg_try_advisory_lock`, `LOCK_NB`), first at once, then with a
delay growing from `poll_seconds` to `max_poll_seconds`. A blocking `pg_advisory_lock` would queue
fairly, but a cancelled waiter could be granted the lock on the server while its cancel request is in
flight; with polling, a cancelled waiter owns at most an idle connection or an unlocked descriptor,
closed on the way out, and never stalls the event loop. The work held is seconds long and the
in-process lock keeps each process's own waiters in order, so the missing cross-process queue costs
at most one poll delay.

The lock serialises work; it is not what makes it correct. Order lines are applied once by their
unique key whatever happens, so if a lock connection drops mid-work (the server restarted) the work
goes on and another process may start beside it, as it could before this lock existed.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.engine import make_url

from domain.channels import AccountRef
from scheduler.leader import asyncpg_dsn, pg_errors

if TYPE_CHECKING:
    import asyncpg

try:
    import fcntl
except ImportError:  # not POSIX: the in-process lock only (see the module docstring)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

OnWait = Callable[[], Awaitable[None]]
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def target_of(ref: AccountRef) -> str:
    return f"{ref.channel}:{ref.account_id}"


def advisory_key(target: str) -> int:
    """A signed 64-bit advisory lock key, the same in every process and Python version."""
    digest = hashlib.blake2b(f"warehouse-bot account {target}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_directory(url: str) -> Path | None:
    """Where the SQLite database at `url` keeps its account lock files (None: no file locks)."""
    database = make_url(url).database
    if fcntl is None or not database or database == ":memory:":
        return None
    return Path(f"{database}.locks")


class _SharedHold(Protocol):
    """One process's attempt to hold one target; used for a single `hold` and then dropped."""

    async def try_acquire(self) -> bool: ...

    async def release(self) -> None:
        """Give the lock back if held and close what was opened; safe to call in any state."""
        ...


class _AdvisoryHold:
    def __init__(self, dsn: str, key: int, timeout: float) -> None:
        self._dsn = dsn
        self._key = key
        self._timeout = timeout
        self._conn: asyncpg.Connection | None = None
        self._held = False

    async def try_acquire(self) -> bool:
        import asyncpg

        if self._conn is None:
            self._conn = await asyncpg.connect(self._dsn, timeout=self._timeout)
        self._held = bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self._key))
        return self._held

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        held, self._held = self._held, False
        if conn is None:
            return
        try:
            # Unlock before closing: the server frees a closed session's locks only once its backend
            # has exited, which the next process would otherwise have to poll through.
            if held:
                unlock = conn.fetchval("SELECT pg_advisory_unlock($1)", self._key)
                await asyncio.wait_for(unlock, self._timeout)
            await asyncio.wait_for(conn.close(), self._timeout)
        except pg_errors() as exc:
            log.warning("account lock: the lock connection failed on release (%s)", type(exc).__name__)
            conn.terminate()
        except BaseException:
            # Cancelled halfway (or while a try_acquire was in flight, maybe granted on the server):
            # dropping the connection ends the session, and the server frees whatever it held.
            conn.terminate()
            raise


class _FileHold:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        assert fcntl is not None  # lock_directory returns None without it
        if self._fd is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    async def release(self) -> None:
        # Closing the only descriptor of the open file description drops its flock. The file stays:
        # deleting it would let a waiter lock an unlinked inode while a newcomer locks a new file.
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class AccountLocks:
    """The per-target lock of the database at `url` (see the module docstring for the engines)."""

    def __init__(
        self,
        url: str,
        *,
        poll_seconds: float = 0.05,
        max_poll_seconds: float = 0.5,
        connect_timeout: float = 10.0,
    ) -> None:
        self.poll_seconds = poll_seconds
        self.max_poll_seconds = max_poll_seconds
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._shared: Callable[[str], _SharedHold] | None = None
        backend = make_url(url).get_backend_name()
        if backend == "postgresql":
            dsn = asyncpg_dsn(url)
            self._shared = lambda target: _AdvisoryHold(dsn, advisory_key(target), connect_timeout)
            self.description = "PostgreSQL advisory locks"
        elif backend == "sqlite" and (directory := lock_directory(url)) is not None:
            self._shared = lambda target: _FileHold(directory / f"{_UNSAFE.sub('_', target)}.lock")
            self.description = f"file locks in {directory}"
        else:
            self.description = "in-process locks only (one process uses this database)"

    @asynccontextmanager
    async def hold(self, ref: AccountRef, *, on_wait: OnWait | None = None) -> AsyncIterator[None]:
        """Hold the account's lock for the block; wait (cancellably) while anyone else holds it.

        `on_wait` is awaited once, before waiting, if the lock is not free at once: here or in
        another process. Cancelled while waiting, nothing stays held.
        """
        target = target_of(ref)
        local = self._locks[target]
        if local.locked() and on_wait is not None:
            await on_wait()
            on_wait = None
        async with local:
            if self._shared is None:
                yield
                return
            shared = self._shared(target)
            try:
                await self._acquire(shared, target, on_wait)
                yield
            finally:
                await shared.release()

    async def _acquire(self, shared: _SharedHold, target: str, on_wait: OnWait | None) -> None:
        delay = self.poll_seconds
        if await shared.try_acquire():
            return
        log.info("account lock: %s is held by another process; waiting", target)
        if on_wait is not None:
            await on_wait()
        while True:
            await asyncio.sleep(delay)
            if await shared.try_acquire():
                return
            delay = min(delay * 2, self.max_poll_seconds)

    def busy(self, ref: AccountRef) -> bool:
        """Whether work in this process holds the account right now (it may still be waiting for another
        process).

        In-process only, for looking in (tests, diagnostics): whoever is about to wait learns it, also
        for another process's work, through `hold`'s `on_wait`."""
        lock = self._locks.get(target_of(ref))
        return lock is not None and lock.locked()
