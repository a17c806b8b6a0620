"""Strangers (unknown or deactivated users) get one polite message with their Telegram id — nothing else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext


class AccessMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if data.get("user") is not None:
            return await handler(event, data)
        telegram_user: TelegramUser | None = data.get("event_from_user")
        if telegram_user is None or not isinstance(event, Update):
            return None
        i18n: I18nContext = data["i18n"]
        text = i18n.get("stranger", telegram_id=str(telegram_user.id))
        if event.message is not None and event.message.chat.type == "private":
            await event.message.answer(text)
        elif event.callback_query is not None:
            await event.callback_query.answer(i18n.get("stranger-short"), show_alert=True)
        return None
