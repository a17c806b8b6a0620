"""Writing to the operations log: the one place that builds `Operation` rows.

`operation_values` is the row as plain column values: `log_operation` makes an ORM object of it,
`insert_operation` inserts it at once, and `domain.stock_book.StockBook` inserts a page's worth of
them in one executemany.
"""

from __future__ import annotations

from typing import Any, Protocol, TypedDict, Unpack, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.models import Operation, OperationType, Product

_INSERT = insert(cast(Table, Operation.__table__))


class ProductRef(Protocol):
    """What a log row needs of its product: a `Product` or a lighter row of its columns."""

    @property
    def id(self) -> int: ...

    @property
    def sku(self) -> str: ...


class OperationColumns(TypedDict, total=False):
    warehouse_id: int | None
    to_warehouse_id: int | None
    quantity_delta: int | None
    reason: str | None
    changes: dict[str, list[Any]] | None
    external_ref: str | None


def operation_values(
    actor: Actor, op_type: OperationType, product: ProductRef, **columns: Unpack[OperationColumns]
) -> dict[str, Any]:
    return {
        "type": op_type,
        "actor": actor.label,
        "user_id": actor.user_id,
        "product_id": product.id,
        "sku": product.sku,
        "warehouse_id": None,
        "to_warehouse_id": None,
        "quantity_delta": None,
        "reason": None,
        "changes": None,
        "external_ref": None,
        **columns,
    }


def log_operation(
    session: AsyncSession,
    actor: Actor,
    op_type: OperationType,
    product: Product,
    **columns: Unpack[OperationColumns],
) -> Operation:
    operation = Operation(**operation_values(actor, op_type, product, **columns))
    session.add(operation)
    return operation


async def insert_operation(
    session: AsyncSession,
    actor: Actor,
    op_type: OperationType,
    product: ProductRef,
    **columns: Unpack[OperationColumns],
) -> None:
    """The row inserted at once, for stock movements: nobody reads it back, so the ORM unit of work
    (an object, its identity, a flush step) would be pure overhead on every movement."""
    await session.execute(_INSERT, operation_values(actor, op_type, product, **columns))
