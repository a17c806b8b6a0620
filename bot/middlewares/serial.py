"""One update at a time per user.

aiogram handles updates concurrently; two taps of the same Confirm button would otherwise both read
the flow before either ends it, and save twice (an import or a receipt applied twice). Updates of one
user wait for each other, in arrival order; different users still run in parallel. Runs before the
unit of work, so a waiting update holds no database connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser


class _Turn:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerUserSerialMiddleware(BaseMiddleware):
    def __init__(self) -> None:
        self._turns: dict[int, _Turn] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        telegram_user: TelegramUser | None = data.get("event_from_user")
        if telegram_user is None:
            return await handler(event, data)
        turn = self._turns.setdefault(telegram_user.id, _Turn())
        turn.users += 1
        try:
            async with turn.lock:
                return await handler(event, data)
        finally:
            turn.users -= 1
            if not turn.users:  # nobody waits: forget the user, memory stays bounded
                del self._turns[telegram_user.id]
