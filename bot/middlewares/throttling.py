"""Per-user rate limit: a token bucket; past it, updates are ignored and the user gets one note.

It runs first, before any database work, so a flood costs no connections; the note is therefore in the
user's Telegram language (their saved choice would need the database). Ids that `quiet` names (strangers
already told how to get access) get no note: a stranger hears from the bot once."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram_i18n.cores import FluentRuntimeCore

from bot.middlewares.i18n import telegram_language


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    """`burst` updates at once, then `rate` per second. A person tapping fast stays well inside."""

    burst: int = 15
    rate: float = 5.0


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(
        self,
        limits: ThrottleLimits,
        core: FluentRuntimeCore | None = None,
        default_language: str = "en",
        clock: Callable[[], float] = time.monotonic,
        quiet: Callable[[int], bool] | None = None,
    ) -> None:
        self.limits = limits
        self.core = core
        self.default_language = default_language
        self.clock = clock
        self.quiet = quiet
        self._buckets: dict[int, _Bucket] = {}

    def allow(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, first refusal of this streak)."""
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(float(self.limits.burst), now)
            self._forget_idle(now)
        bucket.tokens = min(self.limits.burst, bucket.tokens + (now - bucket.stamp) * self.limits.rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return True, False
        first = not bucket.warned
        bucket.warned = True
        return False, first

    def _forget_idle(self, now: float) -> None:
        # A full bucket carries no information: drop those so memory stays bounded by active users.
        if len(self._buckets) < 10_000:
            return
        refill = self.limits.burst / self.limits.rate
        for user_id in [uid for uid, b in self._buckets.items() if now - b.stamp > refill]:
            del self._buckets[user_id]

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        telegram_user: TelegramUser | None = data.get("event_from_user")
        if telegram_user is None:
            return await handler(event, data)
        allowed, first_refusal = self.allow(telegram_user.id)
        if allowed:
            return await handler(event, data)
        if self.quiet is not None and self.quiet(telegram_user.id):
            return None
        if first_refusal and isinstance(event, Update) and self.core is not None:
            note = self.core.get("slow-down", telegram_language(telegram_user) or self.default_language)
            if event.message is not None:
                await event.message.answer(note)
            elif event.callback_query is not None:
                await event.callback_query.answer(note)
        return None
