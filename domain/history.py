"""Reading the operations log: per product or global, newest first, filtered and paged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.models import Operation, OperationType, User, Warehouse


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    id: int
    type: OperationType
    actor: str
    user_name: str | None
    product_id: int | None
    sku: str
    warehouse_code: str | None
    to_warehouse_code: str | None
    quantity_delta: int | None
    reason: str | None
    changes: dict[str, Any] | None
    external_ref: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryPage:
    entries: list[HistoryEntry]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.entries) < self.total


def _filtered(
    query: Select[Any],
    product_id: int | None,
    types: Sequence[OperationType] | None,
    user_id: int | None,
    actor: str | None,
) -> Select[Any]:
    if product_id is not None:
        query = query.where(Operation.product_id == product_id)
    if types:
        query = query.where(Operation.type.in_(list(types)))
    if user_id is not None:
        query = query.where(Operation.user_id == user_id)
    if actor is not None:
        query = query.where(Operation.actor == actor)
    return query


async def read_history(
    session: AsyncSession,
    *,
    product_id: int | None = None,
    types: Sequence[OperationType] | None = None,
    user_id: int | None = None,
    actor: str | None = None,
    limit: int = 10,
    offset: int = 0,
) -> HistoryPage:
    source = aliased(Warehouse)
    target = aliased(Warehouse)
    query = (
        select(Operation, User.display_name, User.telegram_id, source.code, target.code)
        .outerjoin(User, User.id == Operation.user_id)
        .outerjoin(source, source.id == Operation.warehouse_id)
        .outerjoin(target, target.id == Operation.to_warehouse_id)
    )
    query = _filtered(query, product_id, types, user_id, actor)
    rows = await session.execute(
        query.order_by(Operation.created_at.desc(), Operation.id.desc()).limit(limit).offset(offset)
    )
    count_query = _filtered(select(func.count()).select_from(Operation), product_id, types, user_id, actor)
    total = await session.scalar(count_query) or 0
    entries = [
        HistoryEntry(
            id=op.id,
            type=op.type,
            actor=op.actor,
            user_name=(name or (str(telegram_id) if telegram_id else None)),
            product_id=op.product_id,
            sku=op.sku,
            warehouse_code=source_code,
            to_warehouse_code=target_code,
            quantity_delta=op.quantity_delta,
            reason=op.reason,
            changes=op.changes,
            external_ref=op.external_ref,
            created_at=op.created_at,
        )
        for op, name, telegram_id, source_code, target_code in rows.all()
    ]
    return HistoryPage(entries, total, offset, limit)
