"""Order events → central stock, each order line applied exactly once.

A pull reads ``GET /order/events?from=<tracker>`` page after page. Each page is applied in ONE
transaction that also moves the tracker to the page's last event, so a process killed at any moment
has applied a page completely or not at all, and the next run starts where the committed tracker
says. The checkout forms that ``BUYER_MODIFIED`` events need are read before that transaction opens (no
transaction is ever held across an HTTP call). Within the transaction the tracker row is locked and
compared with the cursor the page was read from: if another run moved it meanwhile, the page is dropped
and read again.

Every pull first applies the unmatched lines whose product has appeared since (created, SKU edited, or
its offer linked): `apply_unmatched`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from domain.channels import RunCounts
from domain.db import Database
from domain.models import AllegroOffer, Channel, ChannelOrderLine, OrderLineState, Product
from domain.product_index import ProductIndex
from domain.stock_book import StockBook
from integrations.allegro.accounts import AccountContext
from integrations.allegro.alerts import ChannelAlerts
from integrations.allegro.client import AllegroClient
from integrations.allegro.config import ChannelRules
from integrations.allegro.errors import AllegroNotFound
from integrations.allegro.lines import (
    LINE_COLUMNS,
    Findings,
    LineData,
    LineRow,
    OrderLedger,
    line_row,
    load_lines,
    offer_links,
    unmatched_keys,
)
from integrations.allegro.models import CheckoutForm, CheckoutFormStatus, OrderEvent, OrderEventType
from integrations.allegro.tracker import latest_position, read_tracker, set_tracker

log = logging.getLogger("integrations.allegro")

CANCEL_EVENTS = frozenset({OrderEventType.BUYER_CANCELLED, OrderEventType.AUTO_CANCELLED})
_UNMATCHED_BATCH = 1000
_MOVED_RETRIES = 5


@dataclass
class PullStats:
    pages: int = 0
    events: int = 0
    effects: int = 0
    unmatched: int = 0
    applied_unmatched: int = 0
    oversold: int = 0
    forms_read: int = 0
    stock_changed: bool = False
    skipped: list[str] = field(default_factory=list)

    def counts(self) -> RunCounts:
        return RunCounts(
            processed=self.events,
            changed=self.effects + self.applied_unmatched,
            stock_changed=self.stock_changed,
            notes={
                "pages": self.pages,
                "unmatched": self.unmatched,
                "applied_unmatched": self.applied_unmatched,
                "oversold": self.oversold,
                "forms_read": self.forms_read,
            },
        )


class OrderSync:
    def __init__(self, db: Database, rules: ChannelRules, alerts: ChannelAlerts) -> None:
        self._db = db
        self._rules = rules
        self._alerts = alerts
        self._targets: dict[str, OrderLineState]
        if rules.deduct_on == OrderEventType.BOUGHT:
            self._targets = {
                OrderEventType.BOUGHT: OrderLineState.DEDUCTED,
                OrderEventType.FILLED_IN: OrderLineState.DEDUCTED,
                OrderEventType.READY_FOR_PROCESSING: OrderLineState.DEDUCTED,
            }
        else:
            self._targets = {
                OrderEventType.BOUGHT: OrderLineState.RESERVED,
                OrderEventType.FILLED_IN: OrderLineState.RESERVED,
                OrderEventType.READY_FOR_PROCESSING: OrderLineState.DEDUCTED,
            }

    async def pull(self, client: AllegroClient, account: AccountContext) -> PullStats:
        stats = PullStats()
        await self.apply_unmatched(account, stats)
        moved = 0
        while True:
            async with self._db.sessions() as session:
                tracker = await read_tracker(session, account.id)
                known, cursor = tracker is not None, tracker.last_event_id if tracker else None
            if not known:
                await self._start(client, account)
                continue
            page = (await client.get_order_events(cursor, limit=self._rules.page_size)).events
            if not page:
                return stats
            forms = await self._forms(client, page, stats)
            findings = await self._apply_page(account, cursor, page, forms)
            if findings is None:
                moved += 1
                if moved > _MOVED_RETRIES:
                    raise RuntimeError(f"the event tracker of {account.name} keeps moving under this run")
                log.info("allegro %s: the tracker moved during the read; reading again", account.name)
                continue
            stats.pages += 1
            stats.events += len(page)
            stats.effects += findings.effects
            stats.unmatched += findings.unmatched
            stats.oversold += len(findings.oversold)
            stats.stock_changed = stats.stock_changed or findings.stock_changed
            await self._announce(account, findings)
            if len(page) < self._rules.page_size:
                return stats

    async def apply_unmatched(self, account: AccountContext, stats: PullStats | None = None) -> int:
        """Apply the unmatched lines whose SKU now names a product or whose offer is now linked."""
        applied = 0
        while True:
            findings, found = await self._apply_unmatched_batch(account)
            applied += findings.effects
            if stats is not None:
                stats.applied_unmatched += findings.effects
                stats.oversold += len(findings.oversold)
                stats.stock_changed = stats.stock_changed or findings.stock_changed
            await self._announce(account, findings)
            if found < _UNMATCHED_BATCH:
                return applied

    # --- one page ------------------------------------------------------------------------------------

    async def _apply_page(
        self,
        account: AccountContext,
        cursor: str | None,
        page: list[OrderEvent],
        forms: dict[str, CheckoutForm],
    ) -> Findings | None:
        lines = [
            LineData.of(event.order.checkout_form.id, item)
            for event in page
            if event.order.checkout_form is not None
            for item in event.order.line_items
        ]
        lines += [LineData.of(form.id, item) for form in forms.values() for item in form.line_items]
        order_ids = {line.order_id for line in lines} | set(forms)
        async with self._db.transaction() as session:
            tracker = await read_tracker(session, account.id, lock=True)
            if tracker is None or tracker.last_event_id != cursor:
                return None
            rows = await load_lines(session, account.id, order_ids)
            index = await ProductIndex.load(
                session,
                skus=[line.sku for line in lines if line.sku],
                product_ids=[row.product_id for row in rows if row.product_id is not None],
                offer_links=await offer_links(session, account.id, [line.offer_id for line in lines]),
            )
            unknown = [line for line in lines if index.resolve(line.sku, line.offer_id) is None]
            known_unknown = await unmatched_keys(session, account.id, unknown) if unknown else set()
            book = await StockBook.lock(session, account.actor, index.by_id)
            ledger = OrderLedger(
                session, account.id, account.priority, book, index, rows, known_unknown=known_unknown
            )
            for event in page:
                self._apply_event(ledger, event, forms)
            await ledger.write()
            tracker.last_event_id = page[-1].id
        ledger.findings.stock_changed = bool(book.changed_products)
        return ledger.findings

    def _apply_event(self, ledger: OrderLedger, event: OrderEvent, forms: dict[str, CheckoutForm]) -> None:
        reference = event.order.checkout_form
        if reference is None:
            log.warning("allegro: event %s (%s) names no checkout form; skipped", event.id, event.type)
            return
        lines = [LineData.of(reference.id, item) for item in event.order.line_items]
        target = self._targets.get(event.type)
        if target is not None:
            for line in lines:
                ledger.advance(line, target, event.id)
        elif event.type in CANCEL_EVENTS:
            ledger.cancel_order(reference.id, lines, event.id)
        elif event.type == OrderEventType.BUYER_MODIFIED:
            form = forms.get(reference.id)
            if form is None:
                return
            if form.status == CheckoutFormStatus.CANCELLED:
                ledger.cancel_order(
                    form.id, [LineData.of(form.id, item) for item in form.line_items], event.id
                )
            else:
                ledger.modify(form, self._targets.get(form.status, OrderLineState.RESERVED), event.id)

    async def _forms(
        self, client: AllegroClient, page: list[OrderEvent], stats: PullStats
    ) -> dict[str, CheckoutForm]:
        wanted = dict.fromkeys(
            event.order.checkout_form.id
            for event in page
            if event.type == OrderEventType.BUYER_MODIFIED and event.order.checkout_form is not None
        )
        forms: dict[str, CheckoutForm] = {}
        for form_id in wanted:
            try:
                forms[form_id] = await client.get_checkout_form(form_id)
            except AllegroNotFound:
                log.warning("allegro: checkout form %s of a BUYER_MODIFIED event is gone; skipped", form_id)
                stats.skipped.append(form_id)
            stats.forms_read += 1
        return forms

    async def _start(self, client: AllegroClient, account: AccountContext) -> None:
        """An account without a cursor starts at its newest event (never replays 60 days unasked)."""
        position = await latest_position(client)
        async with self._db.transaction() as session:
            if await read_tracker(session, account.id, lock=True) is None:
                await set_tracker(session, account.id, position)
                log.info("allegro %s: event tracker started at the newest event", account.name)

    # --- unmatched lines -----------------------------------------------------------------------------

    async def _apply_unmatched_batch(self, account: AccountContext) -> tuple[Findings, int]:
        waiting = (
            ChannelOrderLine.channel == Channel.ALLEGRO,
            ChannelOrderLine.account_id == account.id,
            ChannelOrderLine.state == OrderLineState.UNMATCHED,
        )
        by_sku = (
            select(*LINE_COLUMNS, Product.id)
            .join(Product, Product.sku_key == func.upper(func.trim(ChannelOrderLine.sku)))
            .where(*waiting)
        )
        by_offer = (
            select(*LINE_COLUMNS, AllegroOffer.product_id)
            .join(
                AllegroOffer,
                and_(
                    AllegroOffer.account_id == ChannelOrderLine.account_id,
                    AllegroOffer.offer_id == ChannelOrderLine.offer_id,
                    AllegroOffer.product_id.is_not(None),
                ),
            )
            .where(*waiting)
        )
        async with self._db.transaction() as session:
            found: dict[int, tuple[LineRow, int]] = {}
            for query in (by_sku, by_offer):
                limited = query.order_by(ChannelOrderLine.id).limit(_UNMATCHED_BATCH)
                result = await session.execute(limited.with_for_update(of=ChannelOrderLine))
                for values in result.all():
                    row = line_row(values[:-1])
                    found.setdefault(row.id or 0, (row, values[-1]))
            if not found:
                return Findings(), 0
            index = await ProductIndex.load(
                session, product_ids=[product_id for _, product_id in found.values()]
            )
            book = await StockBook.lock(session, account.actor, index.by_id)
            rows = sorted(found.values(), key=lambda pair: pair[0].id or 0)
            ledger = OrderLedger(session, account.id, account.priority, book, index, [row for row, _ in rows])
            for row, product_id in rows:
                ledger.apply_pending(row, index.by_id[product_id])
            await ledger.write()
        ledger.findings.stock_changed = bool(book.changed_products)
        return ledger.findings, len(found)

    # --- alerts --------------------------------------------------------------------------------------

    async def _announce(self, account: AccountContext, findings: Findings) -> None:
        for line in findings.new_unknown.values():
            await self._alerts.unknown_sku(
                account.name,
                sku=line.sku,
                offer_id=line.offer_id,
                offer_name=line.offer_name,
                order_id=line.order_id,
            )
        for row in findings.oversold:
            await self._alerts.oversell(
                account.name,
                sku=row.sku or "—",
                order_id=row.order_id,
                quantity=row.quantity,
                shortage=row.shortage,
            )
