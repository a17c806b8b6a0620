"""Which products run low: at or under their own threshold, or the global default."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Product, Stock


@dataclass(frozen=True, slots=True)
class LowStock:
    product_id: int
    sku: str
    name: str
    available: int
    threshold: int


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
