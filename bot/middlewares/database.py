"""One unit of work per update: a session committed when the handler returns, rolled back on error.

On SQLite every writing transaction holds the database's one write lock from BEGIN IMMEDIATE to its
commit, which for a unit of work includes the replies sent to Telegram: searches and cards of twenty
people would wait behind each other. So the unit of work starts read-only (DEFERRED: the user lookup
and access checks only read), and `UnitOfWorkMode` decides once the handler is known: a handler
flagged READS_ONLY goes on reading from that snapshot (a write there raises ReadOnlyViolation, which
the end-to-end tests would meet); any other handler gets a fresh writing transaction (the read-only
start is committed first). PostgreSQL locks rows, not the database: nothing of this applies there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.fsm_storage import update_connection
from domain.db import READ_ONLY, Database, declare_read_only

READS_ONLY_FLAG = "reads_only"
READS_ONLY = {READS_ONLY_FLAG: True}  # handler flags: `@router.message(..., flags=READS_ONLY)`


class UnitOfWorkMiddleware(BaseMiddleware):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        # Not `session.begin()`: a handler may roll back itself (a lost optimistic lock) and go on
        # reading in a fresh transaction to show the current state.
        connection = update_connection()  # the update's own, taken by the FSM isolation
        session = self.db.sessions() if connection is None else self.db.sessions(bind=connection)
        read_only_start = connection is not None and self.db.is_sqlite
        if read_only_start:
            declare_read_only(connection)  # type: ignore[arg-type]
        async with session:
            data["session"] = session
            try:
                result = await handler(event, data)
            except BaseException:
                await session.rollback()
                raise
            else:
                await session.commit()
            finally:
                if read_only_start:
                    declare_read_only(connection, False)  # type: ignore[arg-type]
            return result


class UnitOfWorkMode(BaseMiddleware):
    """Inner middleware: the read-only start of a SQLite unit of work goes on for a READS_ONLY
    handler; for any other it is ended, so that the handler writes in a transaction that holds the
    write lock from its first statement."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session: AsyncSession | None = data.get("session")
        if session is not None and not get_flag(data, READS_ONLY_FLAG):
            await start_writing(session)
        return await handler(event, data)


async def start_writing(session: AsyncSession) -> None:
    """End the update's read-only start, if it is in one: the next statement begins a writing
    transaction. Call before changing anything in a middleware (handlers are sorted by their flag)."""
    connection = update_connection()
    if connection is not None and connection.info.get(READ_ONLY):
        declare_read_only(connection, False)
        await session.commit()  # only reads so far


async def rollback_and_refresh(session: AsyncSession, *instances: object) -> None:
    """Roll back the update's unit of work and reload `instances` (such as the current user), so the
    handler can go on reading — for example to show the current card after a lost optimistic lock."""
    await session.rollback()
    for instance in instances:
        await session.refresh(instance)
