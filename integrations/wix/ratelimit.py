"""A client-side token bucket that keeps one site under Wix's limit (200 requests per minute).

The bucket holds `burst` tokens and refills at (requests - burst) / per_seconds, so no window of
`per_seconds` ever admits more than `requests` calls, however they bunch. Waiters are served first come,
first served (an asyncio.Lock queues them in order) and each sleeps exactly until its token is due: no
polling loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimit:
    requests: int = 200
    per_seconds: float = 60.0
    # Calls allowed back to back before the steady pace applies; default 5% of `requests`.
    burst: int | None = None

    def __post_init__(self) -> None:
        if self.requests < 1 or self.per_seconds <= 0:
            raise ValueError("a rate limit needs requests >= 1 and per_seconds > 0")
        if self.burst is not None and not 1 <= self.burst <= self.requests:
            raise ValueError("burst must be between 1 and requests")

    @property
    def bucket_size(self) -> int:
        return self.burst if self.burst is not None else max(1, self.requests // 20)

    @property
    def refill_per_second(self) -> float:
        # With requests == burst the window bound would need a zero rate; one token per window keeps the
        # bucket alive at the cost of one extra call in that degenerate case.
        return max(self.requests - self.bucket_size, 1) / self.per_seconds


class TokenBucket:
    """Async, fair limiter; share one instance between all clients of the same site."""

    def __init__(self, limit: RateLimit, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._capacity = float(limit.bucket_size)
        self._rate = limit.refill_per_second
        self._tokens = self._capacity
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    async def acquire(self) -> None:
        """Wait for a token; callers get theirs in the order they asked."""
        async with self._lock:
            self._refill()
            if self._tokens < 1:
                await asyncio.sleep((1 - self._tokens) / self._rate)
                self._refill()
            self._tokens -= 1
