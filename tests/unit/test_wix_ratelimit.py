"""The client-side token bucket: window bound, steady pace, FIFO order, one sleep per wait."""

from __future__ import annotations

import asyncio
import time

import pytest

from integrations.wix.ratelimit import RateLimit, TokenBucket


async def test_no_window_admits_more_than_the_limit_and_the_pace_holds() -> None:
    limit = RateLimit(requests=10, per_seconds=0.1, burst=2)
    bucket = TokenBucket(limit)
    started = time.monotonic()
    stamps = []
    for _ in range(22):
        await bucket.acquire()
        stamps.append(time.monotonic())

    assert stamps[1] - started < 0.01  # the burst goes at once
    assert stamps[-1] - started >= (22 - 2) / limit.refill_per_second * 0.95
    busiest = max(sum(1 for t in stamps if start <= t < start + limit.per_seconds - 1e-3) for start in stamps)
    assert busiest <= limit.requests


async def test_waiters_are_served_in_arrival_order_with_one_sleep_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bucket = TokenBucket(RateLimit(requests=40, per_seconds=0.2, burst=1))
    sleeps = []
    real_sleep = asyncio.sleep

    async def counting_sleep(delay: float, *args: object) -> None:
        sleeps.append(delay)
        await real_sleep(delay)

    served: list[int] = []

    async def worker(number: int) -> None:
        await bucket.acquire()
        served.append(number)

    monkeypatch.setattr(asyncio, "sleep", counting_sleep)
    await asyncio.gather(*(worker(number) for number in range(8)))

    assert served == list(range(8))
    assert len(sleeps) == 7  # everyone after the burst sleeps exactly once: no polling


def test_limits_are_validated_and_defaults_sensible() -> None:
    default = RateLimit()
    assert (default.requests, default.per_seconds, default.bucket_size) == (200, 60.0, 10)
    assert default.bucket_size + default.refill_per_second * default.per_seconds == pytest.approx(200)
    for bad in ({"requests": 0}, {"per_seconds": 0}, {"requests": 5, "burst": 6}, {"burst": 0}):
        with pytest.raises(ValueError):
            RateLimit(**bad)
