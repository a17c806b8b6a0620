"""/sync's engine (one manual reconcile at a time, with progress) and the daily digest's numbers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from domain.channels import StockChannel
from domain.db import Database
from domain.models import JobRun, Operation, OperationType, WixInventorySync
from scheduler import runs
from scheduler.digest import build_digest
from scheduler.manual import MANUAL_SYNC_JOB, TargetState
from scheduler.runner import BackgroundRunner
from tests.fakes.stock_channel import FakeChannel, RecordingNotifier, eventually
from tests.integration.seed import ACTOR, add_channel_accounts, seed
from tests.integration.test_scheduler_runner import FAST, receive

ZONE = ZoneInfo("Europe/Warsaw")
Runners = Callable[[list[StockChannel]], BackgroundRunner]


@pytest.fixture
async def runners(db: Database) -> AsyncIterator[Runners]:
    made: list[BackgroundRunner] = []

    def make(channels: list[StockChannel]) -> BackgroundRunner:
        made.append(BackgroundRunner(db, channels, RecordingNotifier(), FAST))
        return made[-1]

    yield make
    for runner in made:
        await runner.stop()


async def test_one_manual_sync_at_a_time_with_progress_and_report(db: Database, runners: Runners) -> None:
    await add_channel_accounts(db)
    wix, allegro = FakeChannel("wix", db), FakeChannel("allegro", db)
    wix.reconcile_gate = asyncio.Event()
    allegro.reconcile_problems = {"MUG-2": "no offer", "CUP-1": "HTTP 422"}
    runner = runners([wix, allegro])
    refs = await runner.work.active()

    sync, started = runner.syncs.start(refs, started_by=42)
    assert started
    version = await sync.wait_change(0, within=5)
    await eventually(lambda: sync.targets[0].done == 1)
    assert sync.targets[0].state == TargetState.RUNNING and sync.targets[0].total == 5

    again, started_again = runner.syncs.start(refs[:1], started_by=43)
    assert again is sync and not started_again and runner.syncs.current is sync

    wix.reconcile_gate.set()
    await sync.wait_finished(5)
    assert sync.version > version and not sync.running
    assert [t.state for t in sync.targets] == [TargetState.DONE, TargetState.DONE]
    totals = sync.totals()
    assert (totals.checked, totals.unchanged, totals.failed) == (10, 8, 2)
    assert sorted(row[1] for row in sync.problems()) == ["CUP-1", "MUG-2"]
    assert runner.syncs.get(sync.id) is sync and runner.syncs.current is None

    async with db.sessions() as session:
        row = await session.scalar(select(JobRun).where(JobRun.job_id == MANUAL_SYNC_JOB))
    assert row is not None and row.status == runs.OK and row.counts["processed"] == 10


async def test_a_failing_account_is_reported_not_raised(db: Database, runners: Runners) -> None:
    await add_channel_accounts(db)
    wix = FakeChannel("wix", db)
    wix.fail["reconcile"] = RuntimeError("HTTP 503")
    runner = runners([wix])
    sync, _ = runner.syncs.start(await runner.work.active())
    await sync.wait_finished(5)
    assert sync.targets[0].state == TargetState.FAILED
    assert sync.problems() == [("wix · site", "—", "RuntimeError: HTTP 503")]


async def test_digest_counts_yesterday_in_the_configured_zone(db: Database) -> None:
    seeded = await seed(db, on_hand=10, sku="MUG-1")
    await receive(db, seeded.product_id, seeded.main)
    now = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)  # 08:00 in Warsaw on 2 June
    yesterday = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    ops = [
        (OperationType.SALE, "allegro:shop", -2, "A-1"),
        (OperationType.SALE, "allegro:shop", -1, "A-2"),
        (OperationType.RETURN, "allegro:shop", 1, "A-1"),
        (OperationType.SALE, "wix:site", -3, "W-1"),
        (OperationType.COUNT, "user:1", -2, None),
        (OperationType.WRITE_OFF, "user:1", -4, None),
    ]
    async with db.transaction() as session:
        for op_type, actor, delta, ref in ops:
            session.add(
                Operation(
                    type=op_type,
                    actor=actor,
                    product_id=seeded.product_id,
                    sku="MUG-1",
                    quantity_delta=delta,
                    external_ref=ref,
                    created_at=yesterday,
                )
            )
        # Outside the day: the day before, and 23:30 UTC on 1 June (already 2 June in Warsaw).
        session.add(
            Operation(
                type=OperationType.SALE,
                actor="wix:site",
                sku="X",
                quantity_delta=-9,
                created_at=yesterday - timedelta(days=1),
            )
        )
        session.add(
            Operation(
                type=OperationType.SALE,
                actor="wix:site",
                sku="X",
                quantity_delta=-9,
                created_at=datetime(2025, 6, 1, 22, 30, tzinfo=UTC),
            )
        )
        session.add(JobRun(job_id="stock-push", started_at=yesterday, status="failed"))
        session.add(JobRun(job_id="stock-push", started_at=yesterday, status="ok"))
        session.add(WixInventorySync(trigger="schedule", started_at=yesterday, status="failed"))
    async with db.transaction() as session:
        await session.execute(update(Operation).where(Operation.actor == ACTOR.label).values(created_at=now))

    async with db.sessions() as session:
        digest = await build_digest(session, now, ZONE, default_threshold=2)

    assert digest.day.isoformat() == "2025-06-01"
    sales = {s.channel: (s.sold, s.returned, s.orders) for s in digest.sales}
    assert sales == {"allegro": (3, 1, 2), "wix": (3, 0, 1)}
    assert digest.failed_jobs == {"stock-push": 1} and digest.failed_wix_syncs == 1
    assert (digest.counts, digest.count_delta, digest.write_offs, digest.written_off_units) == (1, -2, 1, 4)
    assert digest.stockouts == [] and digest.low == []
    params = digest.params()
    assert params["sales"] == "allegro: −3 / +1 (2)\nwix: −3 (1)"
    assert params["failed_count"] == 2 and params["count_delta"] == "-2"
