"""Queries behind the stock alerts: order lines that need a person, and products running low."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import ChannelOrderLine, OrderLineState, Product, Stock


@dataclass(frozen=True, slots=True)
class OrderProblem:
    line_id: int
    order_id: str
    sku: str
    offer_name: str
    quantity: int
    shortage: int
    unmatched: bool


@dataclass(frozen=True, slots=True)
class LowStock:
    product_id: int
    sku: str
    name: str
    available: int
    threshold: int


async def database_now(session: AsyncSession) -> datetime:
    """The database clock: order lines are stamped by it, so "since" must come from it too."""
    moment = await session.scalar(select(func.now()))
    assert moment is not None
    return moment


async def order_problems(
    session: AsyncSession, channel: str, account_id: int, since: datetime
) -> list[OrderProblem]:
    """Lines written since `since` whose SKU is unknown here or that could not be fully served."""
    # SQLite stamps whole seconds: step back one so a line from the same second is not missed
    # (the alerts are deduplicated per line, so seeing one twice is harmless).
    rows = await session.scalars(
        select(ChannelOrderLine)
        .where(
            ChannelOrderLine.channel == channel,
            ChannelOrderLine.account_id == account_id,
            ChannelOrderLine.updated_at >= since - timedelta(seconds=1),
            or_(ChannelOrderLine.state == OrderLineState.UNMATCHED, ChannelOrderLine.shortage > 0),
        )
        .order_by(ChannelOrderLine.id)
    )
    return [
        OrderProblem(
            line_id=row.id,
            order_id=row.order_id,
            sku=row.sku or "",
            offer_name=row.offer_name or "",
            quantity=row.quantity,
            shortage=row.shortage,
            unmatched=row.state == OrderLineState.UNMATCHED,
        )
        for row in rows
    ]


async def low_stock(
    session: AsyncSession, default_threshold: int, product_ids: Iterable[int] | None = None
) -> tuple[list[LowStock], list[int]]:
    """(products at or below their threshold, ids of the others) among `product_ids` (or all)."""
    # Inner join: a product that never had stock anywhere is not "running low", it is not stocked.
    query = (
        select(
            Product.id,
            Product.sku,
            Product.name,
            Product.low_stock_threshold,
            func.sum(Stock.on_hand - Stock.reserved).label("available"),
        )
        .join(Stock, Stock.product_id == Product.id)
        .where(Product.archived.is_(False))
        .group_by(Product.id, Product.sku, Product.name, Product.low_stock_threshold)
    )
    if product_ids is not None:
        query = query.where(Product.id.in_(list(product_ids)))
    low, fine = [], []
    for product_id, sku, name, own_threshold, available in await session.execute(query.order_by(Product.sku)):
        threshold = default_threshold if own_threshold is None else own_threshold
        if available <= threshold:
            low.append(LowStock(product_id, sku, name, int(available), threshold))
        else:
            fine.append(product_id)
    return low, fine
