"""The sales-channel part of a product card: its Allegro offers and Wix items, and the last push.

Reads the link tables the integrations fill (allegro_offers, wix_product_mappings), both in one
statement; a product with no row in one of them is "not linked" there.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram_i18n import I18nContext
from sqlalchemy import bindparam, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.views.format import escape, format_time
from domain.models import AllegroAccount, AllegroOffer, Channel, WixAccount, WixProductMapping

# Built once, with a bound parameter: building a statement and computing its cache key cost more Python
# time than the round trip itself (as in domain.inventory). Offers and Wix items share one statement.
_OFFERS = (
    select(
        literal(Channel.ALLEGRO.value).label("channel"),
        AllegroAccount.name.label("account"),
        AllegroOffer.offer_id,
        AllegroOffer.status,
        AllegroOffer.last_pushed_quantity,
        AllegroOffer.last_pushed_at,
    )
    .join(AllegroAccount, AllegroAccount.id == AllegroOffer.account_id)
    .where(AllegroOffer.product_id == bindparam("product_id"))
)
_ITEMS = (
    select(
        literal(Channel.WIX.value),
        WixAccount.name,
        null(),
        null(),
        WixProductMapping.last_pushed_quantity,
        WixProductMapping.last_pushed_at,
    )
    .join(WixAccount, WixAccount.id == WixProductMapping.account_id)
    .where(WixProductMapping.product_id == bindparam("product_id"))
)
_BOTH = union_all(_OFFERS, _ITEMS).subquery()
_LINKS = select(_BOTH).order_by(_BOTH.c.account, _BOTH.c.offer_id)


async def channel_status_lines(
    session: AsyncSession, i18n: I18nContext, product_id: int, zone: ZoneInfo
) -> list[str]:
    rows = (await session.execute(_LINKS, {"product_id": product_id})).all()
    offers = [row for row in rows if row.channel == Channel.ALLEGRO]
    items = [row for row in rows if row.channel == Channel.WIX]
    lines = [i18n.get("card-channels")]
    if not offers:
        lines.append(i18n.get("card-allegro-not-linked"))
    for offer in offers:
        lines.append(
            i18n.get(
                "card-allegro-offer",
                account=escape(offer.account),
                offer=escape(offer.offer_id),
                status=escape(offer.status or "—"),
                pushed=_pushed(i18n, offer.last_pushed_quantity, offer.last_pushed_at, zone),
            )
        )
    if not items:
        lines.append(i18n.get("card-wix-not-linked"))
    for item in items:
        lines.append(
            i18n.get(
                "card-wix-item",
                account=escape(item.account),
                pushed=_pushed(i18n, item.last_pushed_quantity, item.last_pushed_at, zone),
            )
        )
    return lines


def _pushed(i18n: I18nContext, quantity: int | None, at: datetime | None, zone: ZoneInfo) -> str:
    if quantity is None or at is None:
        return i18n.get("card-never-pushed")
    return i18n.get("card-last-push", quantity=quantity, time=format_time(at, zone))
