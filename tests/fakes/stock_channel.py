"""A fake `StockChannel`, a recording `Notifier` and a connected fake-Allegro account for the
scheduler's tests.

The fake channel is real where the scheduler can see it: its accounts are the rows of the channel's
account table, `push_stock` drains the real outbox rows (and remembers the levels it "sent"), and a
pull can apply a real sale through `Inventory`. Failures, pauses and reconcile sizes are set per test.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select

from domain.actors import Actor
from domain.channels import AccountRef, Progress, RunCounts, SyncReport
from domain.db import Database
from domain.inventory import Inventory
from domain.models import (
    AccountState,
    AllegroAccount,
    Channel,
    ChannelOrderLine,
    OrderLineState,
    WixAccount,
)
from domain.outbox import acknowledge, pending
from tests.fakes.allegro import DEFAULT_SELLER, FakeAllegro

T = TypeVar("T")


async def eventually(check: Callable[[], T | Awaitable[T]], seconds: float = 5.0, every: float = 0.02) -> T:
    """Poll `check` until it returns something truthy; fail after `seconds` (a deadline, not a sleep)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if asyncio.iscoroutine(value) or isinstance(value, Awaitable):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {seconds} s (last value: {value!r})")
        await asyncio.sleep(every)


@dataclass
class Call:
    method: str
    account_id: int
    at: float


@dataclass
class PendingSale:
    product_id: int
    warehouse_id: int
    quantity: int
    order_id: str


@dataclass
class FakeChannel:
    name: str
    db: Database
    calls: list[Call] = field(default_factory=list)
    pushed: dict[tuple[int, int], int] = field(default_factory=dict)  # (account, product) -> level
    fail: dict[str, Exception] = field(default_factory=dict)  # method -> error to raise
    push_failed_items: int = 0
    sales: list[PendingSale] = field(default_factory=list)
    unknown_skus: list[str] = field(default_factory=list)
    reconcile_items: int = 5
    reconcile_gate: asyncio.Event | None = None  # reconcile waits on it after its first item
    reconcile_problems: dict[str, str] = field(default_factory=dict)

    def count(self, method: str, account_id: int | None = None) -> int:
        return sum(
            1 for c in self.calls if c.method == method and (account_id is None or c.account_id == account_id)
        )

    def _enter(self, method: str, account_id: int) -> None:
        self.calls.append(Call(method, account_id, time.monotonic()))
        error = self.fail.get(method)
        if error is not None:
            raise error

    async def accounts(self) -> list[AccountRef]:
        model = AllegroAccount if self.name == Channel.ALLEGRO else WixAccount
        async with self.db.sessions() as session:
            rows = await session.scalars(select(model).order_by(model.id))
            return [AccountRef(self.name, row.id, row.name, row.state) for row in rows]

    async def pull_orders(self, account_id: int) -> RunCounts:
        self._enter("pull", account_id)
        return await self._import_sales(account_id)

    async def _import_sales(self, account_id: int) -> RunCounts:
        if "pull" in self.fail:  # a push imports sales first: it fails where the import fails
            raise self.fail["pull"]
        counts = RunCounts()
        sales, self.sales = self.sales, []
        unknown, self.unknown_skus = self.unknown_skus, []
        async with self.db.transaction() as session:
            for sale in sales:
                taken = await Inventory(session).deduct(
                    Actor.channel(self.name, "fake"),
                    sale.product_id,
                    sale.warehouse_id,
                    sale.quantity,
                    external_ref=sale.order_id,
                )
                session.add(
                    ChannelOrderLine(
                        channel=Channel(self.name),
                        account_id=account_id,
                        order_id=sale.order_id,
                        line_id="1",
                        product_id=sale.product_id,
                        sku="",
                        quantity=sale.quantity,
                        state=OrderLineState.DEDUCTED,
                        shortage=sale.quantity - taken,
                    )
                )
                counts.processed += 1
                counts.changed += 1
                counts.stock_changed = True
            for number, sku in enumerate(unknown):
                session.add(
                    ChannelOrderLine(
                        channel=Channel(self.name),
                        account_id=account_id,
                        order_id=f"unknown-{time.monotonic_ns()}-{number}",
                        line_id="1",
                        sku=sku,
                        quantity=1,
                        state=OrderLineState.UNMATCHED,
                    )
                )
                counts.processed += 1
        return counts

    async def push_stock(self, account_id: int) -> RunCounts:
        """Like the real channels: the account's new sales first (invariant 4), then the levels."""
        self._enter("push", account_id)
        await self._import_sales(account_id)
        async with self.db.transaction() as session:
            items = await pending(session, Channel(self.name), account_id)
            inventory = Inventory(session)
            for item in items:
                level = await inventory.stock_of(item.product_id)
                self.pushed[(account_id, item.product_id)] = level.available
            await acknowledge(session, items)
        return RunCounts(processed=len(items), changed=len(items), failed=self.push_failed_items)

    async def reconcile(self, account_id: int, progress: Progress | None = None) -> SyncReport:
        self._enter("reconcile", account_id)
        report = SyncReport(channel=self.name, account_name=str(account_id))
        for done in range(1, self.reconcile_items + 1):
            if progress is not None:
                await progress(done, self.reconcile_items)
            if done == 1 and self.reconcile_gate is not None:
                await self.reconcile_gate.wait()
            report.checked += 1
            report.unchanged += 1
        report.problem_skus = dict(self.reconcile_problems)
        report.failed = len(self.reconcile_problems)
        report.unchanged -= report.failed
        return report

    async def refresh_credentials(self, account_id: int) -> None:
        self._enter("refresh", account_id)


@dataclass
class SentAlert:
    kind: str
    text_key: str
    params: dict[str, Any]


@dataclass
class RecordingNotifier:
    sent: list[SentAlert] = field(default_factory=list)
    broken: bool = False

    async def alert(self, kind: str, text_key: str, **params: Any) -> None:
        if self.broken:
            raise ConnectionError("telegram is down")
        self.sent.append(SentAlert(kind, text_key, params))

    def texts(self) -> list[str]:
        return [alert.text_key for alert in self.sent]


def connected_allegro_account(
    fake: FakeAllegro, *, name: str = "shop", priority: Sequence[int] = ()
) -> AllegroAccount:
    """An account row holding fresh tokens of the fake Allegro's default seller (add it to a session)."""
    pair = fake.grant()
    return AllegroAccount(
        name=name,
        seller_id=DEFAULT_SELLER,
        access_token=pair.access_token.get_secret_value(),
        refresh_token=pair.refresh_token.get_secret_value(),
        access_expires_at=pair.expires_at,
        state=AccountState.ACTIVE,
        warehouse_priority=list(priority),
    )
