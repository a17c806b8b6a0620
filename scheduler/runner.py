"""The background runner: leadership, the APScheduler job table, fast stock pushes, run records, alerts.

One `BackgroundRunner` lives in every bot process. It keeps trying to become the leader (see
`scheduler.leader`); while it leads, an `AsyncIOScheduler` on the bot's event loop runs the jobs:

| id | trigger | what |
| --- | --- | --- |
| `<channel>-orders:<account id>` | per channel period | import the account's new orders |
| `stock-push` | STOCK_PUSH_SECONDS, and ~1 s after every stock change | import Wix sales, then push levels |
| `<channel>-reconcile` | per channel period (Wix) | full compare and repair |
| `token-refresh` | TOKEN_REFRESH_SECONDS | refresh credentials before they expire |
| `daily-digest` | DIGEST_TIME in TIMEZONE | yesterday in numbers |
| `jobs-refresh` | every minute | add/remove account jobs, reconnect reminders |
| `job-runs-prune` | daily | forget old run records |

Every run is recorded in `job_runs`; failures are tracked per target (see `scheduler.health`) and
alerted once per streak. An instance that is not the leader answers chat only; its stock changes reach
the leader as a PostgreSQL notification, so the push still starts within a second or two.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from domain.channels import AccountRef, RunCounts, StockChannel
from domain.db import Database
from domain.models import AccountState, AllegroAccount, WixAccount
from domain.notify import AlertKind, Notifier
from scheduler import runs
from scheduler.alerts import Alerts
from scheduler.config import RunnerConfig
from scheduler.digest import build_digest
from scheduler.health import Health, HealthChange
from scheduler.leader import LeaderLock, leader_lock_for
from scheduler.manual import ManualSyncs
from scheduler.status import StatusSnapshot, collect_status
from scheduler.watch import low_stock
from scheduler.work import ChannelWork, TargetResult, label_of, merge_counts, target_of

log = logging.getLogger(__name__)

STOCK_PUSH = "stock-push"
TOKEN_REFRESH = "token-refresh"
DAILY_DIGEST = "daily-digest"
JOBS_REFRESH = "jobs-refresh"
RUNS_PRUNE = "job-runs-prune"
LOW_STOCK_TARGET = "low-stock"
ORDERS_INFIX = "-orders:"
SIGNAL_STOCK = "stock"
SIGNAL_JOBS = "jobs"
MAX_SIGNALLED_IDS = 500

Body = Callable[[], Awaitable[list[TargetResult]]]


class _Push(Enum):
    IDLE = "idle"
    SCHEDULED = "scheduled"
    RUNNING = "running"


def build_alerts(notifier: Notifier, config: RunnerConfig) -> Alerts:
    """The one guarded alert path: give `alerts.as_notifier()` to the channels, `alerts` to the runner."""
    return Alerts(
        notifier,
        per_minute=config.alerts_per_minute,
        window_seconds=config.alert_window_seconds,
        dedup_seconds=config.alert_dedup_seconds,
    )


def orders_job_id(ref: AccountRef) -> str:
    return f"{ref.channel}{ORDERS_INFIX}{ref.account_id}"


def reconcile_job_id(channel: str) -> str:
    return f"{channel}-reconcile"


class BackgroundRunner:
    def __init__(
        self,
        db: Database,
        channels: Sequence[StockChannel],
        alerts: Alerts | Notifier,
        config: RunnerConfig | None = None,
        *,
        lock: LeaderLock | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        """`alerts`: the guarded alerts shared with the channels (`build_alerts`), or a bare notifier."""
        self.db = db
        self.config = config or RunnerConfig()
        self.lock = lock or leader_lock_for(db.url, check_seconds=self.config.leader_check_seconds)
        self.alerts = alerts if isinstance(alerts, Alerts) else build_alerts(alerts, self.config)
        self._static_secrets = {s for s in secrets if s}
        self._account_secrets: set[str] = set()
        self.work = ChannelWork(
            db,
            channels,
            on_stock_changed=self.wake_push,
            secrets=lambda: self._static_secrets | self._account_secrets,
        )
        self.syncs = ManualSyncs(db, self.work)
        self.health = Health()
        self.is_leader = False
        self._scheduler: AsyncIOScheduler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._leading: asyncio.Task[None] | None = None
        self._job_tasks: set[asyncio.Task[Any]] = set()
        self._side_tasks: set[asyncio.Task[Any]] = set()
        self._refresh_lock = asyncio.Lock()
        self._refs: dict[str, AccountRef] = {}
        self._reconnect_since: dict[str, float] = {}
        self._changed_products: set[int] = set()
        self._push = _Push.IDLE
        self._push_again = False
        self._wake_handle: asyncio.TimerHandle | None = None
        self._became_leader = asyncio.Event()
        self._stopped = False

    @property
    def channels(self) -> dict[str, StockChannel]:
        return self.work.channels

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Begin competing for leadership; returns at once (jobs start when the lock is ours)."""
        self._loop = asyncio.get_running_loop()
        self._stopped = False
        self.db.on_stock_changed(self._on_stock_changed)
        self.lock.on_signal(self._on_signal)
        log.info("background jobs: %s", self.lock.description)
        self._leading = self._loop.create_task(self._lead(), name="background-leader")

    async def wait_leader(self, within: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._became_leader.wait(), within)
        return self.is_leader

    async def stop(self) -> None:
        """Stop taking new runs, let running ones finish (bounded), release the lock."""
        if self._stopped:
            return
        self._stopped = True
        if self._leading is not None:
            self._leading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._leading
            self._leading = None
        await self._demote()
        await self.syncs.stop(self.config.stop_grace_seconds)
        await self._finish(self._side_tasks, "background task")
        await self.alerts.close()
        await self.lock.release()

    async def _lead(self) -> None:
        while True:
            if not await self.lock.acquire():
                await asyncio.sleep(self.config.leader_retry_seconds)
                continue
            try:
                await self._promote()
            except Exception:
                log.exception("could not start the background jobs; giving the lock back")
                await self._demote()
                await self.lock.release()
                await asyncio.sleep(self.config.leader_retry_seconds)
                continue
            await self.lock.wait_lost()
            await self._demote()
            # Our connection just failed: let a healthy instance take over before competing again.
            await asyncio.sleep(self.config.leader_retry_seconds * 3)

    async def _promote(self) -> None:
        log.info("this instance is the leader: starting the background jobs")
        self.is_leader = True
        interrupted = await runs.interrupt_stale_runs(self.db)
        if interrupted:
            log.warning("%d job runs of a previous leader were cut short", interrupted)
        scheduler = AsyncIOScheduler(
            timezone=self.config.zone,
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": self.config.misfire_grace_seconds,
            },
        )
        scheduler.add_listener(self._on_skipped, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
        scheduler.start()
        self._scheduler = scheduler
        await self._add_static_jobs()
        try:
            await self.refresh_jobs()
        except Exception as exc:  # e.g. a channel's start-up bootstrap: the jobs-refresh job retries
            log.error("accounts not read yet (%s); retried every minute", self.work.describe(exc))
        self._became_leader.set()
        # Whatever is in the outbox (written while no leader ran, or before a restart) goes out now.
        self._fire_push()

    async def _demote(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        was_leader, self.is_leader = self.is_leader, False
        self._became_leader.clear()
        if self._wake_handle is not None:
            self._wake_handle.cancel()
            self._wake_handle = None
        if scheduler is None:
            return
        if was_leader:
            log.info("stopping the background jobs")
        scheduler.pause()
        await self._finish(self._job_tasks, "job")
        scheduler.shutdown(wait=False)
        self._push, self._push_again = _Push.IDLE, False

    async def _finish(self, tasks: set[asyncio.Task[Any]], what: str) -> None:
        """Let `tasks` finish within the stop grace; cancel the rest and give them a moment to unwind.

        Cancelling is the last resort because it cuts database work short: on SQLite a session
        cancelled mid-query is closed without a rollback, and while the abandoned cursor lives the
        closed connection keeps its transaction, and the write lock, until the garbage collector
        happens to free it (every writer waits for the busy timeout meanwhile)."""
        if not tasks:
            return
        _done, pending = await asyncio.wait(set(tasks), timeout=self.config.stop_grace_seconds)
        for task in pending:
            log.warning("%s %s did not finish in time: cancelled", what, task.get_name())
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=5)

    # --- the job table -------------------------------------------------------------------------

    def scheduled(self) -> dict[str, datetime | None]:
        if self._scheduler is None:
            return {}
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    async def _first_runs(self, periods: dict[str, float]) -> dict[str, datetime]:
        """Continue each job's rhythm across restarts: run now only if its period has passed."""
        async with self.db.sessions() as session:
            last = await runs.last_started(session, periods)
        now = runs.utcnow()
        return {
            job_id: max(now, last[job_id] + timedelta(seconds=period)) if job_id in last else now
            for job_id, period in periods.items()
        }

    def _add(self, job_id: str, func: Callable[..., Awaitable[Any]], trigger: BaseTrigger, **kw: Any) -> None:
        assert self._scheduler is not None
        self._scheduler.add_job(func, trigger, id=job_id, name=job_id, replace_existing=True, **kw)

    async def _add_static_jobs(self) -> None:
        config = self.config
        periods = {
            STOCK_PUSH: config.stock_push_seconds,
            TOKEN_REFRESH: config.token_refresh_seconds,
            JOBS_REFRESH: config.jobs_refresh_seconds,
            RUNS_PRUNE: 24 * 3600.0,
        }
        for channel, seconds in config.reconcile_seconds.items():
            if channel in self.channels:
                periods[reconcile_job_id(channel)] = seconds
        first = await self._first_runs(periods)
        now = runs.utcnow()
        self._add(STOCK_PUSH, self._stock_push_job, IntervalTrigger(seconds=config.stock_push_seconds))
        self._add(
            TOKEN_REFRESH,
            self._job(TOKEN_REFRESH, self._token_refresh_body),
            IntervalTrigger(seconds=config.token_refresh_seconds),
            next_run_time=first[TOKEN_REFRESH],
        )
        self._add(
            JOBS_REFRESH,
            self._job(JOBS_REFRESH, self._jobs_refresh_body),
            IntervalTrigger(seconds=config.jobs_refresh_seconds),
            next_run_time=now + timedelta(seconds=config.jobs_refresh_seconds),
        )
        self._add(
            RUNS_PRUNE,
            self._job(RUNS_PRUNE, self._prune_body),
            IntervalTrigger(hours=24),
            next_run_time=first[RUNS_PRUNE],
        )
        for channel, seconds in config.reconcile_seconds.items():
            if channel in self.channels:
                job_id = reconcile_job_id(channel)
                self._add(
                    job_id,
                    self._job(job_id, lambda channel=channel: self.work.reconcile_channel(channel)),
                    IntervalTrigger(seconds=seconds),
                    next_run_time=first[job_id],
                )
        digest = CronTrigger(
            hour=config.digest_time.hour, minute=config.digest_time.minute, timezone=config.zone
        )
        self._add(
            DAILY_DIGEST,
            self._job(DAILY_DIGEST, self._digest_body),
            digest,
            next_run_time=await self._digest_first_run(digest),
        )

    async def _digest_first_run(self, trigger: CronTrigger) -> datetime:
        """Catch up on a digest missed while no instance was running (only if one ran before)."""
        now = runs.utcnow().astimezone(self.config.zone)
        due_today = now.replace(
            hour=self.config.digest_time.hour, minute=self.config.digest_time.minute, second=0, microsecond=0
        )
        latest_due = due_today if due_today <= now else due_today - timedelta(days=1)
        async with self.db.sessions() as session:
            last = (await runs.last_started(session, [DAILY_DIGEST])).get(DAILY_DIGEST)
        if last is not None and last < latest_due:
            return now
        upcoming = trigger.get_next_fire_time(None, now)
        assert upcoming is not None
        return upcoming

    async def refresh_jobs(self) -> None:
        """Bring the per-account jobs in line with the accounts (after a connect, and every minute).

        On an instance that is not the leader, this asks the leader to do it.
        """
        if not self.is_leader:
            await self.lock.signal(SIGNAL_JOBS)
            return
        async with self._refresh_lock:
            refs = await self.work.accounts()
            await self._load_account_secrets()
            self._sync_account_jobs(refs, await self._orders_first_runs(refs))
            await self._reconnect_reminders(refs)

    async def refresh_jobs_after_change(self) -> None:
        """`refresh_jobs` for a caller whose account change is already saved (a connect, a site added
        or disabled): its jobs follow now, and a failure is only logged, since the minutely refresh
        catches up.

        The refresh is the runner's own task, which `stop` lets finish: a caller cancelled meanwhile
        (a Cancel button, the bot stopping) returns at once without cutting its reads short (`_finish`
        says why that matters)."""
        await asyncio.shield(self._spawn(self._refresh_after_change()))

    async def _refresh_after_change(self) -> None:
        try:
            await self.refresh_jobs()
        except Exception as exc:
            log.error("background jobs were not refreshed after an account change (%s)", type(exc).__name__)

    async def _orders_first_runs(self, refs: list[AccountRef]) -> dict[str, datetime]:
        periods = {orders_job_id(ref): self.config.orders_period(ref.channel) for ref in refs}
        return await self._first_runs(periods) if periods else {}

    def _sync_account_jobs(self, refs: list[AccountRef], first: dict[str, datetime]) -> None:
        scheduler = self._scheduler
        if scheduler is None:
            return
        wanted = {orders_job_id(ref): ref for ref in refs if ref.state == AccountState.ACTIVE}
        self._refs = {target_of(ref): ref for ref in refs}
        for job in scheduler.get_jobs():
            if ORDERS_INFIX in job.id and job.id not in wanted:
                log.info("removing job %s", job.id)
                scheduler.remove_job(job.id)
        present = {job.id for job in scheduler.get_jobs()}
        for job_id, ref in wanted.items():
            if job_id in present:
                continue
            log.info("adding job %s", job_id)
            self._add(
                job_id,
                self._job(job_id, self._orders_body, ref.channel, ref.account_id),
                IntervalTrigger(seconds=self.config.orders_period(ref.channel)),
                next_run_time=first[job_id],
            )
        for target in list(self.health.failing()):
            if ":" in target and target not in {target_of(ref) for ref in wanted.values()}:
                self.health.drop(target)

    async def _load_account_secrets(self) -> None:
        """Tokens and keys of the connected accounts: scrubbed from every stored or sent error."""
        async with self.db.sessions() as session:
            allegro = await session.execute(select(AllegroAccount.access_token, AllegroAccount.refresh_token))
            wix = await session.scalars(select(WixAccount.api_key))
            self._account_secrets = {s for row in allegro.all() for s in row if s} | {s for s in wix if s}

    async def _reconnect_reminders(self, refs: list[AccountRef]) -> None:
        """The channel alerts once when an account must be connected again; this reminds daily after."""
        now = time.monotonic()
        waiting = {target_of(ref): ref for ref in refs if ref.state == AccountState.NEEDS_RECONNECT}
        self._reconnect_since = {target: self._reconnect_since.get(target, now) for target in waiting}
        for target, ref in waiting.items():
            if now - self._reconnect_since[target] < self.config.reminder_seconds:
                continue
            await self.alerts.send(
                AlertKind.RECONNECT,
                "alert-reconnect",
                key=target,
                dedup_seconds=self.config.reminder_seconds,
                channel=ref.channel,
                account_id=ref.account_id,
                account=label_of(ref),
            )

    # --- running a job -------------------------------------------------------------------------

    def _job(self, job_id: str, body: Callable[..., Awaitable[list[TargetResult]]], *args: Any) -> Any:
        async def run() -> None:
            await self._execute(job_id, lambda: body(*args))

        run.__name__ = run.__qualname__ = job_id
        return run

    async def _execute(self, job_id: str, body: Body) -> list[TargetResult]:
        """Run one job: its run record, its failures per target, its alerts. Never raises."""
        task = asyncio.current_task()
        if task is not None:
            self._job_tasks.add(task)
        try:
            try:
                run_id = await runs.start_run(self.db, job_id)
            except Exception as exc:
                log.error("job %s not started: cannot record the run (%s)", job_id, self.work.describe(exc))
                return []
            try:
                results = await body()
            except asyncio.CancelledError:
                await asyncio.shield(
                    runs.finish_run(self.db, run_id, status=runs.INTERRUPTED, error="stopped during the run")
                )
                raise
            except Exception as exc:
                log.exception("job %s failed", job_id)
                results = [TargetResult(job_id, job_id, error=self.work.describe(exc))]
            else:
                results.append(TargetResult(job_id, job_id))
            await self._record(job_id, run_id, results)
            await self._track_health(job_id, results)
            return results
        finally:
            if task is not None:
                self._job_tasks.discard(task)

    async def _record(self, job_id: str, run_id: int, results: list[TargetResult]) -> None:
        failures = [r for r in results if r.error]
        error = "; ".join(f"{r.label}: {r.error}" for r in failures) or None
        try:
            await runs.finish_run(
                self.db,
                run_id,
                status=runs.FAILED if failures else runs.OK,
                counts=merge_counts(r.counts for r in results).as_dict(),
                error=error,
                secrets=self._static_secrets | self._account_secrets,
            )
        except Exception as exc:
            log.error("job %s: cannot record the run's outcome (%s)", job_id, self.work.describe(exc))

    async def _track_health(self, job_id: str, results: list[TargetResult]) -> None:
        now = runs.utcnow()
        for result in results:
            if result.error:
                change = self.health.failed(result.target, result.label, job_id, result.error, now)
            else:
                was_failing = job_id in self.health.failing_jobs(result.target)
                change = self.health.succeeded(result.target, job_id)
                if was_failing and change is None:
                    self._rerun_soon(self.health.failing_jobs(result.target))
            if change is not None:
                await self._alert_health(change, now)

    def _rerun_soon(self, job_ids: list[str]) -> None:
        """The target works again for one job: retry the others that failed on it now."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        for job_id in job_ids:
            if job_id == STOCK_PUSH:
                self._fire_push()
            elif scheduler.get_job(job_id) is not None:
                scheduler.modify_job(job_id, next_run_time=runs.utcnow())

    async def _alert_health(self, change: HealthChange, now: datetime) -> None:
        if change.failing:
            await self.alerts.send(
                AlertKind.JOB_FAILED,
                "alert-job-failed",
                target=change.label,
                job=change.job_id,
                error=change.error or "",
            )
        else:
            await self.alerts.send(
                AlertKind.JOB_FAILED,
                "alert-job-recovered",
                target=change.label,
                job=change.job_id,
                minutes=int((now - change.since).total_seconds() // 60),
            )

    # --- job bodies ----------------------------------------------------------------------------

    async def _orders_body(self, channel: str, account_id: int) -> list[TargetResult]:
        ref = self._refs.get(f"{channel}:{account_id}")
        if ref is None or ref.state != AccountState.ACTIVE:
            return []
        return [await self.work.pull(ref)]

    async def _stock_push_job(self) -> None:
        while True:
            self._push, self._push_again = _Push.RUNNING, False
            try:
                await self._execute(STOCK_PUSH, self._push_body)
            finally:
                self._push = _Push.IDLE
            if not self._push_again or self._scheduler is None:
                return

    async def _push_body(self) -> list[TargetResult]:
        results = await self.work.push_all()
        results.append(await self._low_stock_check())
        return results

    async def _low_stock_check(self) -> TargetResult:
        result = TargetResult(LOW_STOCK_TARGET, LOW_STOCK_TARGET)
        ids, self._changed_products = self._changed_products, set()
        if not ids:
            return result
        try:
            async with self.db.sessions() as session:
                low, fine = await low_stock(session, self.config.low_stock_threshold, ids)
        except Exception as exc:
            self._changed_products |= ids
            result.error = self.work.describe(exc)
            return result
        result.counts.processed = len(ids)
        for product_id in fine:
            self.alerts.forget(AlertKind.LOW_STOCK, str(product_id))
        for item in low:
            await self.alerts.send(
                AlertKind.LOW_STOCK,
                "alert-out-of-stock" if item.available <= 0 else "alert-low-stock",
                key=str(item.product_id),
                dedup_seconds=self.config.reminder_seconds,
                product_id=item.product_id,
                sku=item.sku,
                name=item.name,
                available=item.available,
                threshold=item.threshold,
            )
        return result

    async def _token_refresh_body(self) -> list[TargetResult]:
        results = await self.work.refresh_credentials()
        await self.refresh_jobs()  # a token that could not be refreshed: reminder at once
        return results

    async def _jobs_refresh_body(self) -> list[TargetResult]:
        await self.refresh_jobs()
        return []

    async def _digest_body(self) -> list[TargetResult]:
        async with self.db.sessions() as session:
            digest = await build_digest(
                session, runs.utcnow(), self.config.zone, self.config.low_stock_threshold
            )
        await self.alerts.send(AlertKind.DIGEST, "alert-digest", limited=False, **digest.params())
        return [TargetResult(DAILY_DIGEST, DAILY_DIGEST, RunCounts(processed=1))]

    async def _prune_body(self) -> list[TargetResult]:
        removed = await runs.prune_runs(self.db, keep_days=self.config.keep_runs_days)
        return [TargetResult(RUNS_PRUNE, RUNS_PRUNE, RunCounts(processed=removed, changed=removed))]

    # --- waking the push -----------------------------------------------------------------------

    def _on_stock_changed(self, product_ids: frozenset[int]) -> None:
        """Database hook (after every commit that changed stock): may run outside the loop thread."""
        if self._loop is None or self._stopped:
            return
        self._loop.call_soon_threadsafe(self._stock_changed, product_ids)

    def _stock_changed(self, product_ids: frozenset[int]) -> None:
        if self._stopped:
            return
        if self.is_leader:
            self._changed_products |= product_ids
            self.wake_push()
            return
        ids = ",".join(str(i) for i in sorted(product_ids)[:MAX_SIGNALLED_IDS])
        self._spawn(self.lock.signal(f"{SIGNAL_STOCK}:{ids}"))

    def _on_signal(self, payload: str) -> None:
        if not self.is_leader or self._stopped:
            return
        kind, _, rest = payload.partition(":")
        if kind == SIGNAL_STOCK:
            self._changed_products |= {int(part) for part in rest.split(",") if part.isdigit()}
            self.wake_push()
        elif kind == SIGNAL_JOBS:
            self._spawn(self.refresh_jobs())

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)
        return task

    def wake_push(self) -> None:
        """Run the stock push soon: bursts within the debounce window make one run."""
        if self._loop is None or self._wake_handle is not None or not self.is_leader:
            return
        self._wake_handle = self._loop.call_later(self.config.push_debounce_seconds, self._fire_push)

    def push_now(self) -> None:
        """Run the stock push at once (the Retry button); on a follower, ask the leader to."""
        if self.is_leader:
            self._fire_push()
        else:
            self._spawn(self.lock.signal(f"{SIGNAL_STOCK}:"))

    def _fire_push(self) -> None:
        self._wake_handle = None
        if self._scheduler is None:
            return
        if self._push is _Push.RUNNING:
            self._push_again = True
        elif self._push is _Push.IDLE:
            self._push = _Push.SCHEDULED
            self._scheduler.modify_job(STOCK_PUSH, next_run_time=runs.utcnow())

    def _on_skipped(self, event: JobEvent) -> None:
        # A wake that APScheduler dropped (still counted as running, or missed) must not be lost.
        if event.job_id != STOCK_PUSH:
            return
        if self._push is _Push.SCHEDULED:
            self._push = _Push.IDLE
        self._push_again = True
        if self._push is _Push.IDLE and self._loop is not None:
            self._loop.call_soon(self._fire_push)

    # --- what the bot asks ---------------------------------------------------------------------

    async def status(self) -> StatusSnapshot:
        async with self.db.sessions() as session:
            return await collect_status(
                session, leader=self.is_leader, lock=self.lock.description, scheduled=self.scheduled()
            )

    async def accounts(self) -> list[AccountRef]:
        return await self.work.accounts()
