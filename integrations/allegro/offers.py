"""Offer ↔ product links: an offer belongs to the product whose SKU is its ``external.id``.

Links are kept in ``allegro_offers`` (one row per offer of an account). A push refreshes the links of the
products it pushes by searching their SKUs (100 per request); a reconcile lists every offer of the
account once and relinks them all, which also finds the problems worth reporting: SKUs sold through
several offers, offers whose SKU we do not know (or that have none) and SKUs without any offer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.channels import Progress
from domain.db import Database
from domain.models import AllegroOffer, Product
from domain.upsert import insert_for
from domain.validation import sku_key
from integrations.allegro.client import AllegroClient
from integrations.allegro.config import ChannelRules
from integrations.allegro.models import Offer

_CHUNK = 500
NAME_LENGTH = 255


@dataclass(frozen=True, slots=True)
class ProductRef:
    id: int
    sku: str
    archived: bool = False


@dataclass
class LinkReport:
    """What linking found, for the reconcile report, the CLI and the bot."""

    offers: int = 0  # offers looked at
    linked: int = 0  # offers now linked to a product
    several: dict[str, list[str]] = field(default_factory=dict)  # SKU -> its offer ids
    unknown: list[tuple[str | None, str, str]] = field(default_factory=list)  # (external id, offer, name)
    missing: list[str] = field(default_factory=list)  # SKUs (of active products) without an offer

    def problems(self) -> dict[str, str]:
        """SKU (or ``offer <id>``) → a short English reason, as `SyncReport.problem_skus` carries them."""
        found: dict[str, str] = {}
        for sku, offer_ids in sorted(self.several.items()):
            found[sku] = f"{len(offer_ids)} offers: {', '.join(offer_ids)}"
        for external_id, offer_id, name in self.unknown:
            if external_id:
                found[external_id] = f"no product with this SKU (offer {offer_id} “{name}”)"
            else:
                found[f"offer {offer_id}"] = f"the offer “{name}” has no SKU (external id)"
        return found


async def product_refs(session: AsyncSession, product_ids: Iterable[int] | None = None) -> list[ProductRef]:
    """The given products, or every product (archived too: their offers must learn they sell out)."""
    query = select(Product.id, Product.sku, Product.archived).order_by(Product.id)
    ids = sorted(set(product_ids)) if product_ids is not None else None
    if ids is None:
        return [ProductRef(*row) for row in (await session.execute(query)).all()]
    refs: list[ProductRef] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = query.where(Product.id.in_(ids[start : start + _CHUNK]))
        refs.extend(ProductRef(*row) for row in (await session.execute(chunk)).all())
    return refs


class OfferLinker:
    def __init__(self, db: Database, rules: ChannelRules) -> None:
        self._db = db
        self._rules = rules

    async def link_products(
        self, client: AllegroClient, account_id: int, products: Sequence[ProductRef]
    ) -> dict[int, list[Offer]]:
        """Search the offers of these products by SKU and store the links; offers per product id."""
        found = await client.find_offers_by_external_ids(
            [product.sku for product in products],
            publication_status=self._rules.offer_statuses,
            marketplace=self._rules.marketplace,
        )
        by_key = {sku_key(sku): offers for sku, offers in found.items()}
        linked = {product.id: by_key.get(sku_key(product.sku), []) for product in products}
        async with self._db.transaction() as session:
            await _store(session, account_id, linked)
            await _drop_other_links(session, account_id, linked)
        return linked

    async def link_all(
        self, client: AllegroClient, account_id: int, progress: Progress | None = None
    ) -> tuple[dict[int, list[Offer]], LinkReport]:
        """List every offer of the account, link each to the product with its SKU, report problems."""
        async with self._db.sessions() as session:
            products = await product_refs(session)
        by_key = {sku_key(product.sku): product for product in products}
        report = LinkReport()
        linked: dict[int, list[Offer]] = {}
        async for offer in client.iter_offers(
            publication_status=self._rules.offer_statuses, marketplace=self._rules.marketplace
        ):
            report.offers += 1
            product = by_key.get(sku_key(offer.external_id)) if offer.external_id else None
            if product is None:
                report.unknown.append((offer.external_id, offer.id, offer.name or ""))
            else:
                linked.setdefault(product.id, []).append(offer)
            if progress is not None and report.offers % 1000 == 0:
                await progress(report.offers, 0)
        for product in products:
            offers = linked.get(product.id, [])
            if len(offers) > 1:
                report.several[product.sku] = [offer.id for offer in offers]
            elif not offers and not product.archived:
                report.missing.append(product.sku)
        report.linked = sum(len(offers) for offers in linked.values())
        async with self._db.transaction() as session:
            await _store(session, account_id, linked)
            await _keep_only(session, account_id, {o.id for offers in linked.values() for o in offers})
        return linked, report


async def _store(session: AsyncSession, account_id: int, linked: dict[int, list[Offer]]) -> None:
    rows = [
        {
            "account_id": account_id,
            "offer_id": offer.id,
            "product_id": product_id,
            "external_id": offer.external_id,
            "name": (offer.name or "")[:NAME_LENGTH],
            "status": offer.publication.status if offer.publication else None,
        }
        for product_id, offers in linked.items()
        for offer in offers
    ]
    if not rows:
        return
    statement = insert_for(session.get_bind().dialect.name, AllegroOffer)
    statement = statement.on_conflict_do_update(
        index_elements=["account_id", "offer_id"],
        set_={
            "product_id": statement.excluded.product_id,
            "external_id": statement.excluded.external_id,
            "name": statement.excluded.name,
            "status": statement.excluded.status,
            "updated_at": func.now(),
        },
    )
    for start in range(0, len(rows), _CHUNK):
        await session.execute(statement, rows[start : start + _CHUNK])


async def _drop_other_links(session: AsyncSession, account_id: int, linked: dict[int, list[Offer]]) -> None:
    """Offers linked to these products before that no longer carry their SKU."""
    current = {offer.id for offers in linked.values() for offer in offers}
    ids = sorted(linked)
    for start in range(0, len(ids), _CHUNK):
        stale = await session.scalars(
            select(AllegroOffer.offer_id).where(
                AllegroOffer.account_id == account_id,
                AllegroOffer.product_id.in_(ids[start : start + _CHUNK]),
            )
        )
        await _delete(session, account_id, [offer_id for offer_id in stale if offer_id not in current])


async def _keep_only(session: AsyncSession, account_id: int, offer_ids: set[str]) -> None:
    known = await session.scalars(select(AllegroOffer.offer_id).where(AllegroOffer.account_id == account_id))
    await _delete(session, account_id, [offer_id for offer_id in known if offer_id not in offer_ids])


async def _delete(session: AsyncSession, account_id: int, offer_ids: Sequence[str]) -> None:
    for start in range(0, len(offer_ids), _CHUNK):
        await session.execute(
            delete(AllegroOffer).where(
                AllegroOffer.account_id == account_id,
                AllegroOffer.offer_id.in_(offer_ids[start : start + _CHUNK]),
            )
        )
