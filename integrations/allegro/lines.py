"""Order lines → stock: the state machine of one Allegro order line (the unit of idempotency).

A line is one row of ``channel_order_lines`` keyed by (allegro, account, checkout form id, line id).
Events only ever move it forward, so duplicates and events out of order are harmless:

    (none) ──buy──▶ reserved ──pay──▶ deducted ──cancel──▶ returned
       │               └────cancel──▶ released
       ├──pay──▶ deducted (no reservation first)
       ├──cancel──▶ cancelled (a later buy or payment is a no-op)
       └──unknown SKU──▶ unmatched (remembers the state it should reach in ``pending_state``)

The `OrderLedger` works on rows, products and stock that the caller loaded and locked for a whole page,
as plain `LineRow`s (no ORM bookkeeping per row); it issues no queries while it works, and `write` sends
the new and the changed rows in one executemany each, so a page costs a handful of statements whatever
its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.allocation import merge, subtract, take_back
from domain.models import AllegroOffer, Channel, ChannelOrderLine, OrderLineState, Product
from domain.product_index import ProductIndex
from domain.stock_book import StockBook
from domain.validation import sku_key
from integrations.allegro.models import CheckoutForm, LineItem

OFFER_NAME_LENGTH = 255
SKU_LENGTH = 100
FINAL_STATES = (OrderLineState.RELEASED, OrderLineState.RETURNED, OrderLineState.CANCELLED)
_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class LineData:
    """An order line as an event or a checkout form describes it."""

    order_id: str
    line_id: str
    quantity: int
    sku: str | None
    offer_id: str
    offer_name: str | None

    @classmethod
    def of(cls, order_id: str, item: LineItem) -> LineData:
        sku = (item.offer.external_id or "").strip() or None
        return cls(
            order_id=order_id,
            line_id=item.id,
            quantity=item.quantity,
            sku=sku[:SKU_LENGTH] if sku else None,
            offer_id=item.offer.id,
            offer_name=(item.offer.name or "")[:OFFER_NAME_LENGTH] or None,
        )


@dataclass(slots=True, eq=False)
class LineRow:
    """One ``channel_order_lines`` row while a page works on it (``id`` None: not stored yet)."""

    order_id: str
    line_id: str
    quantity: int
    state: OrderLineState
    sku: str | None
    offer_id: str | None
    offer_name: str | None
    product_id: int | None = None
    allocations: dict[int, int] = field(default_factory=dict)  # units taken per warehouse id
    shortage: int = 0
    pending_state: OrderLineState | None = None
    last_event_id: str | None = None
    id: int | None = None
    changed: bool = False


LINE_COLUMNS = (
    ChannelOrderLine.order_id,
    ChannelOrderLine.line_id,
    ChannelOrderLine.quantity,
    ChannelOrderLine.state,
    ChannelOrderLine.sku,
    ChannelOrderLine.offer_id,
    ChannelOrderLine.offer_name,
    ChannelOrderLine.product_id,
    ChannelOrderLine.allocations,
    ChannelOrderLine.shortage,
    ChannelOrderLine.pending_state,
    ChannelOrderLine.last_event_id,
    ChannelOrderLine.id,
)


def line_row(values: Sequence[Any]) -> LineRow:
    """A `LineRow` from a result row of `LINE_COLUMNS` (in that order)."""
    row = LineRow(*values)
    # JSON object keys come back as strings.
    row.allocations = {int(warehouse): int(units) for warehouse, units in (row.allocations or {}).items()}
    return row


def select_lines() -> Select[Any]:
    return select(*LINE_COLUMNS)


def unknown_key(sku: str | None, offer_id: str | None) -> str:
    """What "the same unknown SKU" means for alerting: the SKU, or the offer when it has none."""
    return sku_key(sku) if sku else f"offer:{offer_id}"


async def offer_links(session: AsyncSession, account_id: int, offer_ids: Iterable[str]) -> dict[str, int]:
    """Product id per offer of the account linked to one (for `ProductIndex.load`)."""
    offers = sorted(set(offer_ids))
    if not offers:
        return {}
    links = await session.execute(
        select(AllegroOffer.offer_id, AllegroOffer.product_id).where(
            AllegroOffer.account_id == account_id,
            AllegroOffer.offer_id.in_(offers),
            AllegroOffer.product_id.is_not(None),
        )
    )
    return {offer_id: product_id for offer_id, product_id in links.all() if product_id}


async def load_lines(session: AsyncSession, account_id: int, order_ids: Iterable[str]) -> list[LineRow]:
    orders = sorted(set(order_ids))
    rows: list[LineRow] = []
    for start in range(0, len(orders), _CHUNK):
        result = await session.execute(
            select_lines().where(
                ChannelOrderLine.channel == Channel.ALLEGRO,
                ChannelOrderLine.account_id == account_id,
                ChannelOrderLine.order_id.in_(orders[start : start + _CHUNK]),
            )
        )
        rows.extend(line_row(values) for values in result.all())
    return rows


async def unmatched_keys(session: AsyncSession, account_id: int, candidates: Iterable[LineData]) -> set[str]:
    """Which of the candidates' unknown SKUs (or SKU-less offers) already wait as unmatched lines."""
    items = list(candidates)
    skus = sorted({line.sku for line in items if line.sku})
    offers = sorted({line.offer_id for line in items if not line.sku})
    if not skus and not offers:
        return set()
    rows = await session.execute(
        select(ChannelOrderLine.sku, ChannelOrderLine.offer_id)
        .where(
            ChannelOrderLine.channel == Channel.ALLEGRO,
            ChannelOrderLine.account_id == account_id,
            ChannelOrderLine.state == OrderLineState.UNMATCHED,
            or_(
                ChannelOrderLine.sku.in_(skus),
                and_(ChannelOrderLine.sku.is_(None), ChannelOrderLine.offer_id.in_(offers)),
            ),
        )
        .distinct()
    )
    return {unknown_key(sku, offer_id) for sku, offer_id in rows.all()}


