"""Stock movements. Each call changes stock rows, logs its operation and marks the outbox, inside the
caller's transaction (a unit of work: `Database.transaction()` or the bot's per-update session).

Rows are read with `SELECT … FOR UPDATE` before they change, so concurrent movements of the same
product and warehouse queue up on PostgreSQL; on SQLite every transaction already holds the write lock
(`BEGIN IMMEDIATE`). The table's CHECK constraints are the last line of defence: stock never goes
negative and never reserves more than is on hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.db import mark_stock_changed
from domain.errors import InsufficientStockError, NotFoundError, ValidationError
from domain.models import OperationType, Product, Stock, Warehouse
from domain.oplog import insert_operation
from domain.stock_rules import release_units, reserve_units, return_units, sell_available, sell_reserved
from domain.upsert import insert_for

MAX_QUANTITY = 1_000_000
WRITE_OFF_REASONS = ("damaged", "lost", "expired", "defective", "internal_use", "other")
_CHUNK = 500

# Every movement runs the statements below, so they are built once, with bound parameters: building a
# statement and computing its cache key cost more Python time than the round trip itself.
_products = Product.__table__
_warehouses = Warehouse.__table__
_stock = Stock.__table__


def _warehouse_column(param: str, column: str) -> Any:
    return select(_warehouses.c[column]).where(_warehouses.c.id == bindparam(param)).scalar_subquery()


# What a movement checks first, in one round trip: the product's columns (not the ORM object, whose
# `eans` would cost another query) and the code and state of up to two warehouses (NULL when missing).
_SUBJECT = select(
    _products.c.id,
    _products.c.sku,
    _products.c.archived,
    _warehouse_column("first", "code"),
    _warehouse_column("first", "active"),
    _warehouse_column("second", "code"),
    _warehouse_column("second", "active"),
).where(_products.c.id == bindparam("product_id"))
_LEVELS = (
    select(
        _warehouses.c.id,
        _warehouses.c.code,
        _warehouses.c.name,
        _warehouses.c.active,
        _stock.c.on_hand,
        _stock.c.reserved,
    )
    .select_from(
        _warehouses.outerjoin(
            _stock,
            (_stock.c.warehouse_id == _warehouses.c.id) & (_stock.c.product_id == bindparam("product_id")),
        )
    )
    .order_by(_warehouses.c.code)
)
_LOCK = (
    select(Stock)
    .where(Stock.product_id == bindparam("product_id"), Stock.warehouse_id == bindparam("warehouse_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


@dataclass(frozen=True, slots=True)
class _ProductRow:
    id: int
    sku: str


@dataclass(frozen=True, slots=True)
class _WarehouseRow:
    id: int
    code: str


@dataclass(frozen=True, slots=True)
class StockLevel:
    warehouse_id: int
    warehouse_code: str
    warehouse_name: str
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True, slots=True)
class ProductStock:
    product_id: int
    levels: tuple[StockLevel, ...]

    @property
    def on_hand(self) -> int:
        return sum(level.on_hand for level in self.levels)

    @property
    def reserved(self) -> int:
        return sum(level.reserved for level in self.levels)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def at(self, warehouse_id: int) -> StockLevel | None:
        return next((level for level in self.levels if level.warehouse_id == warehouse_id), None)


async def read_levels(session: AsyncSession, product_ids: Iterable[int]) -> dict[int, int]:
    """Available-to-sell (on hand minus reserved, over every warehouse) per product; never negative."""
    ids = sorted(set(product_ids))
    levels = dict.fromkeys(ids, 0)
    for start in range(0, len(ids), _CHUNK):
        rows = await session.execute(
            select(Stock.product_id, func.sum(Stock.on_hand - Stock.reserved))
            .where(Stock.product_id.in_(ids[start : start + _CHUNK]))
            .group_by(Stock.product_id)
        )
        for product_id, available in rows.all():
            levels[product_id] = max(0, int(available or 0))
    return levels


def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise ValidationError(
            f"quantity must be a whole number, got {quantity!r}",
            reason="quantity_not_integer",
            value=str(quantity),
        )
    if quantity <= 0:
        raise ValidationError(
            f"quantity must be positive, got {quantity}", reason="quantity_not_positive", value=str(quantity)
        )
    if quantity > MAX_QUANTITY:
        raise ValidationError(
            f"quantity {quantity} is more than {MAX_QUANTITY}",
            reason="quantity_too_large",
            value=str(quantity),
            limit=MAX_QUANTITY,
        )


class Inventory:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- reading -------------------------------------------------------------------------------

    async def stock_of(self, product_id: int, *, include_empty: bool = False) -> ProductStock:
        result = await self.session.execute(_LEVELS, {"product_id": product_id})
        levels = []
        for warehouse_id, code, name, active, on_hand, reserved in result.all():
            # The columns are NOT NULL: a NULL means the warehouse has no stock row for the product.
            has_row = on_hand is not None
            on_hand, reserved = on_hand or 0, reserved or 0
            if not include_empty and on_hand == 0 and reserved == 0 and not active:
                continue
            if not include_empty and not has_row:
                continue
            levels.append(StockLevel(warehouse_id, code, name, on_hand, reserved))
        return ProductStock(product_id, tuple(levels))

    async def available_by_warehouse(self, product_id: int) -> dict[int, int]:
        result = await self.session.execute(select(Stock).where(Stock.product_id == product_id))
        return {row.warehouse_id: row.available for row in result.scalars()}

    # --- helpers ---------------------------------------------------------------------------------

    async def _product(
        self, product_id: int, *warehouse_ids: int, allow_archived: bool = False
    ) -> tuple[_ProductRow, Row[*tuple[Any, ...]]]:
        """The product, checked, and the row `_warehouse` reads the given (at most two) warehouses from."""
        first, second = (warehouse_ids[0], warehouse_ids[-1]) if warehouse_ids else (None, None)
        params = {"product_id": product_id, "first": first, "second": second}
        row = (await self.session.execute(_SUBJECT, params)).first()
        if row is None:
            raise NotFoundError(f"product {product_id} does not exist", entity="product", id=product_id)
        if row.archived and not allow_archived:
            raise NotFoundError(
                f"product {row.sku} is archived", entity="product", id=product_id, sku=row.sku
            )
        return _ProductRow(row.id, row.sku), row

    @staticmethod
    def _warehouse(
        row: Row[*tuple[Any, ...]], index: int, warehouse_id: int, *, must_be_active: bool = True
    ) -> _WarehouseRow:
        code, active = row[3 + 2 * index], row[4 + 2 * index]
        if code is None or (must_be_active and not active):
            raise NotFoundError(
                f"warehouse {warehouse_id} does not exist or is inactive", entity="warehouse", id=warehouse_id
            )
        return _WarehouseRow(warehouse_id, code)

    async def _select_for_update(self, product_id: int, warehouse_id: int) -> Stock | None:
        params: dict[str, Any] = {"product_id": product_id, "warehouse_id": warehouse_id}
        return await self.session.scalar(_LOCK, params)

    async def _locked(self, product_id: int, warehouse_id: int) -> Stock:
        # The row nearly always exists: lock it in one round trip, create it only when missing.
        row = await self._select_for_update(product_id, warehouse_id)
        if row is not None:
            return row
        await self.session.execute(
            insert_for(self.session.get_bind().dialect.name, Stock)
            .values(product_id=product_id, warehouse_id=warehouse_id, on_hand=0, reserved=0)
            .on_conflict_do_nothing(index_elements=["product_id", "warehouse_id"])
        )
        row = await self._select_for_update(product_id, warehouse_id)
        assert row is not None  # inserted just above, by us or by a concurrent transaction
        return row

    def _changed(self, product: _ProductRow) -> None:
        mark_stock_changed(self.session, [product.id])

    async def _level(self, product_id: int) -> ProductStock:
        await self.session.flush()
        return await self.stock_of(product_id)

    @staticmethod
    def _require_available(
        row: Stock, product: _ProductRow, warehouse_code: str, quantity: int, action: str
    ) -> None:
        if row.available < quantity:
            raise InsufficientStockError(
                f"only {row.available} of {product.sku} available in {warehouse_code}, "
                f"cannot {action} {quantity}",
                sku=product.sku,
                warehouse=warehouse_code,
                available=row.available,
                requested=quantity,
            )

    # --- staff movements -----------------------------------------------------------------------

    async def receive(
        self,
        actor: Actor,
        product_id: int,
        warehouse_id: int,
        quantity: int,
        *,
        external_ref: str | None = None,
    ) -> ProductStock:
        _check_quantity(quantity)
        product, subject = await self._product(product_id, warehouse_id)
        self._warehouse(subject, 0, warehouse_id)
        row = await self._locked(product_id, warehouse_id)
        row.on_hand += quantity
        await insert_operation(
            self.session,
            actor,
            OperationType.RECEIPT,
            product,
            warehouse_id=warehouse_id,
            quantity_delta=quantity,
            external_ref=external_ref,
        )
        self._changed(product)
        return await self._level(product_id)

    async def transfer(
        self, actor: Actor, product_id: int, from_warehouse_id: int, to_warehouse_id: int, quantity: int
    ) -> ProductStock:
        _check_quantity(quantity)
        if from_warehouse_id == to_warehouse_id:
            raise ValidationError(
                "a transfer needs two different warehouses", reason="transfer_same_warehouse"
            )
        product, subject = await self._product(product_id, from_warehouse_id, to_warehouse_id)
        source_wh = self._warehouse(subject, 0, from_warehouse_id, must_be_active=False)
        self._warehouse(subject, 1, to_warehouse_id)
        # Lock in a fixed order so two opposite transfers cannot deadlock.
        first, second = sorted((from_warehouse_id, to_warehouse_id))
        rows = {first: await self._locked(product_id, first), second: await self._locked(product_id, second)}
        source, target = rows[from_warehouse_id], rows[to_warehouse_id]
        self._require_available(source, product, source_wh.code, quantity, "move")
        source.on_hand -= quantity
        target.on_hand += quantity
        await insert_operation(
            self.session,
            actor,
            OperationType.TRANSFER,
            product,
            warehouse_id=from_warehouse_id,
            to_warehouse_id=to_warehouse_id,
            quantity_delta=quantity,
        )
        # Total available does not change, but channels with per-warehouse rules may care.
        self._changed(product)
        return await self._level(product_id)

    async def write_off(
        self, actor: Actor, product_id: int, warehouse_id: int, quantity: int, reason: str
    ) -> ProductStock:
        _check_quantity(quantity)
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError("a write-off needs a reason", reason="write_off_reason")
        product, subject = await self._product(product_id, warehouse_id, allow_archived=True)
        warehouse = self._warehouse(subject, 0, warehouse_id, must_be_active=False)
        row = await self._locked(product_id, warehouse_id)
        self._require_available(row, product, warehouse.code, quantity, "write off")
        row.on_hand -= quantity
        await insert_operation(
            self.session,
            actor,
            OperationType.WRITE_OFF,
            product,
            warehouse_id=warehouse_id,
            quantity_delta=-quantity,
            reason=reason[:255],
        )
        self._changed(product)
        return await self._level(product_id)

    async def count(
        self, actor: Actor, product_id: int, warehouse_id: int, actual: int
    ) -> tuple[int, ProductStock]:
        """Set the counted on-hand level; logs the delta (0 too: "counted, no difference")."""
        if not isinstance(actual, int) or isinstance(actual, bool) or actual < 0 or actual > MAX_QUANTITY:
            raise ValidationError(
                f"a count must be a whole number from 0 to {MAX_QUANTITY}, got {actual!r}",
                reason="count_invalid",
                value=str(actual),
            )
        product, subject = await self._product(product_id, warehouse_id, allow_archived=True)
        warehouse = self._warehouse(subject, 0, warehouse_id, must_be_active=False)
        row = await self._locked(product_id, warehouse_id)
        if actual < row.reserved:
            raise InsufficientStockError(
                f"{row.reserved} of {product.sku} in {warehouse.code} are reserved for orders; "
                f"a count of {actual} is below that",
                sku=product.sku,
                warehouse=warehouse.code,
                reserved=row.reserved,
                requested=actual,
            )
        delta = actual - row.on_hand
        row.on_hand = actual
        await insert_operation(
            self.session,
            actor,
            OperationType.COUNT,
            product,
            warehouse_id=warehouse_id,
            quantity_delta=delta,
            changes={"on_hand": [actual - delta, actual]},
        )
        if delta:
            self._changed(product)
        return delta, await self._level(product_id)

    # --- channel orders ------------------------------------------------------------------------
    # These never raise for lack of stock: a marketplace has already sold the units, so they take
    # what there is and return how many they took (`domain.stock_rules`, shared with
    # `domain.stock_book.StockBook`); the caller records the shortage and alerts.

    async def reserve(
        self, actor: Actor, product_id: int, warehouse_id: int, quantity: int, *, external_ref: str
    ) -> int:
        _check_quantity(quantity)
        product, _ = await self._product(product_id, allow_archived=True)
        row = await self._locked(product_id, warehouse_id)
        taken = reserve_units(row, quantity)
        if taken:
            await insert_operation(
                self.session,
                actor,
                OperationType.RESERVE,
                product,
                warehouse_id=warehouse_id,
                quantity_delta=-taken,
                external_ref=external_ref,
            )
            self._changed(product)
        return taken

    async def release(
        self, actor: Actor, product_id: int, warehouse_id: int, quantity: int, *, external_ref: str
    ) -> int:
        _check_quantity(quantity)
        product, _ = await self._product(product_id, allow_archived=True)
        row = await self._locked(product_id, warehouse_id)
        given = release_units(row, quantity)
        if given:
            await insert_operation(
                self.session,
                actor,
                OperationType.RELEASE,
                product,
                warehouse_id=warehouse_id,
                quantity_delta=given,
                external_ref=external_ref,
            )
            self._changed(product)
        return given

    async def deduct(
        self,
        actor: Actor,
        product_id: int,
        warehouse_id: int,
        quantity: int,
        *,
        reserved: int = 0,
        external_ref: str,
    ) -> int:
        """A sale: `reserved` of the units were reserved earlier and now leave with the rest.

        Returns how many units left on-hand (less than `quantity` when the shelf was short).
        """
        _check_quantity(quantity)
        product, _ = await self._product(product_id, allow_archived=True)
        row = await self._locked(product_id, warehouse_id)
        from_reservation = sell_reserved(row, min(reserved, quantity))
        extra = sell_available(row, quantity - from_reservation)
        taken = from_reservation + extra
        if taken:
            await insert_operation(
                self.session,
                actor,
                OperationType.SALE,
                product,
                warehouse_id=warehouse_id,
                quantity_delta=-taken,
                external_ref=external_ref,
            )
        if extra:
            self._changed(product)
        return taken

    async def return_stock(
        self, actor: Actor, product_id: int, warehouse_id: int, quantity: int, *, external_ref: str
    ) -> None:
        _check_quantity(quantity)
        product, _ = await self._product(product_id, allow_archived=True)
        row = await self._locked(product_id, warehouse_id)
        return_units(row, quantity)
        await insert_operation(
            self.session,
            actor,
            OperationType.RETURN,
            product,
            warehouse_id=warehouse_id,
            quantity_delta=quantity,
            external_ref=external_ref,
        )
        self._changed(product)
