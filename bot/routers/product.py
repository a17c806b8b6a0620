"""The product card from a button, and archive / restore (admin)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ProductAction, ProductCb
from bot.filters import AdminOnly, StaffOrAdmin
from bot.guards import card_product
from bot.middlewares.database import READS_ONLY
from bot.views.card import show_card
from domain.actors import Actor
from domain.catalog import Catalog
from domain.models import User

router = Router(name=__name__)


@router.callback_query(ProductCb.filter(F.action == ProductAction.VIEW), StaffOrAdmin(), flags=READS_ONLY)
async def open_card(
    query: CallbackQuery, callback_data: ProductCb, session: AsyncSession, i18n: I18nContext, user: User
) -> None:
    product = await card_product(
        query, callback_data, session, i18n, user, check_version=False, allow_archived=True
    )
    if product is None or not isinstance(query.message, Message):
        return
    await query.answer()
    await show_card(query.message, session, i18n, product.id, user)


@router.callback_query(
    ProductCb.filter(F.action.in_({ProductAction.ARCHIVE, ProductAction.RESTORE})), AdminOnly()
)
async def archive_or_restore(
    query: CallbackQuery,
    callback_data: ProductCb,
    session: AsyncSession,
    i18n: I18nContext,
    user: User,
    actor: Actor,
) -> None:
    archiving = callback_data.action == ProductAction.ARCHIVE
    product = await card_product(query, callback_data, session, i18n, user, allow_archived=not archiving)
    if product is None or not isinstance(query.message, Message):
        return
    if archiving:
        await Catalog(session).archive(actor, product.id, callback_data.version or product.version)
    else:
        await Catalog(session).restore(actor, product.id)
    await session.commit()
    await query.answer(i18n.get("product-archived" if archiving else "product-restored"))
    await show_card(query.message, session, i18n, product.id, user)
