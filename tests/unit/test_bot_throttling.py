from __future__ import annotations

from bot.middlewares.throttling import ThrottleLimits, ThrottlingMiddleware


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_rate_then_one_note_per_streak() -> None:
    clock = Clock()
    throttle = ThrottlingMiddleware(ThrottleLimits(burst=3, rate=2.0), clock=clock)
    assert [throttle.allow(1) for _ in range(3)] == [(True, False)] * 3
    assert throttle.allow(1) == (False, True)  # the first refusal carries the note
    assert throttle.allow(1) == (False, False)  # later ones are silent
    assert throttle.allow(2) == (True, False)  # other users are not affected
    clock.now = 0.5  # one token back at 2 per second
    assert throttle.allow(1) == (True, False)
    assert throttle.allow(1) == (False, True)  # a new streak gets a new note
