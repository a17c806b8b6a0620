"""Timing and limits of the background work, read from the settings once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Protocol
from zoneinfo import ZoneInfo


class SchedulingSettings(Protocol):
    """The part of `bot.settings.Settings` the scheduler reads (the scheduler never imports bot/)."""

    allegro_poll_seconds: int
    stock_push_seconds: int
    wix_orders_seconds: int
    wix_reconcile_seconds: int
    token_refresh_seconds: int
    low_stock_threshold: int
    digest_time: time

    @property
    def zone(self) -> ZoneInfo: ...


@dataclass(frozen=True, slots=True)
class RunnerConfig:
    # Order import period per channel name; a channel not listed uses `default_orders_seconds`.
    orders_seconds: dict[str, float] = field(default_factory=lambda: {"allegro": 60.0, "wix": 300.0})
    default_orders_seconds: float = 60.0
    stock_push_seconds: float = 30.0
    # Full reconcile period per channel name; channels not listed reconcile only on /sync.
    reconcile_seconds: dict[str, float] = field(default_factory=lambda: {"wix": 3600.0})
    token_refresh_seconds: float = 3600.0
    jobs_refresh_seconds: float = 60.0
    digest_time: time = time(8, 0)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Warsaw"))
    low_stock_threshold: int = 2

    push_debounce_seconds: float = 1.0
    misfire_grace_seconds: int = 30
    stop_grace_seconds: float = 20.0
    leader_retry_seconds: float = 5.0
    leader_check_seconds: float = 5.0
    keep_runs_days: int = 30

    alerts_per_minute: int = 10
    alert_window_seconds: float = 60.0
    alert_dedup_seconds: float = 3600.0
    # Low stock and "reconnect this account": repeated at most this often while the condition lasts.
    reminder_seconds: float = 24 * 3600.0

    @classmethod
    def from_settings(cls, settings: SchedulingSettings, **overrides: object) -> RunnerConfig:
        values: dict[str, object] = {
            "orders_seconds": {
                "allegro": float(settings.allegro_poll_seconds),
                "wix": float(settings.wix_orders_seconds),
            },
            "stock_push_seconds": float(settings.stock_push_seconds),
            "reconcile_seconds": {"wix": float(settings.wix_reconcile_seconds)},
            "token_refresh_seconds": float(settings.token_refresh_seconds),
            "digest_time": settings.digest_time,
            "zone": settings.zone,
            "low_stock_threshold": settings.low_stock_threshold,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def orders_period(self, channel: str) -> float:
        return self.orders_seconds.get(channel, self.default_orders_seconds)
