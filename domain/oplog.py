"""Writing to the operations log: the one place that builds `Operation` rows.

`operation_values` is the row as plain column values: `log_operation` makes an ORM object of it, and
`domain.stock_book.StockBook` inserts a page's worth of them in one executemany.
"""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.models import Operation, OperationType, Product


class OperationColumns(TypedDict, total=False):
    warehouse_id: int | None
    to_warehouse_id: int | None
    quantity_delta: int | None
    reason: str | None
    changes: dict[str, list[Any]] | None
    external_ref: str | None


def operation_values(
    actor: Actor, op_type: OperationType, product: Product, **columns: Unpack[OperationColumns]
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
