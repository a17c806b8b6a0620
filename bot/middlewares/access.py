"""Strangers (no active user row: unknown or deactivated) learn once how to get access — nothing else.

The first message from an unknown Telegram id is answered with the id and how to ask an administrator
for access; later messages are ignored, except an explicit /start, answered again at most once a day
(someone added meanwhile is no longer a stranger and gets the normal greeting). A stranger's button (a
forged one, or an old one of a deactivated user) gets one short alert. Nothing is written for them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext

REPEAT_START_AFTER = timedelta(hours=24)
REMEMBERED_STRANGERS = 10_000


@dataclass(slots=True)
class _Told:
    message_at: datetime | None = None  # when the answered message was sent (Telegram's clock)
    alerted: bool = False


class StrangerMemory:
    """Which strangers were answered: the `capacity` most recently seen ids, in process memory.

    Not in the database on purpose: a stranger must cost no writes, and anybody can invent new ids at
    will, so the memory is bounded and the least recently seen id is forgotten first. Forgetting (a
    restart, another instance behind a load balancer, an eviction) costs at most one more polite reply
    to that stranger — harmless. Time comes from the messages' own dates (set by Telegram), so no clock
    of ours is involved."""

    def __init__(
        self, capacity: int = REMEMBERED_STRANGERS, repeat_start_after: timedelta = REPEAT_START_AFTER
    ) -> None:
        self.capacity = capacity
        self.repeat_start_after = repeat_start_after
        self._told: OrderedDict[int, _Told] = OrderedDict()

    def _entry(self, telegram_id: int) -> _Told:
        told = self._told.get(telegram_id)
        if told is None:
            told = self._told[telegram_id] = _Told()
            if len(self._told) > self.capacity:
                self._told.popitem(last=False)
        else:
            self._told.move_to_end(telegram_id)
        return told

    def answer_message(self, telegram_id: int, sent_at: datetime, *, start: bool) -> bool:
        """Whether a stranger's message gets the reply (and, if so, remember that it did)."""
        told = self._entry(telegram_id)
        due = told.message_at is None or (start and sent_at - told.message_at >= self.repeat_start_after)
        if due:
            told.message_at = sent_at
        return due

    def answer_button(self, telegram_id: int) -> bool:
        """Whether a stranger's button press gets the alert: only the first one does."""
        told = self._entry(telegram_id)
        first, told.alerted = not told.alerted, True
        return first

    def told(self, telegram_id: int) -> bool:
        """Whether this id has been answered as a stranger (the rate limit then refuses it silently)."""
        return telegram_id in self._told

    def forget(self, telegram_id: int) -> None:
        """The id belongs to an active user now; should they be deactivated, they are told again."""
        self._told.pop(telegram_id, None)


def is_start(message: Message) -> bool:
    words = (message.text or "").split(maxsplit=1)
    return bool(words) and words[0].split("@", 1)[0] == "/start"


class AccessMiddleware(BaseMiddleware):
    def __init__(self, strangers: StrangerMemory) -> None:
        self.strangers = strangers

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        telegram_user: TelegramUser | None = data.get("event_from_user")
        if data.get("user") is not None:
            if telegram_user is not None:
                self.strangers.forget(telegram_user.id)
            return await handler(event, data)
        if telegram_user is None or not isinstance(event, Update):
            return None
        i18n: I18nContext = data["i18n"]
        message, query = event.message, event.callback_query
        if message is not None and self.strangers.answer_message(
            telegram_user.id, message.date, start=is_start(message)
        ):
            await message.answer(i18n.get("stranger", telegram_id=str(telegram_user.id)))
        elif query is not None and self.strangers.answer_button(telegram_user.id):
            await query.answer(i18n.get("stranger-short"), show_alert=True)
        return None
