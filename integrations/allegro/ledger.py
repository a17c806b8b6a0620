"""Stock effects of a whole page of order events, applied in memory on rows locked once.

`domain.inventory.Inventory` moves one product in one warehouse per call (two statements to lock the
row, a flush per call): about 4 ms a line, so a page of 1,000 events would take seconds. A `StockBook`
locks the stock rows of every product a page touches in one ``SELECT … FOR UPDATE`` (ordered by product
and warehouse, the order every other writer locks in), changes them in memory, and `write` sends the
changed rows and the operations it logged in one executemany each. The arithmetic is the inventory's
channel-order rule (take what there is, report what was taken), and every movement is logged through
`domain.oplog` and marked for the outbox through `domain.db`, exactly as
`Inventory.reserve`/`release`/`deduct`/`return_stock` do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.allocation import allocate, warehouse_order
from domain.db import mark_stock_changed
from domain.models import Base, Operation, OperationType, Product, Stock
from domain.oplog import log_operation

Allocation = dict[int, int]
"""Units per warehouse id."""

_LOCK_CHUNK = 1000
_INSERT_CHUNK = 1000


async def insert_all(session: AsyncSession, objects: Sequence[Base]) -> None:
    """Write new (transient) rows with one executemany per chunk.

    The ORM needs each new row's key back, which SQLite gives one INSERT at a time; these rows are
    never read back in the transaction, so their column values go out in bulk instead.
    """
    if not objects:
        return
    table = cast(Table, type(objects[0]).__table__)
    columns = [c.key for c in table.columns if not c.primary_key and c.server_default is None]
    rows = [{column: getattr(item, column) for column in columns} for item in objects]
    for start in range(0, len(rows), _INSERT_CHUNK):
        await session.execute(insert(table), rows[start : start + _INSERT_CHUNK])


class _Collected:
    """Stands in for the session in `log_operation`: the page's operations are written together."""

    def __init__(self) -> None:
        self.rows: list[Operation] = []

    def add(self, operation: Operation) -> None:
        self.rows.append(operation)


def merge(first: Mapping[int, int], second: Mapping[int, int]) -> Allocation:
    merged = dict(first)
    for warehouse_id, units in second.items():
        merged[warehouse_id] = merged.get(warehouse_id, 0) + units
    return {warehouse_id: units for warehouse_id, units in merged.items() if units > 0}


def take_back(allocation: Mapping[int, int], units: int, priority: Sequence[int]) -> Allocation:
    """Which units to give back when a line shrinks: from the last warehouse in priority order first."""
    order = list(reversed(warehouse_order(priority, list(allocation))))
    given: Allocation = {}
    for warehouse_id in order:
        if units <= 0:
            break
        part = min(units, allocation[warehouse_id])
        if part:
            given[warehouse_id] = part
            units -= part
    return given


def subtract(allocation: Mapping[int, int], part: Mapping[int, int]) -> Allocation:
    left = {warehouse_id: units - part.get(warehouse_id, 0) for warehouse_id, units in allocation.items()}
    return {warehouse_id: units for warehouse_id, units in left.items() if units > 0}


@dataclass(slots=True)
class _Level:
    """One locked stock row as the page sees it."""

    on_hand: int
    reserved: int
    stored: bool = True  # False: a row the page creates
    changed: bool = False