@dataclass
class Findings:
    """What a page did that people may need to hear about."""

    effects: int = 0  # line transitions that moved stock
    unmatched: int = 0  # new lines waiting for their product
    new_unknown: dict[str, LineData] = field(default_factory=dict)  # first line per unknown SKU
    oversold: list[LineRow] = field(default_factory=list)  # lines whose shortage grew
    stock_changed: bool = False  # available-to-sell changed (set by the caller from its StockBook)


class OrderLedger:
    def __init__(
        self,
        session: AsyncSession,
        account_id: int,
        priority: Sequence[int],
        book: StockBook,
        index: ProductIndex,
        lines: Iterable[LineRow],
        known_unknown: set[str] | None = None,
    ) -> None:
        self._session = session
        self._account_id = account_id
        self._priority = list(priority)
        self._book = book
        self._index = index
        self._known_unknown = set(known_unknown or ())
        self._lines: dict[tuple[str, str], LineRow] = {}
        self._orders: dict[str, list[LineRow]] = {}
        for row in lines:
            self._remember(row)
        self.findings = Findings()

    async def write(self) -> None:
        """Write new and changed lines, then the stock rows and operations of the page's book."""
        rows = list(self._lines.values())
        created = [self._values(row) for row in rows if row.id is None]
        changed = [
            {"b_id": row.id, **self._values(row)} for row in rows if row.id is not None and row.changed
        ]
        table = cast(Table, ChannelOrderLine.__table__)
        for start in range(0, len(created), _CHUNK):
            await self._session.execute(insert(table), created[start : start + _CHUNK])
        if changed:
            mutable = ("quantity", "state", "sku", "product_id", "allocations", "shortage", "pending_state")
            values: dict[str, Any] = {column: bindparam(column) for column in (*mutable, "last_event_id")}
            statement = (
                update(table).where(table.c.id == bindparam("b_id")).values(updated_at=func.now(), **values)
            )
            for start in range(0, len(changed), _CHUNK):
                await self._session.execute(statement, changed[start : start + _CHUNK])
        await self._book.write()

    def _values(self, row: LineRow) -> dict[str, Any]:
        return {
            "channel": Channel.ALLEGRO,
            "account_id": self._account_id,
            "order_id": row.order_id,
            "line_id": row.line_id,
            "quantity": row.quantity,
            "state": row.state,
            "sku": row.sku,
            "offer_id": row.offer_id,
            "offer_name": row.offer_name,
            "product_id": row.product_id,
            "allocations": _strs(row.allocations),
            "shortage": row.shortage,
            "pending_state": row.pending_state,
            "last_event_id": row.last_event_id,
        }

    # --- what events ask for -------------------------------------------------------------------------

    def advance(self, data: LineData, target: OrderLineState, event_id: str) -> None:
        """Move a line towards ``target`` (reserved or deducted); never backwards, never twice."""
        row = self._lines.get((data.order_id, data.line_id))
        if row is None:
            row = self._create(data, event_id)
            product = self._index.resolve(data.sku, data.offer_id)
            if product is None:
                self._wait_for_product(row, target)
            else:
                row.product_id = product.id
                self._apply(row, product, target)
            return
        if row.state == OrderLineState.UNMATCHED:
            if target == OrderLineState.DEDUCTED or row.pending_state is None:
                row.pending_state = target
            row.last_event_id, row.changed = event_id, True
        elif row.state == OrderLineState.RESERVED and target == OrderLineState.DEDUCTED:
            product = self._product(row)
            if product is None:
                row.state = target
            else:
                self._apply(row, product, target)
            row.last_event_id, row.changed = event_id, True

    def cancel_order(self, order_id: str, lines: Iterable[LineData], event_id: str) -> None:
        """The buyer or Allegro cancelled the order: every line of it, known or not yet."""
        for data in lines:
            if (data.order_id, data.line_id) not in self._lines:
                row = self._create(data, event_id)
                product = self._index.resolve(data.sku, data.offer_id)
                row.product_id = product.id if product is not None else None
                row.state = OrderLineState.CANCELLED
        for row in list(self._orders.get(order_id, ())):
            self._cancel(row, event_id)

    def modify(self, form: CheckoutForm, target: OrderLineState, event_id: str) -> None:
        """Bring the order's lines in line with its checkout form as it is now.

        Lines gone from the form are released (or returned), new lines move towards ``target``, and
        lines whose quantity changed reserve, sell, release or return the difference.
        """
        current = {item.id: LineData.of(form.id, item) for item in form.line_items}
        for row in list(self._orders.get(form.id, ())):
            if row.line_id not in current:
                self._cancel(row, event_id)
        for data in current.values():
            known = self._lines.get((data.order_id, data.line_id))
            if known is None:
                self.advance(data, target, event_id)
            elif data.quantity != known.quantity:
                self._resize(known, data.quantity, event_id)

    def apply_pending(self, row: LineRow, product: Product) -> None:
        """An unmatched line whose product is now known: reach the state its events asked for."""
        if row.state != OrderLineState.UNMATCHED:
            return
        row.product_id = product.id
        target = row.pending_state or OrderLineState.RESERVED
        row.pending_state = None
        self._apply(row, product, target)

    # --- transitions ---------------------------------------------------------------------------------

    def _apply(self, row: LineRow, product: Product, target: OrderLineState) -> None:
        ref = row.order_id
        before = row.shortage
        if target == OrderLineState.RESERVED:
            taken = self._book.reserve(product, row.quantity, self._priority, ref)
        else:
            held = row.allocations if row.state == OrderLineState.RESERVED else {}
            taken = self._book.sell(product, row.quantity, held, self._priority, ref)
        row.allocations = taken
        row.shortage = row.quantity - sum(taken.values())
        row.state = target
        row.sku = row.sku or product.sku  # a line matched through its offer link has no SKU of its own
        row.changed = True
        self.findings.effects += 1
        if row.shortage > before:
            self.findings.oversold.append(row)

    def _cancel(self, row: LineRow, event_id: str) -> None:
        if row.state in FINAL_STATES:
            return
        held = row.allocations
        product = self._product(row)
        row.changed = True
        if row.state == OrderLineState.RESERVED:
            if product is not None:
                self._book.release(product, held, row.order_id)
                self.findings.effects += 1
            row.state = OrderLineState.RELEASED
        elif row.state == OrderLineState.DEDUCTED:
            if product is not None:
                self._book.give_back(product, held, row.order_id)
                self.findings.effects += 1
            row.state = OrderLineState.RETURNED
        else:
            row.state = OrderLineState.CANCELLED
        row.pending_state = None
        row.last_event_id = event_id

    def _resize(self, row: LineRow, quantity: int, event_id: str) -> None:
        if row.state in FINAL_STATES:
            return
        row.last_event_id, row.changed = event_id, True
        product = self._product(row)
        if row.state == OrderLineState.UNMATCHED or product is None:
            row.quantity = quantity
            return
        held = row.allocations
        delta = quantity - row.quantity
        row.quantity = quantity
        self.findings.effects += 1
        if delta > 0:
            if row.state == OrderLineState.RESERVED:
                more = self._book.reserve(product, delta, self._priority, row.order_id)
            else:
                more = self._book.sell(product, delta, {}, self._priority, row.order_id)
            row.allocations = merge(held, more)
            row.shortage += delta - sum(more.values())
            if sum(more.values()) < delta:
                self.findings.oversold.append(row)
            return
        fewer = -delta
        unserved = min(row.shortage, fewer)  # units never taken go first: nothing to give back
        row.shortage -= unserved
        back = take_back(held, fewer - unserved, self._priority)
        if row.state == OrderLineState.RESERVED:
            self._book.release(product, back, row.order_id)
        else:
            self._book.give_back(product, back, row.order_id)
        row.allocations = subtract(held, back)

    def _wait_for_product(self, row: LineRow, target: OrderLineState) -> None:
        row.state = OrderLineState.UNMATCHED
        row.pending_state = target
        self.findings.unmatched += 1
        key = unknown_key(row.sku, row.offer_id)
        if key not in self._known_unknown:
            self._known_unknown.add(key)
            self.findings.new_unknown[key] = LineData(
                row.order_id, row.line_id, row.quantity, row.sku, row.offer_id or "", row.offer_name
            )

    # --- rows ----------------------------------------------------------------------------------------

    def _create(self, data: LineData, event_id: str) -> LineRow:
        row = LineRow(
            order_id=data.order_id,
            line_id=data.line_id,
            quantity=data.quantity,
            state=OrderLineState.CANCELLED,
            sku=data.sku,
            offer_id=data.offer_id,
            offer_name=data.offer_name,
            last_event_id=event_id,
        )
        self._remember(row)
        return row

    def _remember(self, row: LineRow) -> None:
        self._lines[(row.order_id, row.line_id)] = row
        self._orders.setdefault(row.order_id, []).append(row)

    def _product(self, row: LineRow) -> Product | None:
        """The line's product; None only when it was deleted since (its history stays, no stock moves)."""
        return self._index.by_id.get(row.product_id) if row.product_id is not None else None


def _strs(allocation: dict[int, int]) -> dict[str, int]:
    # JSON object keys are strings: store them so.
    return {str(warehouse_id): units for warehouse_id, units in sorted(allocation.items())}
