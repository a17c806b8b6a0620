"""Wix orders → central stock, each order line applied exactly once.

Orders are read by `updatedDate` from the site's cursor (`wix_accounts.orders_cursor`), oldest first,
through `POST /ecom/v1/orders/search`. Each batch is applied in ONE transaction that also moves the
cursor, so a process killed at any moment has applied a batch completely or not at all. The
transaction locks the site's row and compares the cursor with the one the batch was read from: if
another run moved it meanwhile, this run stops and leaves the rest to that one. A line is a row of
`channel_order_lines` keyed by (wix, site, order id, line id):

    (none) ──APPROVED──▶ deducted ──CANCELED──▶ returned
       ├──CANCELED──▶ cancelled (never deducted: nothing to give back)
       └──APPROVED, SKU unknown here──▶ unmatched ──product appears──▶ deducted
                                             └──CANCELED──▶ cancelled

An order read again (the cursor is inclusive, and orders of the last `overlap` are read on every run
because one updated while we paged could otherwise slip past) finds its lines in a final or equal
state and changes nothing. Orders placed before the site was added are skipped: the stock counted
then already reflected them. Other statuses (PENDING and the like) are not sales yet; their
`updatedDate` moves when they become one, so they come back.

Why importing never sends Wix a decrement: Wix has already lowered its own stock for the sale. The
import lowers central stock only, which marks the product in the outbox; the push that follows sends
the *absolute* available-to-sell level, planned against a fresh read of Wix (V1: the difference
between that read and the target; V3: the target, guarded by the revision read). Both sides have
taken the sale off, so the difference is zero and nothing is written. Had the import also sent
"-quantity", the sale would come off Wix twice; had the push run before the import, it would have put
the sold units back on Wix — which is why every push to a site imports the site's orders first.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Iterable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.channels import RunCounts
from domain.db import Database, as_utc
from domain.models import Channel, ChannelOrderLine, OrderLineState, Product, WixAccount
from domain.product_index import ProductIndex
from domain.stock_book import StockBook
from domain.validation import sku_key
from integrations.wix.alerts import WixAlerts
from integrations.wix.client import WixApiService
from integrations.wix.models import OrderLineItem, WixOrder
from integrations.wix.sites import Site

log = logging.getLogger("integrations.wix")

APPROVED = "APPROVED"
CANCELED = "CANCELED"
BATCH = 100  # orders per transaction (one search page)
OVERLAP = timedelta(seconds=60)
_UNMATCHED_BATCH = 1000
_SKU_LENGTH = 100
_NAME_LENGTH = 255


@dataclass(frozen=True, slots=True)
class WixLine:
    order_id: str
    line_id: str
    quantity: int
    sku: str | None
    item_id: str | None  # catalogReference.catalogItemId: the Wix product
    name: str | None

    @classmethod
    def of(cls, order: WixOrder, item: OrderLineItem) -> WixLine:
        sku = (item.sku or "").strip()[:_SKU_LENGTH] or None
        reference = item.catalog_reference
        return cls(
            order.id,
            item.id,
            item.quantity,
            sku,
            (reference.catalog_item_id or None) if reference else None,
            (item.product_name.original or "")[:_NAME_LENGTH] or None,
        )

    @property
    def unknown_key(self) -> str:
        """What "the same unknown SKU" means for alerting: the SKU, or the Wix product without one."""
        return sku_key(self.sku) if self.sku else f"item:{self.item_id}"


@dataclass
class Findings:
    effects: int = 0  # line transitions that moved stock
    unmatched: int = 0
    new_unknown: dict[str, WixLine] = field(default_factory=dict)  # first line per unknown SKU
    oversold: list[ChannelOrderLine] = field(default_factory=list)
    skipped_old: int = 0


@dataclass
class ImportStats:
    orders: int = 0
    effects: int = 0
    unmatched: int = 0
    applied_unmatched: int = 0
    oversold: int = 0
    skipped_old: int = 0
    stock_changed: bool = False

    def add(self, findings: Findings, changed: bool, *, pending: bool = False) -> None:
        if pending:
            self.applied_unmatched += findings.effects
        else:
            self.effects += findings.effects
        self.unmatched += findings.unmatched
        self.oversold += len(findings.oversold)
        self.skipped_old += findings.skipped_old
        self.stock_changed = self.stock_changed or changed

    def counts(self) -> RunCounts:
        return RunCounts(
            processed=self.orders,
            changed=self.effects + self.applied_unmatched,
            stock_changed=self.stock_changed,
            notes={
                "unmatched": self.unmatched,
                "applied_unmatched": self.applied_unmatched,
                "oversold": self.oversold,
                "skipped_old": self.skipped_old,
            },
        )


class WixLedger:
    """Moves the lines of one batch on rows, products and stock the caller loaded and locked."""

    def __init__(
        self,
        session: AsyncSession,
        account_id: int,
        book: StockBook,
        index: ProductIndex,
        rows: Iterable[ChannelOrderLine],
        known_unknown: set[str],
    ) -> None:
        self._session = session
        self._account_id = account_id
        self._book = book
        self._index = index
        self._known_unknown = known_unknown
        self._lines = {(row.order_id, row.line_id): row for row in rows}
        self.findings = Findings()

    async def write(self) -> None:
        """Write the stock the batch moved and its operations (the lines go with the flush)."""
        await self._book.write()

    def order(self, order: WixOrder) -> None:
        lines = [WixLine.of(order, item) for item in order.line_items]
        if order.status == APPROVED:
            for line in lines:
                self._sell(line)
        elif order.status == CANCELED:
            for line in lines:
                self._cancel(line)

    def apply_pending(self, row: ChannelOrderLine, product: Product) -> None:
        """An unmatched line whose product is known now: it is sold now."""
        if row.state == OrderLineState.UNMATCHED:
            row.product_id = product.id
            row.pending_state = None
            self._deduct(row, product)

    def _sell(self, line: WixLine) -> None:
        if (line.order_id, line.line_id) in self._lines:
            return
        row = self._create(line)
        product = self._index.resolve(line.sku, None)
        if product is None:
            row.state = OrderLineState.UNMATCHED
            row.pending_state = OrderLineState.DEDUCTED
            self.findings.unmatched += 1
            if line.unknown_key not in self._known_unknown:
                self._known_unknown.add(line.unknown_key)
                self.findings.new_unknown[line.unknown_key] = line
            return
        row.product_id = product.id
        self._deduct(row, product)

    def _deduct(self, row: ChannelOrderLine, product: Product) -> None:
        taken = self._book.sell(product, row.quantity, {}, (), row.order_id)
        row.allocations = {str(warehouse): units for warehouse, units in sorted(taken.items())}
        row.shortage = row.quantity - sum(taken.values())
        row.state = OrderLineState.DEDUCTED
        row.sku = row.sku or product.sku
        self.findings.effects += 1
        if row.shortage:
            self.findings.oversold.append(row)

    def _cancel(self, line: WixLine) -> None:
        row = self._lines.get((line.order_id, line.line_id))
        if row is None:
            row = self._create(line)
            product = self._index.resolve(line.sku, None)
            row.product_id = product.id if product is not None else None
        elif row.state == OrderLineState.DEDUCTED:
            product = self._index.by_id.get(row.product_id) if row.product_id is not None else None
            if product is not None:  # None: the product was deleted since; its history stays
                held = {int(warehouse): int(units) for warehouse, units in (row.allocations or {}).items()}
                self._book.give_back(product, held, row.order_id)
                self.findings.effects += 1
            row.state = OrderLineState.RETURNED
            return
        if row.state in (OrderLineState.UNMATCHED, OrderLineState.CANCELLED):
            row.state = OrderLineState.CANCELLED
            row.pending_state = None

    def _create(self, line: WixLine) -> ChannelOrderLine:
        row = ChannelOrderLine(
            channel=Channel.WIX,
            account_id=self._account_id,
            order_id=line.order_id,
            line_id=line.line_id,
            sku=line.sku,
            offer_id=line.item_id,
            offer_name=line.name,
            quantity=line.quantity,
            state=OrderLineState.CANCELLED,
            allocations={},
            shortage=0,
        )
        self._session.add(row)
        self._lines[(line.order_id, line.line_id)] = row
        return row


async def _load_lines(
    session: AsyncSession, account_id: int, order_ids: Sequence[str]
) -> list[ChannelOrderLine]:
    result = await session.scalars(
        select(ChannelOrderLine).where(
            ChannelOrderLine.channel == Channel.WIX,
            ChannelOrderLine.account_id == account_id,
            ChannelOrderLine.order_id.in_(sorted(set(order_ids))),
        )
    )
    return list(result)


async def _waiting_keys(session: AsyncSession, account_id: int, lines: Sequence[WixLine]) -> set[str]:
    """Which unknown SKUs (or SKU-less Wix products) of `lines` already wait as unmatched lines."""
    skus = sorted({line.sku for line in lines if line.sku})
    items = sorted({line.item_id for line in lines if not line.sku and line.item_id})
    if not skus and not items:
        return set()
    rows = await session.execute(
        select(ChannelOrderLine.sku, ChannelOrderLine.offer_id)
        .where(
            ChannelOrderLine.channel == Channel.WIX,
            ChannelOrderLine.account_id == account_id,
            ChannelOrderLine.state == OrderLineState.UNMATCHED,
            or_(ChannelOrderLine.sku.in_(skus), ChannelOrderLine.offer_id.in_(items)),
        )
        .distinct()
    )
    return {sku_key(sku) if sku else f"item:{item}" for sku, item in rows.all()}


def _same(first: datetime | None, second: datetime | None) -> bool:
    if first is None or second is None:
        return first is second
    return as_utc(first) == as_utc(second)


class OrderImport:
    def __init__(
        self,
        db: Database,
        alerts: WixAlerts,
        *,
        batch: int = BATCH,
        overlap: timedelta = OVERLAP,
    ) -> None:
        self._db = db
        self._alerts = alerts
        self._batch = batch
        self._overlap = overlap

    async def pull(self, wix: WixApiService, site: Site) -> ImportStats:
        """Apply the site's orders updated since its cursor (after its waiting lines whose product
        appeared)."""
        stats = ImportStats()
        await self.apply_unmatched(site, stats)
        async with self._db.sessions() as session:
            cursor = await session.scalar(select(WixAccount.orders_cursor).where(WixAccount.id == site.id))
        since = as_utc(cursor) if cursor is not None else site.added_at
        # The cursor never passes this moment: an order updated while we page is read again next time.
        ceiling = datetime.now(UTC) - self._overlap
        batch: list[WixOrder] = []
        reading = cast(AsyncGenerator[WixOrder, None], wix.iter_orders(updated_after=since, inclusive=True))
        async with aclosing(reading) as orders:
            async for order in orders:
                batch.append(order)
                if len(batch) < self._batch:
                    continue
                moved, cursor = await self._apply(site, cursor, since, batch, ceiling, stats)
                if moved:
                    return stats
                batch = []
        if batch:
            await self._apply(site, cursor, since, batch, ceiling, stats)
        return stats

    async def _apply(
        self,
        site: Site,
        cursor: datetime | None,
        since: datetime,
        orders: list[WixOrder],
        ceiling: datetime,
        stats: ImportStats,
    ) -> tuple[bool, datetime | None]:
        """Apply one batch and move the cursor with it; (True, _) when another run moved it first."""
        lines = [WixLine.of(order, item) for order in orders for item in order.line_items]
        async with self._db.transaction() as session:
            account = await session.get(WixAccount, site.id, with_for_update=True, populate_existing=True)
            if account is None or not _same(account.orders_cursor, cursor):
                log.info("wix %s: another run is importing orders; this one stops", site.name)
                return True, cursor
            rows = await _load_lines(session, site.id, [order.id for order in orders])
            index = await ProductIndex.load(
                session,
                skus=[line.sku for line in lines if line.sku],
                product_ids=[row.product_id for row in rows if row.product_id is not None],
            )
            unknown = [line for line in lines if index.resolve(line.sku, None) is None]
            known_unknown = await _waiting_keys(session, site.id, unknown) if unknown else set()
            book = await StockBook.lock(session, site.actor, index.by_id)
            ledger = WixLedger(session, site.id, book, index, rows, known_unknown)
            with session.no_autoflush:
                for order in orders:
                    if as_utc(order.created_date) < site.added_at:
                        ledger.findings.skipped_old += 1
                    else:
                        ledger.order(order)
            await ledger.write()
            newest = max(as_utc(order.updated_date) for order in orders)
            moved_to = max(since, min(newest, ceiling))
            account.orders_cursor = moved_to
        stats.orders += len(orders)
        stats.add(ledger.findings, bool(book.changed_products))
        await self._announce(site, ledger.findings)
        return False, moved_to

    async def apply_unmatched(self, site: Site, stats: ImportStats) -> None:
        """Sell the unmatched lines whose SKU now names a product here."""
        while True:
            findings, found, changed = await self._apply_unmatched_batch(site)
            stats.add(findings, changed, pending=True)
            await self._announce(site, findings)
            if found < _UNMATCHED_BATCH:
                return

    async def _apply_unmatched_batch(self, site: Site) -> tuple[Findings, int, bool]:
        query = (
            select(ChannelOrderLine, Product.id)
            .join(Product, Product.sku_key == func.upper(func.trim(ChannelOrderLine.sku)))
            .where(
                ChannelOrderLine.channel == Channel.WIX,
                ChannelOrderLine.account_id == site.id,
                ChannelOrderLine.state == OrderLineState.UNMATCHED,
            )
            .order_by(ChannelOrderLine.id)
            .limit(_UNMATCHED_BATCH)
            .with_for_update(of=ChannelOrderLine)
        )
        async with self._db.transaction() as session:
            found = (await session.execute(query)).all()
            if not found:
                return Findings(), 0, False
            index = await ProductIndex.load(session, product_ids=[pid for _, pid in found])
            book = await StockBook.lock(session, site.actor, index.by_id)
            ledger = WixLedger(session, site.id, book, index, [], set())
            with session.no_autoflush:
                for row, product_id in found:
                    ledger.apply_pending(row, index.by_id[product_id])
            await ledger.write()
        return ledger.findings, len(found), bool(book.changed_products)

    async def _announce(self, site: Site, findings: Findings) -> None:
        for line in findings.new_unknown.values():
            await self._alerts.unknown_sku(
                site.name, sku=line.sku, item_id=line.item_id, name=line.name, order_id=line.order_id
            )
        for row in findings.oversold:
            await self._alerts.oversell(
                site.name,
                sku=row.sku or "—",
                order_id=row.order_id,
                quantity=row.quantity,
                shortage=row.shortage,
            )