class StockBook:
    """The locked stock rows of some products; every change is logged as one operation per warehouse."""

    def __init__(
        self, session: AsyncSession, actor: Actor, rows: Iterable[tuple[int, int, int, int]] = ()
    ) -> None:
        self._session = session
        self._actor = actor
        self._rows: dict[int, dict[int, _Level]] = {}
        for product_id, warehouse_id, on_hand, reserved in rows:
            self._rows.setdefault(product_id, {})[warehouse_id] = _Level(on_hand, reserved)
        self.changed_products: set[int] = set()
        self._operations = _Collected()

    @classmethod
    async def lock(cls, session: AsyncSession, actor: Actor, product_ids: Iterable[int]) -> StockBook:
        ids = sorted(set(product_ids))
        rows: list[tuple[int, int, int, int]] = []
        for start in range(0, len(ids), _LOCK_CHUNK):
            chunk = ids[start : start + _LOCK_CHUNK]
            result = await session.execute(
                select(Stock.product_id, Stock.warehouse_id, Stock.on_hand, Stock.reserved)
                .where(Stock.product_id.in_(chunk))
                .order_by(Stock.product_id, Stock.warehouse_id)
                .with_for_update()
            )
            rows.extend(tuple(row) for row in result.all())  # type: ignore[misc]
        return cls(session, actor, rows)

    async def write(self) -> None:
        """Write the changed stock rows and the logged operations, one executemany each."""
        changed = [
            {
                "b_product": product_id,
                "b_warehouse": warehouse_id,
                "b_on_hand": row.on_hand,
                "b_reserved": row.reserved,
            }
            for product_id, rows in self._rows.items()
            for warehouse_id, row in rows.items()
            if row.changed and row.stored
        ]
        created = [
            Stock(
                product_id=product_id, warehouse_id=warehouse_id, on_hand=row.on_hand, reserved=row.reserved
            )
            for product_id, rows in self._rows.items()
            for warehouse_id, row in rows.items()
            if not row.stored
        ]
        table = cast(Table, Stock.__table__)
        if changed:
            await self._session.execute(
                update(table)
                .where(
                    table.c.product_id == bindparam("b_product"),
                    table.c.warehouse_id == bindparam("b_warehouse"),
                )
                .values(
                    on_hand=bindparam("b_on_hand"), reserved=bindparam("b_reserved"), updated_at=func.now()
                ),
                changed,
            )
        await insert_all(self._session, created)
        await insert_all(self._session, self._operations.rows)
        self._operations.rows.clear()
        for rows in self._rows.values():
            for row in rows.values():
                row.changed, row.stored = False, True

    def available(self, product_id: int) -> Allocation:
        return {wid: row.on_hand - row.reserved for wid, row in self._rows.get(product_id, {}).items()}

    def reserve(self, product: Product, quantity: int, priority: Sequence[int], ref: str) -> Allocation:
        """Reserve up to ``quantity`` units by warehouse priority; returns what was reserved."""
        taken, _ = allocate(self.available(product.id), priority, quantity)
        for warehouse_id, units in taken.items():
            self._row(product.id, warehouse_id).reserved += units
            self._log(OperationType.RESERVE, product, warehouse_id, -units, ref)
        return taken

    def release(self, product: Product, allocation: Mapping[int, int], ref: str) -> None:
        for warehouse_id, units in allocation.items():
            row = self._row(product.id, warehouse_id)
            given = min(units, row.reserved)
            if given:
                row.reserved -= given
                self._log(OperationType.RELEASE, product, warehouse_id, given, ref)

    def sell(
        self,
        product: Product,
        quantity: int,
        reserved: Mapping[int, int],
        priority: Sequence[int],
        ref: str,
    ) -> Allocation:
        """A sale of ``quantity``: the ``reserved`` units leave first, the rest is taken from what is
        available by priority. Returns the units that left per warehouse."""
        sold: Allocation = {}
        for warehouse_id, units in reserved.items():
            row = self._row(product.id, warehouse_id)
            from_reservation = min(units, row.reserved, quantity - sum(sold.values()))
            if from_reservation > 0:
                row.reserved -= from_reservation
                row.on_hand -= from_reservation
                sold[warehouse_id] = from_reservation
        rest = quantity - sum(sold.values())
        extra, _ = allocate(self.available(product.id), priority, rest) if rest > 0 else ({}, 0)
        for warehouse_id, units in extra.items():
            self._row(product.id, warehouse_id).on_hand -= units
        if extra:
            self.changed_products.add(product.id)
            mark_stock_changed(self._session, [product.id])
        sold = merge(sold, extra)
        for warehouse_id, units in sold.items():
            self._log(OperationType.SALE, product, warehouse_id, -units, ref, marks=False)
        return sold

    def give_back(self, product: Product, allocation: Mapping[int, int], ref: str) -> None:
        """Return sold units to the warehouses they left."""
        for warehouse_id, units in allocation.items():
            if units > 0:
                self._row(product.id, warehouse_id).on_hand += units
                self._log(OperationType.RETURN, product, warehouse_id, units, ref)

    def _row(self, product_id: int, warehouse_id: int) -> _Level:
        """A row about to change. Only a return can reach a warehouse without a row (rows are never
        deleted: these units were sold before the row existed); it is inserted by `write`."""
        rows = self._rows.setdefault(product_id, {})
        row = rows.get(warehouse_id)
        if row is None:
            row = rows[warehouse_id] = _Level(0, 0, stored=False)
        row.changed = True
        return row

    def _log(
        self,
        op_type: OperationType,
        product: Product,
        warehouse_id: int,
        delta: int,
        ref: str,
        *,
        marks: bool = True,
    ) -> None:
        log_operation(
            cast(AsyncSession, self._operations),
            self._actor,
            op_type,
            product,
            warehouse_id=warehouse_id,
            quantity_delta=delta,
            external_ref=ref,
        )
        if marks:
            self.changed_products.add(product.id)
            mark_stock_changed(self._session, [product.id])
