"""Checks for buttons that may be stale: the product of a card button, as it is now."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ProductCb
from bot.views.card import show_card
from domain.catalog import Catalog
from domain.models import Product, User


async def card_product(
    query: CallbackQuery,
    callback_data: ProductCb,
    session: AsyncSession,
    i18n: I18nContext,
    user: User,
    *,
    check_version: bool = True,
    allow_archived: bool = False,
) -> Product | None:
    """The product a card button refers to, or None after telling the user why the button is stale:
    the product is gone, archived (unless `allow_archived`), or — with `check_version` — changed since
    the card was shown. A stale card gets a callback answer, a message, and the fresh card."""
    product = await Catalog(session).find(callback_data.product_id)
    if product is None:
        await query.answer(i18n.get("stale-gone"), show_alert=True)
        if isinstance(query.message, Message):
            await query.message.answer(i18n.get("stale-gone"))
        return None
    if product.archived and not allow_archived:
        reason = "stale-archived"
    elif check_version and callback_data.version and callback_data.version != product.version:
        reason = "stale-version"
    else:
        return product
    await query.answer(i18n.get(reason), show_alert=True)
    if isinstance(query.message, Message):
        await query.message.answer(i18n.get(reason))
        await show_card(query.message, session, i18n, product.id, user)
    return None
