"""The bot works in private chats only.

Updates from groups, supergroups and channels run no feature handler and touch no data, even when a
registered person writes there: the gate stands before aiogram's FSM middleware (which reads the
conversation from the database) and before every middleware of ours. When somebody adds the bot to a
group or channel, it says there once that it works in private chats only, and leaves.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher, F, Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import JOIN_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import Chat, ChatMemberUpdated, TelegramObject, Update
from aiogram_i18n.cores import FluentRuntimeCore

from bot.middlewares.i18n import telegram_language

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class PrivateChatsOnly(BaseMiddleware):
    """Private chats go on; elsewhere only the bot's own membership changes reach `farewell`, past
    every other middleware; anything else (messages, button presses) is dropped unanswered."""

    def __init__(self, farewell: Router) -> None:
        self.farewell = farewell

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None or chat.type == ChatType.PRIVATE:
            return await handler(event, data)
        if isinstance(event, Update) and event.my_chat_member is not None:
            return await self.farewell.propagate_event("my_chat_member", event.my_chat_member, **data)
        return UNHANDLED


def farewell_router(core: FluentRuntimeCore, default_language: str) -> Router:
    """A router whose one handler leaves a group the bot was just added to.

    It is a handler (not code in the gate) because aiogram asks Telegram only for the update kinds
    some handler wants: without it, Telegram would not tell the bot it was added anywhere."""
    router = Router(name="group-farewell")
    router.my_chat_member.filter(F.chat.type != ChatType.PRIVATE)

    @router.my_chat_member(ChatMemberUpdatedFilter(JOIN_TRANSITION))
    async def leave_group(event: ChatMemberUpdated, bot: Bot) -> None:
        # The chat is shared, so the text is in the language of whoever added the bot.
        language = telegram_language(event.from_user) or default_language
        with suppress(TelegramAPIError):  # a channel where the bot may not post: leave all the same
            await bot.send_message(event.chat.id, core.get("private-chats-only", language))
        await bot.leave_chat(event.chat.id)
        log.info("left %s chat %s: the bot works in private chats only", event.chat.type, event.chat.id)

    return router


def setup_private_chats(dp: Dispatcher, core: FluentRuntimeCore, default_language: str) -> None:
    """Put the gate first among the update middlewares that may touch the database: before aiogram's
    FSM middleware, which the Dispatcher registered when it was made."""
    farewell = farewell_router(core, default_language)
    dp.include_router(farewell)
    dp.update.outer_middleware.unregister(dp.fsm)
    dp.update.outer_middleware(PrivateChatsOnly(farewell))
    dp.update.outer_middleware(dp.fsm)
