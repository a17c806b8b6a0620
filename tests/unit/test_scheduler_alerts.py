"""Alert dedup, rate limit with one overflow summary, and a notifier that fails."""

from __future__ import annotations

import pytest

from domain.notify import AlertKind
from scheduler.alerts import MUTABLE_KINDS, Alerts
from tests.fakes.stock_channel import RecordingNotifier, eventually


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_same_kind_and_key_is_sent_once_per_window(clock: Clock) -> None:
    notifier = RecordingNotifier()
    alerts = Alerts(notifier, dedup_seconds=60, clock=clock)

    assert await alerts.send(AlertKind.UNKNOWN_SKU, "alert-unknown-sku", key="wix:X", sku="X")
    assert not await alerts.send(AlertKind.UNKNOWN_SKU, "alert-unknown-sku", key="wix:X", sku="X")
    assert await alerts.send(AlertKind.UNKNOWN_SKU, "alert-unknown-sku", key="wix:Y", sku="Y")
    assert await alerts.send(AlertKind.OVERSELL, "alert-oversell", key="wix:X")  # another kind
    clock.now += 61
    assert await alerts.send(AlertKind.UNKNOWN_SKU, "alert-unknown-sku", key="wix:X", sku="X")

    assert [a.params.get("sku") for a in notifier.sent] == ["X", "Y", None, "X"]


async def test_forget_lets_the_next_one_through(clock: Clock) -> None:
    notifier = RecordingNotifier()
    alerts = Alerts(notifier, clock=clock)
    await alerts.send(AlertKind.LOW_STOCK, "alert-low-stock", key="7", dedup_seconds=86400)
    alerts.forget(AlertKind.LOW_STOCK, "7")
    assert await alerts.send(AlertKind.LOW_STOCK, "alert-low-stock", key="7", dedup_seconds=86400)


async def test_overflow_is_held_and_summarised_in_one_message() -> None:
    notifier = RecordingNotifier()
    alerts = Alerts(notifier, per_minute=3, window_seconds=0.3)

    sent = [await alerts.send(AlertKind.OVERSELL, "alert-oversell", key=str(i)) for i in range(8)]
    sent.append(await alerts.send(AlertKind.UNKNOWN_SKU, "alert-unknown-sku", key="a"))

    assert sent == [True] * 3 + [False] * 6
    assert alerts.held == {"oversell": 5, "unknown_sku": 1}
    await eventually(lambda: len(notifier.sent) == 4, seconds=3)
    summary = notifier.sent[-1]
    assert (summary.kind, summary.text_key) == (AlertKind.SUMMARY, "alert-summary")
    assert summary.params["count"] == 6
    assert "oversell × 5" in summary.params["kinds"] and "unknown_sku × 1" in summary.params["kinds"]
    assert alerts.held == {}
    # After the summary the budget refills with the window.
    await eventually(lambda: alerts._take_slot(alerts._clock()) or None, seconds=3)


async def test_unlimited_alerts_bypass_the_rate(clock: Clock) -> None:
    notifier = RecordingNotifier()
    alerts = Alerts(notifier, per_minute=1, clock=clock)
    await alerts.send(AlertKind.OVERSELL, "alert-oversell")
    assert await alerts.send(AlertKind.DIGEST, "alert-digest", limited=False)
    assert notifier.texts() == ["alert-oversell", "alert-digest"]


async def test_close_flushes_the_held_ones(clock: Clock) -> None:
    notifier = RecordingNotifier()
    alerts = Alerts(notifier, per_minute=1, clock=clock)
    await alerts.send(AlertKind.OVERSELL, "alert-oversell")
    await alerts.send(AlertKind.OVERSELL, "alert-oversell")
    await alerts.close()
    assert notifier.texts() == ["alert-oversell", "alert-summary"]


async def test_a_failing_notifier_does_not_raise(clock: Clock) -> None:
    alerts = Alerts(RecordingNotifier(broken=True), clock=clock)
    assert await alerts.send(AlertKind.JOB_FAILED, "alert-job-failed")


def test_the_summary_cannot_be_muted() -> None:
    assert AlertKind.SUMMARY not in MUTABLE_KINDS
    assert {"job_failed", "token_reconnect", "unknown_sku", "oversell", "low_stock", "push_failed"} <= set(
        MUTABLE_KINDS
    )


async def test_the_channels_notifier_shares_dedup_and_rate(clock: Clock) -> None:
    notifier = RecordingNotifier()
    alerts = Alerts(notifier, per_minute=2, clock=clock)
    channel_side = alerts.as_notifier()

    await channel_side.alert("oversell", "alert-allegro-oversell", sku="A", shortage=1)
    await channel_side.alert("oversell", "alert-allegro-oversell", sku="A", shortage=1)  # duplicate
    await channel_side.alert("oversell", "alert-allegro-oversell", sku="B", shortage=1)
    await alerts.send(AlertKind.LOW_STOCK, "alert-low-stock", key="1")  # over the shared rate

    assert [a.params.get("sku") for a in notifier.sent] == ["A", "B"]
    assert alerts.held == {"low_stock": 1}
