"""Writing to the operations log: the one place that builds `Operation` rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.models import Operation, OperationType, Product


def log_operation(
    session: AsyncSession,
    actor: Actor,
    op_type: OperationType,
    product: Product,
    *,
    warehouse_id: int | None = None,
    to_warehouse_id: int | None = None,
    quantity_delta: int | None = None,
    reason: str | None = None,
    changes: dict[str, list[Any]] | None = None,
    external_ref: str | None = None,
) -> Operation:
    operation = Operation(
        type=op_type,
        actor=actor.label,
        user_id=actor.user_id,
        product_id=product.id,
        sku=product.sku,
        warehouse_id=warehouse_id,
        to_warehouse_id=to_warehouse_id,
        quantity_delta=quantity_delta,
        reason=reason,
        changes=changes,
        external_ref=external_ref,
    )
    session.add(operation)
    return operation
