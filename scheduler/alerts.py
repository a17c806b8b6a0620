"""Alerts to the admins, deduplicated and rate-limited so that an outage does not flood anyone.

Everything goes through the `Notifier` protocol (`domain.notify`); the bot's implementation messages
every admin who has not muted the alert's kind, and adds the buttons that belong to a kind (Reconnect,
Retry). Two guards sit in front of it:

- dedup: an alert with a `key` is not repeated for the same (kind, key) within its window;
- rate limit: at most `per_minute` alerts in any `window_seconds`; the overflow is counted per kind and
  summarised in ONE message once the window has room again.

A notifier that fails (Telegram down) never fails the job that raised the alert.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from domain.notify import AlertKind, Notifier

log = logging.getLogger(__name__)


MUTABLE_KINDS: tuple[AlertKind, ...] = tuple(kind for kind in AlertKind if kind is not AlertKind.SUMMARY)

DEFAULT_DEDUP_SECONDS = 3600.0


class Alerts:
    def __init__(
        self,
        notifier: Notifier,
        *,
        per_minute: int = 10,
        window_seconds: float = 60.0,
        dedup_seconds: float = DEFAULT_DEDUP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.notifier = notifier
        self.per_minute = per_minute
        self.window_seconds = window_seconds
        self.dedup_seconds = dedup_seconds
        self._clock = clock
        self._sent_at: deque[float] = deque()
        self._last_by_key: dict[tuple[str, str], tuple[float, float]] = {}  # -> (sent at, window)
        self._held: Counter[str] = Counter()
        self._summary_task: asyncio.Task[None] | None = None

    async def send(
        self,
        kind: str,
        text_key: str,
        *,
        key: str | None = None,
        dedup_seconds: float | None = None,
        limited: bool = True,
        **params: Any,
    ) -> bool:
        """Send unless deduplicated or over the rate; returns whether it went out now."""
        now = self._clock()
        if key is not None:
            if self._seen(kind, key, now):
                return False
            window = self.dedup_seconds if dedup_seconds is None else dedup_seconds
            self._last_by_key[(kind, key)] = (now, window)
        if limited and not self._take_slot(now):
            self._held[kind] += 1
            self._schedule_summary(now)
            return False
        await self._deliver(kind, text_key, params)
        return True

    def forget(self, kind: str, key: str) -> None:
        """Allow the next alert of (kind, key) at once, e.g. after the condition cleared."""
        self._last_by_key.pop((kind, key), None)

    @property
    def held(self) -> dict[str, int]:
        return dict(self._held)

    async def flush(self) -> bool:
        """Send the summary of held-back alerts now (also called at shutdown)."""
        if not self._held:
            return False
        counts = ", ".join(f"{kind} × {count}" for kind, count in sorted(self._held.items()))
        total = sum(self._held.values())
        self._held.clear()
        self._sent_at.append(self._clock())
        await self._deliver(AlertKind.SUMMARY, "alert-summary", {"count": total, "kinds": counts})
        return True

    def as_notifier(self) -> GuardedNotifier:
        """A `Notifier` for the channels' own alerts, behind the same dedup and rate limit."""
        return GuardedNotifier(self)

    async def close(self) -> None:
        if self._summary_task is not None:
            self._summary_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._summary_task
            self._summary_task = None
        await self.flush()

    def _seen(self, kind: str, key: str, now: float) -> bool:
        if len(self._last_by_key) > 5000:
            self._last_by_key = {k: v for k, v in self._last_by_key.items() if now - v[0] < v[1]}
        last = self._last_by_key.get((kind, key))
        return last is not None and now - last[0] < last[1]

    def _take_slot(self, now: float) -> bool:
        while self._sent_at and now - self._sent_at[0] >= self.window_seconds:
            self._sent_at.popleft()
        if len(self._sent_at) >= self.per_minute or self._held:
            return False
        self._sent_at.append(now)
        return True

    def _schedule_summary(self, now: float) -> None:
        if self._summary_task is not None and not self._summary_task.done():
            return
        delay = self.window_seconds - (now - self._sent_at[0]) if self._sent_at else 0.0
        self._summary_task = asyncio.get_running_loop().create_task(self._summary_after(max(delay, 0.0)))

    async def _summary_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.flush()

    async def _deliver(self, kind: str, text_key: str, params: dict[str, Any]) -> None:
        try:
            await self.notifier.alert(kind, text_key, **params)
        except Exception:
            log.exception("could not deliver the %s alert %s", kind, text_key)


class GuardedNotifier:
    """`Notifier` in front of `Alerts`: an alert identical in kind, text and values is a duplicate."""

    def __init__(self, alerts: Alerts) -> None:
        self.alerts = alerts

    async def alert(self, kind: str, text_key: str, **params: Any) -> None:
        key = text_key + "|" + "|".join(f"{name}={params[name]}" for name in sorted(params))
        await self.alerts.send(kind, text_key, key=key, **params)
