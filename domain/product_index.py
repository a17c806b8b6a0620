"""The products a page of channel orders may need, loaded in one query: by SKU key, by id and by the
channel listing linked to them (a channel that links listings passes those links in)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload

from domain.models import Product
from domain.validation import sku_key


@dataclass
class ProductIndex:
    by_key: dict[str, Product] = field(default_factory=dict)
    by_id: dict[int, Product] = field(default_factory=dict)
    by_offer: dict[str, int] = field(default_factory=dict)

    @classmethod
    async def load(
        cls,
        session: AsyncSession,
        *,
        skus: Iterable[str] = (),
        product_ids: Iterable[int] = (),
        offer_links: Mapping[str, int] | None = None,
    ) -> ProductIndex:
        """``offer_links``: product id per listing id, for lines that name a listing but no known SKU."""
        index = cls(by_offer=dict(offer_links or {}))
        keys = sorted({sku_key(sku) for sku in skus})
        ids = sorted(set(product_ids) | set(index.by_offer.values()))
        conditions = []
        if keys:
            conditions.append(Product.sku_key.in_(keys))
        if ids:
            conditions.append(Product.id.in_(ids))
        if conditions:
            products = await session.scalars(
                select(Product).where(or_(*conditions)).options(raiseload(Product.eans))
            )
            for product in products:
                index.by_id[product.id] = product
                index.by_key[product.sku_key] = product
        return index

    def resolve(self, sku: str | None, offer_id: str | None) -> Product | None:
        if sku:
            product = self.by_key.get(sku_key(sku))
            if product is not None:
                return product
        product_id = self.by_offer.get(offer_id) if offer_id else None
        return self.by_id.get(product_id) if product_id is not None else None
