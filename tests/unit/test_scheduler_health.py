"""Failure streaks per target, secret scrubbing, and the digest's day bounds."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from scheduler.config import RunnerConfig
from scheduler.digest import yesterday_bounds
from scheduler.health import Health
from scheduler.scrub import describe, scrub

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_one_change_per_streak_even_when_several_jobs_fail_on_one_target() -> None:
    health = Health()
    began = health.failed("wix:1", "wix · shop", "wix-orders:1", "HTTP 500", T0)
    assert began is not None and began.failing and began.job_id == "wix-orders:1"
    assert health.failed("wix:1", "wix · shop", "stock-push", "HTTP 500", T0) is None
    assert health.failed("wix:1", "wix · shop", "stock-push", "HTTP 500", T0) is None
    # One job is well again, the other still fails: not recovered yet.
    assert health.succeeded("wix:1", "stock-push") is None
    recovered = health.succeeded("wix:1", "wix-orders:1")
    assert recovered is not None and not recovered.failing and recovered.since == T0
    assert health.succeeded("wix:1", "wix-orders:1") is None
    assert health.failing() == {}


def test_targets_are_independent_and_can_be_dropped() -> None:
    health = Health()
    assert health.failed("wix:1", "a", "j", "e", T0)
    assert health.failed("allegro:1", "b", "j", "e", T0)
    health.drop("wix:1")
    assert set(health.failing()) == {"allegro:1"}
    assert health.succeeded("wix:1", "j") is None


def test_scrub_removes_known_secrets_and_secret_shapes() -> None:
    text = (
        "POST https://user:hunter22@db/x failed: Authorization: Bearer abcdefghijklmnop "
        "access_token=XYZ123456 {'api_key': 'IST.secretkey'} "
        "https://api.telegram.org/bot123456789:AAFakeTelegramTokenForE2ETests/getMe "
        "my-own-secret-value"
    )
    cleaned = scrub(text, ["my-own-secret-value", "x"])
    for secret in ("hunter22", "abcdefghijklmnop", "XYZ123456", "IST.secretkey", "AAFakeTelegram", "my-own"):
        assert secret not in cleaned
    assert "***" in cleaned and "failed" in cleaned


def test_describe_is_one_line_with_the_type() -> None:
    error = RuntimeError("first line token=abcdef123\nsecond line")
    assert describe(error) == "RuntimeError: first line token=***"
    assert describe(TimeoutError()) == "TimeoutError"


def test_yesterday_follows_the_zone_and_returns_utc() -> None:
    zone = ZoneInfo("Europe/Warsaw")
    # 00:30 in Warsaw on 2 March is still 1 March in UTC: "yesterday" is 1 March in Warsaw.
    day, start, end = yesterday_bounds(datetime(2025, 3, 1, 23, 30, tzinfo=UTC), zone)
    assert day.isoformat() == "2025-03-01"
    assert start == datetime(2025, 2, 28, 23, 0, tzinfo=UTC)
    assert end == datetime(2025, 3, 1, 23, 0, tzinfo=UTC)
    assert start.tzinfo is UTC


def test_config_from_settings() -> None:
    class FakeSettings:
        allegro_poll_seconds = 1
        stock_push_seconds = 2
        wix_orders_seconds = 3
        wix_reconcile_seconds = 4
        token_refresh_seconds = 5
        low_stock_threshold = 6
        digest_time = time(7, 30)
        zone = ZoneInfo("UTC")

    config = RunnerConfig.from_settings(FakeSettings(), push_debounce_seconds=0.1)
    assert config.orders_period("allegro") == 1 and config.orders_period("wix") == 3
    assert config.orders_period("other") == config.default_orders_seconds
    assert config.stock_push_seconds == 2 and config.reconcile_seconds == {"wix": 4}
    assert config.digest_time == time(7, 30) and config.push_debounce_seconds == 0.1
