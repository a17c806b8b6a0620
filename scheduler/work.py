"""What the channel jobs do, channel by channel and account by account, without knowing which channel.

Every operation on one account (import orders, push stock, reconcile, refresh credentials) holds that
account's lock (`scheduler.account_locks`: other processes and instances see it too), so a push never
overlaps a reconcile of the same account (both write absolute levels) nor an order import (invariant
4: channel sales are imported before the channel is overwritten; each channel's `push_stock` and
`reconcile` import the account's new sales first, and the lock keeps the orders job from
interleaving). Results come back per target so one failing Wix site does not hide a healthy Allegro
account.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from domain.channels import AccountRef, Progress, RunCounts, StockChannel, SyncReport
from domain.db import Database
from domain.models import AccountState
from scheduler.account_locks import AccountLocks, target_of
from scheduler.scrub import describe

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TargetResult:
    target: str  # "wix:3", or a job id for work that is not about one account
    label: str  # what people read: "wix · shop"
    counts: RunCounts = field(default_factory=RunCounts)
    error: str | None = None


def label_of(ref: AccountRef) -> str:
    return f"{ref.channel} · {ref.name}"


def merge_counts(parts: Iterable[RunCounts]) -> RunCounts:
    total = RunCounts()
    for part in parts:
        total.processed += part.processed
        total.changed += part.changed
        total.failed += part.failed
        total.stock_changed = total.stock_changed or part.stock_changed
        for name, value in part.notes.items():
            total.notes[name] = total.notes.get(name, 0) + value
    return total


def report_counts(report: SyncReport) -> RunCounts:
    return RunCounts(
        processed=report.checked,
        changed=report.updated,
        failed=report.failed,
        notes={"unchanged": report.unchanged, "missing": report.missing},
    )


class ChannelWork:
    def __init__(
        self,
        db: Database,
        channels: Iterable[StockChannel],
        *,
        on_stock_changed: Callable[[], None],
        secrets: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.db = db
        self.channels = {channel.name: channel for channel in channels}
        self.locks = AccountLocks(db.url)
        self._on_stock_changed = on_stock_changed
        self._secrets = secrets

    def describe(self, error: BaseException) -> str:
        return describe(error, self._secrets())

    async def accounts(self, channel_names: Iterable[str] | None = None) -> list[AccountRef]:
        names = list(self.channels) if channel_names is None else list(channel_names)
        refs: list[AccountRef] = []
        for name in names:
            refs.extend(await self.channels[name].accounts())
        return refs

    async def active(self, channel_names: Iterable[str] | None = None) -> list[AccountRef]:
        return [ref for ref in await self.accounts(channel_names) if ref.state == AccountState.ACTIVE]

    async def _guarded(self, ref: AccountRef, work: Callable[[], Awaitable[RunCounts]]) -> TargetResult:
        result = TargetResult(target_of(ref), label_of(ref))
        try:
            result.counts = await work()
        except Exception as exc:
            result.error = self.describe(exc)
            log.warning("%s failed: %s", result.label, result.error)
        return result

    async def pull(self, ref: AccountRef) -> TargetResult:
        async def work() -> RunCounts:
            async with self.locks.hold(ref):
                counts = await self.channels[ref.channel].pull_orders(ref.account_id)
            if counts.stock_changed:
                self._on_stock_changed()
            return counts

        return await self._guarded(ref, work)

    async def push(self, ref: AccountRef) -> TargetResult:
        async def work() -> RunCounts:
            async with self.locks.hold(ref):
                return await self.channels[ref.channel].push_stock(ref.account_id)

        return await self._guarded(ref, work)

    async def push_all(self) -> list[TargetResult]:
        refs = await self.active()
        return list(await asyncio.gather(*(self.push(ref) for ref in refs)))

    async def reconcile(self, ref: AccountRef, progress: Progress | None = None) -> SyncReport:
        """A full reconcile of one account; failures come back in the report, never raised."""
        try:
            async with self.locks.hold(ref):
                return await self.channels[ref.channel].reconcile(ref.account_id, progress)
        except Exception as exc:
            error = self.describe(exc)
            log.warning("reconcile of %s failed: %s", label_of(ref), error)
            return SyncReport(channel=ref.channel, account_name=ref.name, error=error)

    async def reconcile_channel(self, name: str) -> list[TargetResult]:
        results = []
        for ref in await self.active([name]):
            report = await self.reconcile(ref)
            results.append(TargetResult(target_of(ref), label_of(ref), report_counts(report), report.error))
        return results

    async def refresh_credentials(self) -> list[TargetResult]:
        results = []
        for ref in await self.active():

            async def work(ref: AccountRef = ref) -> RunCounts:
                async with self.locks.hold(ref):
                    await self.channels[ref.channel].refresh_credentials(ref.account_id)
                return RunCounts(processed=1)

            results.append(await self._guarded(ref, work))
        return results
