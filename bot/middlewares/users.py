"""Who is writing: the active user (or None for a stranger) and the actor recorded on operations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.database import start_writing
from domain.actors import Actor
from domain.people import Users


class UserMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        telegram_user: TelegramUser | None = data.get("event_from_user")
        session: AsyncSession = data["session"]
        data["user"] = None
        if telegram_user is not None and not telegram_user.is_bot:
            users = Users(session)
            user = await users.by_telegram_id(telegram_user.id)
            if user is not None and user.active:
                if users.profile_outdated(user, telegram_user.full_name):
                    await start_writing(session)
                    users.touch_profile(user, telegram_user.full_name)
                data["user"] = user
                data["actor"] = Actor.person(user.id, user.telegram_id)
        return await handler(event, data)
