"""A reconcile started by a person (/sync): one at a time, with progress others can watch.

The bot renders a `ManualSync` (one edited message) and reads its reports; the scheduler only runs it.
Finished syncs stay in memory for a while so the "problem SKUs" button still works after the report.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.channels import AccountRef, SyncReport
from domain.db import Database
from scheduler import runs
from scheduler.work import ChannelWork, label_of, merge_counts, report_counts

log = logging.getLogger(__name__)

MANUAL_SYNC_JOB = "manual-sync"


class TargetState(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(slots=True)
class SyncTarget:
    ref: AccountRef
    state: TargetState = TargetState.WAITING
    done: int = 0
    total: int = 0
    report: SyncReport | None = None

    @property
    def label(self) -> str:
        return label_of(self.ref)


@dataclass(slots=True)
class ManualSync:
    id: int
    targets: list[SyncTarget]
    started_by: int | None
    started_at: datetime
    finished_at: datetime | None = None
    version: int = 0  # grows with every visible change, so a renderer knows when to redraw
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _finished: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def running(self) -> bool:
        return not self._finished.is_set()

    def touch(self) -> None:
        self.version += 1
        self._changed.set()

    async def wait_change(self, seen_version: int, within: float) -> int:
        """Wait until the version moves past `seen_version` (at most `within` s); return the version."""
        if self.version == seen_version and self.running:
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), within)
        return self.version

    async def wait_finished(self, within: float | None = None) -> None:
        await asyncio.wait_for(self._finished.wait(), within)

    def totals(self) -> SyncReport:
        total = SyncReport(channel="*", account_name="*")
        for target in self.targets:
            report = target.report
            if report is None:
                continue
            total.checked += report.checked
            total.updated += report.updated
            total.unchanged += report.unchanged
            total.missing += report.missing
            total.failed += report.failed
        return total

    def problems(self) -> list[tuple[str, str, str]]:
        """(account label, SKU or "—", reason) for every problem SKU and every failed account."""
        rows = []
        for target in self.targets:
            report = target.report
            if report is None:
                continue
            if report.error:
                rows.append((target.label, "—", report.error))
            rows.extend((target.label, sku, reason) for sku, reason in sorted(report.problem_skus.items()))
        return rows


class ManualSyncs:
    def __init__(self, db: Database, work: ChannelWork, *, keep: int = 20) -> None:
        self.db = db
        self.work = work
        self.keep = keep
        self._ids = itertools.count(1)
        self._syncs: OrderedDict[int, ManualSync] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def current(self) -> ManualSync | None:
        return next((sync for sync in reversed(self._syncs.values()) if sync.running), None)

    def get(self, sync_id: int) -> ManualSync | None:
        return self._syncs.get(sync_id)

    def start(self, refs: list[AccountRef], started_by: int | None = None) -> tuple[ManualSync, bool]:
        """Start a reconcile of `refs`, or return the one already running (and False)."""
        running = self.current
        if running is not None:
            return running, False
        sync = ManualSync(next(self._ids), [SyncTarget(ref) for ref in refs], started_by, runs.utcnow())
        self._syncs[sync.id] = sync
        while len(self._syncs) > self.keep:
            self._syncs.popitem(last=False)
        self.track(asyncio.get_running_loop().create_task(self._run(sync), name=f"manual-sync-{sync.id}"))
        return sync, True

    async def _run(self, sync: ManualSync) -> None:
        run_id = await runs.start_run(self.db, MANUAL_SYNC_JOB)
        try:
            for target in sync.targets:
                await self._run_target(sync, target)
        finally:
            sync.finished_at = runs.utcnow()
            failed = [t for t in sync.targets if t.state != TargetState.DONE]
            counts = merge_counts(report_counts(t.report) for t in sync.targets if t.report)
            error = "; ".join(f"{t.label}: {t.report.error if t.report else 'not run'}" for t in failed)
            try:
                await asyncio.shield(
                    runs.finish_run(
                        self.db,
                        run_id,
                        status=runs.FAILED if failed else runs.OK,
                        counts=counts.as_dict(),
                        error=error or None,
                    )
                )
            finally:
                # Finished only once its run record says so: /status and waiters then agree.
                sync._finished.set()
                sync.touch()

    async def _run_target(self, sync: ManualSync, target: SyncTarget) -> None:
        target.state = TargetState.RUNNING
        sync.touch()

        async def progress(done: int, total: int) -> None:
            target.done, target.total = done, max(total, done)
            sync.touch()

        report = await self.work.reconcile(target.ref, progress)
        target.report = report
        target.state = TargetState.FAILED if report.error else TargetState.DONE
        sync.touch()

    def track(self, task: asyncio.Task[None]) -> None:
        """Keep a task that follows a sync (a progress message) until it ends; stopped with the syncs."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self, grace: float) -> None:
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
