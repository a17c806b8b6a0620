"""Failure streaks per target (a channel account, or a job of its own), for the failure alerts.

Several jobs touch the same Wix site; when it is down they all fail. A target is failing while at least
one job fails on it: the first failure opens the streak (one alert), and it is recovered when every job
that failed on it has succeeded again (one message). A flapping job does not re-alert on every flip of
another one. When one job succeeds again the runner re-runs the others that still fail on the target
at once, so an hourly job does not hold the "recovered" message back for an hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class HealthChange:
    target: str
    label: str
    job_id: str
    failing: bool  # True: the streak began; False: recovered
    error: str | None
    since: datetime


@dataclass(slots=True)
class _Streak:
    label: str
    since: datetime
    jobs: dict[str, str] = field(default_factory=dict)  # job id -> last error
    failures: int = 0


class Health:
    def __init__(self) -> None:
        self._streaks: dict[str, _Streak] = {}

    def failed(self, target: str, label: str, job_id: str, error: str, now: datetime) -> HealthChange | None:
        streak = self._streaks.get(target)
        began = streak is None
        if streak is None:
            streak = self._streaks[target] = _Streak(label, now)
        streak.jobs[job_id] = error
        streak.failures += 1
        return HealthChange(target, label, job_id, True, error, streak.since) if began else None

    def succeeded(self, target: str, job_id: str) -> HealthChange | None:
        streak = self._streaks.get(target)
        if streak is None or job_id not in streak.jobs:
            return None
        del streak.jobs[job_id]
        if streak.jobs:
            return None
        del self._streaks[target]
        return HealthChange(target, streak.label, job_id, False, None, streak.since)

    def failing_jobs(self, target: str) -> list[str]:
        streak = self._streaks.get(target)
        return sorted(streak.jobs) if streak else []

    def drop(self, target: str) -> None:
        """Forget a target that is gone (an account removed or disabled): no recovery message."""
        self._streaks.pop(target, None)

    def failing(self) -> dict[str, tuple[str, int, datetime]]:
        """target -> (label, failures in the streak, since)."""
        return {target: (s.label, s.failures, s.since) for target, s in self._streaks.items()}
