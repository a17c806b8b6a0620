"""The background runner against a real database, with fake channels and a recording notifier."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from domain.channels import AccountRef, StockChannel
from domain.db import Database
from domain.inventory import Inventory
from domain.models import AccountState, JobRun, Product, WixAccount
from scheduler import runs
from scheduler.config import RunnerConfig
from scheduler.runner import STOCK_PUSH, BackgroundRunner
from tests.fakes.stock_channel import FakeChannel, PendingSale, RecordingNotifier, eventually
from tests.integration.seed import ACTOR, add_channel_accounts, outbox, seed

SECRET = "wix-api-key-that-must-not-leak"

FAST = RunnerConfig(
    orders_seconds={"allegro": 3600.0, "wix": 3600.0},
    stock_push_seconds=3600.0,
    reconcile_seconds={"wix": 3600.0},
    token_refresh_seconds=3600.0,
    push_debounce_seconds=0.2,
    stop_grace_seconds=5.0,
    leader_retry_seconds=0.2,
    leader_check_seconds=0.5,
)

REMINDER = 0.3
MakeRunner = Callable[..., BackgroundRunner]


@pytest.fixture
async def make_runner(db: Database) -> AsyncIterator[MakeRunner]:
    started: list[BackgroundRunner] = []

    def make(channels: list[StockChannel], config: RunnerConfig = FAST, **kw: object) -> BackgroundRunner:
        runner = BackgroundRunner(db, channels, kw.pop("notifier", RecordingNotifier()), config, **kw)  # type: ignore[arg-type]
        started.append(runner)
        return runner

    yield make
    for runner in started:
        await runner.stop()


async def job_runs(db: Database, job_id: str) -> list[JobRun]:
    async with db.sessions() as session:
        return list(await session.scalars(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)))


async def receive(db: Database, product_id: int, warehouse_id: int, quantity: int = 1) -> None:
    async with db.transaction() as session:
        await Inventory(session).receive(ACTOR, product_id, warehouse_id, quantity)


async def test_orders_jobs_run_on_their_period_and_are_recorded(
    db: Database, make_runner: MakeRunner
) -> None:
    _allegro_id, wix_id = await add_channel_accounts(db)
    wix = FakeChannel("wix", db)
    runner = make_runner([wix], replace(FAST, orders_seconds={"wix": 0.3}))
    await runner.start()
    assert await runner.wait_leader(5)

    await eventually(lambda: wix.count("pull", wix_id) >= 3, seconds=5)
    pulls = [c.at for c in wix.calls if c.method == "pull" and c.account_id == wix_id]
    gaps = [b - a for a, b in itertools.pairwise(pulls)]
    # The push job imports Wix orders too; the orders job alone keeps the 0.3 s rhythm.
    assert max(gaps) < 1.0
    assert f"wix-orders:{wix_id}" in runner.scheduled()
    # The disabled / needs-reconnect accounts get no jobs.
    assert [job for job in runner.scheduled() if "-orders:" in job] == [f"wix-orders:{wix_id}"]

    async def finished_runs() -> list[JobRun]:
        return [row for row in await job_runs(db, f"wix-orders:{wix_id}") if row.status == runs.OK]

    finished = await eventually(finished_runs, seconds=5)
    assert finished[0].finished_at is not None and finished[0].error is None
    assert finished[0].counts == {"processed": 0, "changed": 0, "failed": 0, "stock_changed": False}


async def test_restart_pushes_the_backlog_at_once(db: Database, make_runner: MakeRunner) -> None:
    _allegro_id, wix_id = await add_channel_accounts(db)
    seeded = await seed(db, on_hand=5)
    assert await outbox(db)  # written with the stock, before any runner exists
    wix, allegro = FakeChannel("wix", db), FakeChannel("allegro", db)
    runner = make_runner([wix, allegro])  # push period: one hour
    await runner.start()

    await eventually(lambda: _empty(db), seconds=5)
    assert wix.pushed[(wix_id, seeded.product_id)] == 5
    assert allegro.count("push") == 1


async def _empty(db: Database) -> bool:
    return not await outbox(db)


async def test_a_stock_change_wakes_the_push_once_per_burst(db: Database, make_runner: MakeRunner) -> None:
    _allegro_id, wix_id = await add_channel_accounts(db)
    seeded = await seed(db, on_hand=1)
    wix = FakeChannel("wix", db)
    runner = make_runner([wix, FakeChannel("allegro", db)], replace(FAST, push_debounce_seconds=1.0))
    await runner.start()
    await eventually(lambda: _empty(db))
    pushes_before = wix.count("push")

    for _ in range(5):
        await receive(db, seeded.product_id, seeded.main)
    await eventually(lambda: _empty(db), seconds=3)
    await eventually(lambda: wix.pushed[(wix_id, seeded.product_id)] == 6, seconds=3)
    await asyncio.sleep(0.5)  # let a (wrong) second run show up
    assert wix.count("push") - pushes_before == 1
    assert runner.scheduled()[STOCK_PUSH] is not None  # the period stays as the safety net


async def test_a_change_during_a_push_gets_its_own_run(db: Database, make_runner: MakeRunner) -> None:
    _allegro_id, wix_id = await add_channel_accounts(db)
    seeded = await seed(db, on_hand=1)
    wix = FakeChannel("wix", db)
    runner = make_runner([wix, FakeChannel("allegro", db)])
    await runner.start()
    await eventually(lambda: _empty(db))

    # The sale arrives through the pull that precedes the push: it commits during the push run.
    wix.sales.append(PendingSale(seeded.product_id, seeded.main, 1, "W-1"))
    await receive(db, seeded.product_id, seeded.main, 2)
    await eventually(lambda: wix.pushed.get((wix_id, seeded.product_id)) == 2, seconds=3)
    # Allegro's push ran alongside the Wix import: the sale's Allegro row needs (and gets) a rerun,
    # without waiting for the hour-long period.
    await eventually(lambda: _empty(db), seconds=3)


async def test_failure_streak_alerts_once_then_recovers_once(db: Database, make_runner: MakeRunner) -> None:
    _allegro_id, wix_id = await add_channel_accounts(db)
    wix = FakeChannel("wix", db)
    wix.fail["pull"] = RuntimeError(f"HTTP 500 from Wix (key {SECRET})")
    notifier = RecordingNotifier()
    config = replace(FAST, orders_seconds={"wix": 0.2})
    runner = make_runner([wix], config, notifier=notifier, secrets=[SECRET])
    await runner.start()

    async def three_failed_runs() -> bool:
        return sum(row.status == runs.FAILED for row in await job_runs(db, f"wix-orders:{wix_id}")) >= 3

    await eventually(three_failed_runs, seconds=5)
    del wix.fail["pull"]
    await eventually(lambda: "alert-job-recovered" in notifier.texts(), seconds=5)

    assert notifier.texts().count("alert-job-failed") == 1
    assert notifier.texts().count("alert-job-recovered") == 1
    failed = next(a for a in notifier.sent if a.text_key == "alert-job-failed")
    assert failed.kind == "job_failed" and failed.params["target"] == "wix · site"
    assert SECRET not in str(failed.params) and "HTTP 500" in failed.params["error"]

    rows = await job_runs(db, f"wix-orders:{wix_id}")
    statuses = [row.status for row in rows if row.status != runs.RUNNING]
    assert statuses[:3] == [runs.FAILED] * 3 and runs.OK in statuses
    assert all(SECRET not in (row.error or "") for row in rows)
    assert "HTTP 500" in (rows[0].error or "")
    snapshot = await runner.status()
    job = next(j for j in snapshot.jobs if j.job_id == f"wix-orders:{wix_id}")
    assert job.failure_streak == 0 and job.last is not None


async def test_failed_items_are_counted_and_retry_runs_at_once(db: Database, make_runner: MakeRunner) -> None:
    await add_channel_accounts(db)
    await seed(db, on_hand=3)
    wix = FakeChannel("wix", db, push_failed_items=2)
    runner = make_runner([wix, FakeChannel("allegro", db)])
    await runner.start()

    async def counted() -> bool:
        return any(row.counts.get("failed") == 2 for row in await job_runs(db, STOCK_PUSH))

    await eventually(counted)
    pushes = wix.count("push")
    runner.push_now()  # the Retry button under the channel's alert
    await eventually(lambda: wix.count("push") > pushes)


async def test_a_sale_to_zero_alerts_out_of_stock(db: Database, make_runner: MakeRunner) -> None:
    await add_channel_accounts(db)
    seeded = await seed(db, on_hand=3)
    wix = FakeChannel("wix", db)
    notifier = RecordingNotifier()
    runner = make_runner([wix, FakeChannel("allegro", db)], notifier=notifier)
    await runner.start()
    await eventually(lambda: _empty(db))

    wix.sales.append(PendingSale(seeded.product_id, seeded.main, 5, "W-9"))  # 3 on hand: all of them go
    runner.push_now()

    low = await eventually(lambda: next((a for a in notifier.sent if a.kind == "low_stock"), None))
    assert low.text_key == "alert-out-of-stock" and low.params["sku"] == "MUG-1"
    assert low.params["available"] == 0 and low.params["threshold"] == FAST.low_stock_threshold
    await asyncio.sleep(0.3)
    runner.push_now()
    await asyncio.sleep(0.3)
    assert [a.kind for a in notifier.sent].count("low_stock") == 1  # not repeated within a day


async def test_per_product_threshold_wins_over_the_default(db: Database, make_runner: MakeRunner) -> None:
    seeded = await seed(db, on_hand=10)
    async with db.transaction() as session:
        await session.execute(update(Product).values(low_stock_threshold=20))
    notifier = RecordingNotifier()
    runner = make_runner([], notifier=notifier)
    await runner.start()
    await runner.wait_leader(5)
    await receive(db, seeded.product_id, seeded.main)
    alert = await eventually(lambda: next((a for a in notifier.sent if a.kind == "low_stock"), None))
    assert alert.text_key == "alert-low-stock" and alert.params["available"] == 11
    assert alert.params["threshold"] == 20


async def test_accounts_added_and_removed_at_runtime(db: Database, make_runner: MakeRunner) -> None:
    wix = FakeChannel("wix", db)
    notifier = RecordingNotifier()
    runner = make_runner([wix], replace(FAST, reminder_seconds=REMINDER), notifier=notifier)
    await runner.start()
    assert await runner.wait_leader(5)
    assert not [job for job in runner.scheduled() if "-orders:" in job]

    async with db.transaction() as session:
        account = WixAccount(name="new", site_id="s-9", api_key=SECRET, state=AccountState.ACTIVE)
        session.add(account)
        await session.flush()
        account_id = account.id
    await runner.refresh_jobs()
    assert f"wix-orders:{account_id}" in runner.scheduled()
    await eventually(lambda: wix.count("pull", account_id) >= 1)  # new account: first run at once

    async with db.transaction() as session:
        await session.execute(update(WixAccount).values(state=AccountState.NEEDS_RECONNECT))
    await runner.refresh_jobs()
    assert f"wix-orders:{account_id}" not in runner.scheduled()
    # The channel alerted when it happened; the runner only reminds once a reminder period has passed.
    assert [a for a in notifier.sent if a.kind == "token_reconnect"] == []
    await asyncio.sleep(REMINDER + 0.05)
    await runner.refresh_jobs()
    await runner.refresh_jobs()
    reconnect = [a for a in notifier.sent if a.kind == "token_reconnect"]
    assert len(reconnect) == 1 and reconnect[0].params["account_id"] == account_id
    assert reconnect[0].text_key == "alert-reconnect"


async def test_interval_jobs_keep_their_rhythm_across_restarts(db: Database, make_runner: MakeRunner) -> None:
    wix = FakeChannel("wix", db)
    async with db.transaction() as session:
        session.add(
            JobRun(job_id="wix-reconcile", started_at=datetime.now(UTC) - timedelta(minutes=10), status="ok")
        )
    runner = make_runner([wix])
    await runner.start()
    assert await runner.wait_leader(5)
    next_reconcile = runner.scheduled()["wix-reconcile"]
    assert next_reconcile is not None
    remaining = (next_reconcile - datetime.now(UTC)).total_seconds()
    assert 2990 < remaining < 3010  # an hour after the last run, not an hour after the restart
    await eventually(lambda: job_runs(db, "token-refresh"))  # never ran before: runs at start


async def test_stop_lets_a_running_job_finish(db: Database, make_runner: MakeRunner) -> None:
    await add_channel_accounts(db)
    wix = FakeChannel("wix", db)
    gate = asyncio.Event()
    wix.reconcile_gate = gate
    config = replace(FAST, reconcile_seconds={"wix": 0.1})
    runner = make_runner([wix], config)
    await runner.start()
    await eventually(lambda: wix.count("reconcile") == 1)

    stopping = asyncio.create_task(runner.stop())
    await asyncio.sleep(0.1)
    assert not stopping.done()  # waiting for the reconcile
    gate.set()
    await asyncio.wait_for(stopping, 5)
    rows = await job_runs(db, "wix-reconcile")
    assert [row.status for row in rows] == [runs.OK]
    assert rows[0].counts["processed"] == 5
    assert not runner.is_leader and runner.scheduled() == {}


async def test_a_stale_running_row_is_marked_interrupted(db: Database, make_runner: MakeRunner) -> None:
    run_id = await runs.start_run(db, "wix-reconcile")
    runner = make_runner([])
    await runner.start()
    assert await runner.wait_leader(5)
    async with db.sessions() as session:
        row = await session.get(JobRun, run_id)
        assert row is not None and row.status == runs.INTERRUPTED


async def test_a_missed_digest_is_sent_at_start_and_old_runs_pruned(
    db: Database, make_runner: MakeRunner
) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        session.add(JobRun(job_id="daily-digest", started_at=now - timedelta(days=2), status="ok"))
        session.add(JobRun(job_id="stock-push", started_at=now - timedelta(days=40), status="ok"))
    notifier = RecordingNotifier()
    runner = make_runner([], notifier=notifier)
    await runner.start()

    digest = await eventually(lambda: next((a for a in notifier.sent if a.kind == "digest"), None))
    assert digest.text_key == "alert-digest"
    assert {"day", "sales", "stockouts", "failed", "counts", "write_offs"} <= set(digest.params)

    async def pruned() -> bool:
        return all(
            row.started_at.replace(tzinfo=UTC) > now - timedelta(days=31)
            for row in await job_runs(db, STOCK_PUSH)
        )

    await eventually(pruned)
    scheduled = runner.scheduled()["daily-digest"]
    assert scheduled is not None and scheduled > now  # then daily at DIGEST_TIME


@dataclass
class GatedAccounts(FakeChannel):
    """Reading the accounts waits for `gate` once it is set up (a slow read to cancel the caller in)."""

    gate: asyncio.Event | None = None
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    finished: bool = False

    async def accounts(self) -> list[AccountRef]:
        gate, self.gate = self.gate, None  # the first read after it is set up waits, no other
        if gate is None:
            return await super().accounts()
        self.entered.set()
        await gate.wait()
        refs = await super().accounts()
        self.finished = True
        return refs


async def test_a_cancelled_caller_does_not_cut_the_refresh_after_an_account_change_short(
    db: Database, make_runner: MakeRunner
) -> None:
    """The connect task of the bot is cancelled when the bot stops, maybe while its refresh reads the
    accounts: the refresh goes on (a session cut off mid-query can keep SQLite's write lock) and
    `stop` waits for it."""
    await add_channel_accounts(db)
    channel = GatedAccounts("allegro", db)
    runner = make_runner([channel])
    await runner.start()
    assert await runner.wait_leader(5)
    await eventually(lambda: channel.count("push"))  # the start-up push has read the accounts
    gate = channel.gate = asyncio.Event()

    caller = asyncio.create_task(runner.refresh_jobs_after_change())
    await asyncio.wait_for(channel.entered.wait(), 5)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    stopping = asyncio.create_task(runner.stop())
    gate.set()
    await asyncio.wait_for(stopping, 10)
    assert channel.finished
