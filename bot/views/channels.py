"""The sales-channel part of a product card: its Allegro offers and Wix items, and the last push.

Reads the link tables the integrations fill (allegro_offers, wix_product_mappings); a product with no
row in one of them is "not linked" there.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram_i18n import I18nContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.views.format import escape, format_time
from domain.models import AllegroAccount, AllegroOffer, WixAccount, WixProductMapping


async def channel_status_lines(
    session: AsyncSession, i18n: I18nContext, product_id: int, zone: ZoneInfo
) -> list[str]:
    offers = (
        await session.execute(
            select(AllegroOffer, AllegroAccount.name)
            .join(AllegroAccount, AllegroAccount.id == AllegroOffer.account_id)
            .where(AllegroOffer.product_id == product_id)
            .order_by(AllegroAccount.name, AllegroOffer.offer_id)
        )
    ).all()
    mappings = (
        await session.execute(
            select(WixProductMapping, WixAccount.name)
            .join(WixAccount, WixAccount.id == WixProductMapping.account_id)
            .where(WixProductMapping.product_id == product_id)
            .order_by(WixAccount.name)
        )
    ).all()
    lines = [i18n.get("card-channels")]
    if not offers:
        lines.append(i18n.get("card-allegro-not-linked"))
    for offer, account in offers:
        lines.append(
            i18n.get(
                "card-allegro-offer",
                account=escape(account),
                offer=escape(offer.offer_id),
                status=escape(offer.status or "—"),
                pushed=_pushed(i18n, offer.last_pushed_quantity, offer.last_pushed_at, zone),
            )
        )
    if not mappings:
        lines.append(i18n.get("card-wix-not-linked"))
    for mapping, account in mappings:
        lines.append(
            i18n.get(
                "card-wix-item",
                account=escape(account),
                pushed=_pushed(i18n, mapping.last_pushed_quantity, mapping.last_pushed_at, zone),
            )
        )
    return lines


def _pushed(i18n: I18nContext, quantity: int | None, at: datetime | None, zone: ZoneInfo) -> str:
    if quantity is None or at is None:
        return i18n.get("card-never-pushed")
    return i18n.get("card-last-push", quantity=quantity, time=format_time(at, zone))
