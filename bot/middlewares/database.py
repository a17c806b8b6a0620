"""One unit of work per update: a session committed when the handler returns, rolled back on error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import Database


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
        async with self.db.sessions() as session:
            data["session"] = session
            try:
                result = await handler(event, data)
            except BaseException:
                await session.rollback()
                raise
            await session.commit()
            return result


async def rollback_and_refresh(session: AsyncSession, *instances: object) -> None:
    """Roll back the update's unit of work and reload `instances` (such as the current user), so the
    handler can go on reading — for example to show the current card after a lost optimistic lock."""
    await session.rollback()
    for instance in instances:
        await session.refresh(instance)
