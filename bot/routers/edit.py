"""Admin edits of a product's SKU, name, EANs and photo.

Each is a short FSM flow: the prompt shows the current value and how to cancel → the value is
checked (a clear message, try again) → a confirm screen shows old → new → save with the version the
admin saw. If someone changed the product meanwhile the admin is told and gets the fresh card.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Message,
)
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import FlowAction, FlowCb, ProductAction, ProductCb
from bot.filters import AdminOnly
from bot.flows import FLOW_KEY, cancel_keyboard, confirm_keyboard, finish_flow, start_flow
from bot.guards import card_product
from bot.i18n_text import error_text
from bot.middlewares.database import rollback_and_refresh
from bot.settings import Settings
from bot.values import check_eans, check_name, check_sku, read_photo
from bot.views.card import show_card
from bot.views.format import escape
from domain.actors import Actor
from domain.catalog import Catalog
from domain.errors import DomainError, StaleVersionError
from domain.images import ProcessedImage
from domain.models import Product, User

router = Router(name=__name__)

FIELDS = {
    ProductAction.EDIT_SKU: "sku",
    ProductAction.EDIT_NAME: "name",
    ProductAction.EDIT_EANS: "eans",
    ProductAction.EDIT_PHOTO: "photo",
}


class EditFlow(StatesGroup):
    value = State()
    confirm = State()


def _eans_text(eans: list[str]) -> str:
    return ", ".join(f"<code>{escape(ean)}</code>" for ean in eans) or "—"


async def _current(session: AsyncSession, i18n: I18nContext, product: Product, field: str) -> str:
    if field != "photo":
        values = {"sku": product.sku, "name": product.name, "eans": [row.ean for row in product.eans]}
        return _shown(field, values[field])
    has_photo = await Catalog(session).image(product.id) is not None
    return i18n.get("edit-photo-present" if has_photo else "edit-photo-none")


def _shown(field: str, value: Any) -> str:
    if field == "eans":
        return _eans_text(value)
    return f"<code>{escape(value)}</code>" if field == "sku" else escape(value)


@router.callback_query(ProductCb.filter(F.action.in_(set(FIELDS))), AdminOnly())
async def start_edit(
    query: CallbackQuery,
    callback_data: ProductCb,
    session: AsyncSession,
    i18n: I18nContext,
    user: User,
    state: FSMContext,
) -> None:
    product = await card_product(query, callback_data, session, i18n, user)
    if product is None or not isinstance(query.message, Message):
        return
    field = FIELDS[callback_data.action]
    flow = await start_flow(
        state, EditFlow.value, field=field, product_id=product.id, version=product.version
    )
    await query.answer()
    current = await _current(session, i18n, product, field)
    await query.message.answer(
        i18n.get(f"edit-prompt-{field}", sku=escape(product.sku), current=current),
        reply_markup=cancel_keyboard(i18n, flow),
    )


async def _checked_value(
    message: Message, data: dict[str, Any], session: AsyncSession, bot: Bot, settings: Settings
) -> object:
    field, product_id = data["field"], data["product_id"]
    if field == "photo":
        return await read_photo(bot, message, settings.max_photo_mb * 1024 * 1024)
    text = message.text or ""
    if field == "sku":
        return await check_sku(session, text, product_id)
    if field == "name":
        return check_name(text)
    return await check_eans(session, text, product_id)


def _wrong_kind(message: Message, field: str) -> bool:
    wants_file = field == "photo"
    has_file = bool(message.photo or message.document)
    return wants_file != has_file or (not wants_file and not message.text)


@router.message(StateFilter(EditFlow.value), ~F.text.startswith("/"), AdminOnly())
async def value_sent(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
    bot: Bot,
    settings: Settings,
) -> None:
    data = await state.get_data()
    field = data["field"]
    flow = data[FLOW_KEY]
    if _wrong_kind(message, field):
        await message.answer(i18n.get(f"edit-send-{field}"), reply_markup=cancel_keyboard(i18n, flow))
        return
    product = await Catalog(session).get(data["product_id"])
    try:
        value = await _checked_value(message, data, session, bot, settings)
    except DomainError as error:
        await message.answer(
            f"{error_text(i18n, error)}\n{i18n.get('edit-try-again')}",
            reply_markup=cancel_keyboard(i18n, flow),
        )
        return
    old = await _current(session, i18n, product, field)
    if isinstance(value, ProcessedImage):
        await state.update_data(value=value)
        await state.set_state(EditFlow.confirm)
        await message.answer_photo(
            BufferedInputFile(value.display_webp, filename="preview.webp"),
            caption=i18n.get("edit-confirm-photo", sku=escape(product.sku), old=old),
            reply_markup=confirm_keyboard(i18n, flow),
        )
        return
    new = _shown(field, value)
    if new == old:
        await message.answer(i18n.get("edit-unchanged"), reply_markup=cancel_keyboard(i18n, flow))
        return
    await state.update_data(value=value)
    await state.set_state(EditFlow.confirm)
    await message.answer(
        i18n.get(f"edit-confirm-{field}", sku=escape(product.sku), old=old, new=new),
        reply_markup=confirm_keyboard(i18n, flow),
    )


async def _save(session: AsyncSession, actor: Actor, data: dict[str, Any]) -> None:
    catalog = Catalog(session)
    product_id, version, field, value = data["product_id"], data["version"], data["field"], data["value"]
    if field == "photo":
        await catalog.set_photo(actor, product_id, version, value)
    else:
        await catalog.edit(actor, product_id, version, **{field: value})


@router.callback_query(
    FlowCb.filter(F.action == FlowAction.CONFIRM), StateFilter(EditFlow.confirm), AdminOnly()
)
async def confirmed(
    query: CallbackQuery,
    callback_data: FlowCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
    user: User,
    actor: Actor,
) -> None:
    finished = await finish_flow(query, callback_data, state, i18n)
    if finished is None:
        return
    data, message = finished
    try:
        await _save(session, actor, data)
        await session.commit()
    except StaleVersionError:
        await rollback_and_refresh(session, user)
        await query.answer(i18n.get("stale-version"), show_alert=True)
        await message.answer(i18n.get("edit-conflict"))
        await show_card(message, session, i18n, data["product_id"], user)
        return
    await show_card(message, session, i18n, data["product_id"], user)
    await query.answer(i18n.get("edit-saved"))
