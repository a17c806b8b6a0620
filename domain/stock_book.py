"""Stock effects of a whole page of channel orders, applied in memory on rows locked once.

`domain.inventory.Inventory` moves one product in one warehouse per call (two statements to lock the
row, a flush per call): about 4 ms a line, so a page of 1,000 order lines would take seconds. A
`StockBook` locks the stock rows of every product a page touches in one ``SELECT … FOR UPDATE``
(ordered by product and warehouse, the order every other writer locks in), changes them in memory, and
`write` sends the changed rows and the operations it logged in one executemany each. The per-row
arithmetic is `domain.stock_rules` (the inventory's too), the operation rows are
`domain.oplog.operation_values`, and every movement is marked for the outbox through `domain.db`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.allocation import Allocation, allocate, merge
from domain.db import mark_stock_changed
from domain.models import Operation, OperationType, Product, Stock
from domain.oplog import operation_values
from domain.stock_rules import release_units, reserve_units, return_units, sell_available, sell_reserved

_LOCK_CHUNK = 1000
_INSERT_CHUNK = 1000


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
        self._operations: list[dict[str, object]] = []

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
        changed, created = [], []
        for product_id, rows in self._rows.items():
            for warehouse_id, row in rows.items():
                if row.changed and row.stored:
                    changed.append(
                        {
                            "b_product": product_id,
                            "b_warehouse": warehouse_id,
                            "b_on_hand": row.on_hand,
                            "b_reserved": row.reserved,
                        }
                    )
                elif not row.stored:
                    created.append(
                        {
                            "product_id": product_id,
                            "warehouse_id": warehouse_id,
                            "on_hand": row.on_hand,
                            "reserved": row.reserved,
                        }
                    )
                row.changed, row.stored = False, True
        stock = cast(Table, Stock.__table__)
        if changed:
            await self._session.execute(
                update(stock)
                .where(
                    stock.c.product_id == bindparam("b_product"),
                    stock.c.warehouse_id == bindparam("b_warehouse"),
                )
                .values(
                    on_hand=bindparam("b_on_hand"), reserved=bindparam("b_reserved"), updated_at=func.now()
                ),
                changed,
            )
        if created:
            await self._session.execute(insert(stock), created)
        operations = cast(Table, Operation.__table__)
        for start in range(0, len(self._operations), _INSERT_CHUNK):
            await self._session.execute(insert(operations), self._operations[start : start + _INSERT_CHUNK])
        self._operations.clear()

    def available(self, product_id: int) -> Allocation:
        return {wid: row.on_hand - row.reserved for wid, row in self._rows.get(product_id, {}).items()}

    def reserve(self, product: Product, quantity: int, priority: Sequence[int], ref: str) -> Allocation:
        """Reserve up to ``quantity`` units by warehouse priority; returns what was reserved."""
        taken, _ = allocate(self.available(product.id), priority, quantity)
        for warehouse_id, units in taken.items():
            reserve_units(self._row(product.id, warehouse_id), units)
            self._log(OperationType.RESERVE, product, warehouse_id, -units, ref)
        return taken

    def release(self, product: Product, allocation: Mapping[int, int], ref: str) -> None:
        for warehouse_id, units in allocation.items():
            given = release_units(self._row(product.id, warehouse_id), units)
            if given:
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
            from_reservation = sell_reserved(row, min(units, quantity - sum(sold.values())))
            if from_reservation > 0:
                sold[warehouse_id] = from_reservation
        rest = quantity - sum(sold.values())
        extra, _ = allocate(self.available(product.id), priority, rest) if rest > 0 else ({}, 0)
        for warehouse_id, units in extra.items():
            sell_available(self._row(product.id, warehouse_id), units)
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
                return_units(self._row(product.id, warehouse_id), units)
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
        # Plain values, not ORM objects: an object per row would cost more than the rest of the page.
        self._operations.append(
            operation_values(
                self._actor,
                op_type,
                product,
                warehouse_id=warehouse_id,
                quantity_delta=delta,
                external_ref=ref,
            )
        )
        if marks:
            self.changed_products.add(product.id)
            mark_stock_changed(self._session, [product.id])
