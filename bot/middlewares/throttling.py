"""Per-user rate limit: a token bucket; past it, updates are ignored and the user gets one note."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext


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
    def __init__(self, limits: ThrottleLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
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
        if first_refusal and isinstance(event, Update):
            i18n: I18nContext = data["i18n"]
            if event.message is not None:
                await event.message.answer(i18n.get("slow-down"))
            elif event.callback_query is not None:
                await event.callback_query.answer(i18n.get("slow-down"))
        return None
