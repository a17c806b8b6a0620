"""/new (admin): SKU → name → EANs (optional) → photo (optional) → initial stock (optional: a
warehouse and a quantity) → confirm → the new product's card."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import FlowAction, FlowCb
from bot.commands import MenuCommand
from bot.filters import AdminOnly
from bot.flows import (
    FLOW_KEY,
    cancel_keyboard,
    confirm_keyboard,
    current_flow,
    finish_flow,
    flow_button,
    start_flow,
)
from bot.i18n_text import error_text
from bot.settings import Settings
from bot.values import check_eans, check_name, check_sku, read_photo
from bot.views.card import show_card
from bot.views.format import escape
from domain.actors import Actor
from domain.catalog import Catalog, InitialStock
from domain.errors import DomainError
from domain.models import User
from domain.people import Warehouses
from domain.validation import parse_quantity

router = Router(name=__name__)

COMMANDS = (MenuCommand("new", "cmd-new"),)
TYPED = F.text & ~F.text.startswith("/")
T = TypeVar("T")


class CreateFlow(StatesGroup):
    sku = State()
    name = State()
    eans = State()
    photo = State()
    warehouse = State()
    quantity = State()
    confirm = State()


def _skip_keyboard(i18n: I18nContext, flow: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                flow_button(i18n.get("btn-skip"), FlowAction.SKIP, flow),
                flow_button(i18n.get("btn-cancel"), FlowAction.CANCEL, flow),
            ]
        ]
    )


async def _accept(
    message: Message,
    state: FSMContext,
    i18n: I18nContext,
    check: Callable[[], Awaitable[T]],
    *,
    skippable: bool = False,
) -> T | None:
    """The checked value of this step, or None after telling what is wrong (the step stays)."""
    flow = (await state.get_data())[FLOW_KEY]
    try:
        return await check()
    except DomainError as error:
        markup = _skip_keyboard(i18n, flow) if skippable else cancel_keyboard(i18n, flow)
        await message.answer(
            f"{error_text(i18n, error)}\n{i18n.get('create-try-again')}", reply_markup=markup
        )
        return None


async def _ask(
    message: Message, state: FSMContext, step: State, text: str, markup: InlineKeyboardMarkup
) -> None:
    await state.set_state(step)
    await message.answer(text, reply_markup=markup)


@router.message(Command("new"), AdminOnly())
async def new_product(message: Message, state: FSMContext, i18n: I18nContext) -> None:
    flow = await start_flow(state, CreateFlow.sku)
    await message.answer(i18n.get("create-ask-sku"), reply_markup=cancel_keyboard(i18n, flow))


@router.message(StateFilter(CreateFlow.sku), TYPED, AdminOnly())
async def sku_sent(message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext) -> None:
    sku = await _accept(message, state, i18n, lambda: check_sku(session, message.text or ""))
    if sku is None:
        return
    await state.update_data(sku=sku)
    flow = (await state.get_data())[FLOW_KEY]
    text = i18n.get("create-ask-name", sku=escape(sku))
    await _ask(message, state, CreateFlow.name, text, cancel_keyboard(i18n, flow))


@router.message(StateFilter(CreateFlow.name), TYPED, AdminOnly())
async def name_sent(message: Message, state: FSMContext, i18n: I18nContext) -> None:
    async def checked() -> str:
        return check_name(message.text or "")

    name = await _accept(message, state, i18n, checked)
    if name is None:
        return
    await state.update_data(name=name)
    flow = (await state.get_data())[FLOW_KEY]
    await _ask(message, state, CreateFlow.eans, i18n.get("create-ask-eans"), _skip_keyboard(i18n, flow))


@router.message(StateFilter(CreateFlow.eans), TYPED, AdminOnly())
async def eans_sent(message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext) -> None:
    eans = await _accept(
        message, state, i18n, lambda: check_eans(session, message.text or ""), skippable=True
    )
    if eans is None:
        return
    await state.update_data(eans=eans)
    await _ask_photo(message, state, i18n, (await state.get_data())[FLOW_KEY])


async def _ask_photo(message: Message, state: FSMContext, i18n: I18nContext, flow: str) -> None:
    await _ask(message, state, CreateFlow.photo, i18n.get("create-ask-photo"), _skip_keyboard(i18n, flow))


@router.message(StateFilter(CreateFlow.photo), F.photo | F.document, AdminOnly())
async def photo_sent(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
    bot: Bot,
    settings: Settings,
) -> None:
    max_bytes = settings.max_photo_mb * 1024 * 1024
    image = await _accept(message, state, i18n, lambda: read_photo(bot, message, max_bytes), skippable=True)
    if image is None:
        return
    await state.update_data(image=image)
    await _ask_warehouse(message, state, session, i18n, (await state.get_data())[FLOW_KEY])


async def _ask_warehouse(
    message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext, flow: str
) -> None:
    warehouses = await Warehouses(session).list()
    if not warehouses:
        await _ask_confirm(message, state, i18n, flow)
        return
    rows = [
        [flow_button(f"{warehouse.code} · {warehouse.name}", FlowAction.PICK, flow, warehouse.id)]
        for warehouse in warehouses
    ]
    rows.append(
        [
            flow_button(i18n.get("create-no-stock"), FlowAction.SKIP, flow),
            flow_button(i18n.get("btn-cancel"), FlowAction.CANCEL, flow),
        ]
    )
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    await _ask(message, state, CreateFlow.warehouse, i18n.get("create-ask-warehouse"), markup)


@router.callback_query(FlowCb.filter(F.action == FlowAction.SKIP), StateFilter(CreateFlow), AdminOnly())
async def skipped(
    query: CallbackQuery,
    callback_data: FlowCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    data = await current_flow(state, callback_data)
    current = await state.get_state()
    if data is None or not isinstance(query.message, Message) or current == CreateFlow.confirm.state:
        await query.answer(i18n.get("button-outdated"), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    flow = data[FLOW_KEY]
    if current == CreateFlow.eans.state:
        await _ask_photo(query.message, state, i18n, flow)
    elif current == CreateFlow.photo.state:
        await _ask_warehouse(query.message, state, session, i18n, flow)
    else:
        await _ask_confirm(query.message, state, i18n, flow)


@router.callback_query(
    FlowCb.filter(F.action == FlowAction.PICK), StateFilter(CreateFlow.warehouse), AdminOnly()
)
async def warehouse_picked(
    query: CallbackQuery,
    callback_data: FlowCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    data = await current_flow(state, callback_data)
    if data is None or not isinstance(query.message, Message):
        await query.answer(i18n.get("button-outdated"), show_alert=True)
        return
    warehouse = await Warehouses(session).get(callback_data.value)
    await state.update_data(warehouse_id=warehouse.id, warehouse_code=warehouse.code)
    await state.set_state(CreateFlow.quantity)
    await query.answer()
    await query.message.edit_text(
        i18n.get("create-ask-quantity", warehouse=escape(warehouse.code)),
        reply_markup=cancel_keyboard(i18n, data[FLOW_KEY]),
    )


@router.message(StateFilter(CreateFlow.quantity), TYPED, AdminOnly())
async def quantity_sent(message: Message, state: FSMContext, i18n: I18nContext) -> None:
    async def checked() -> int:
        return parse_quantity(message.text or "")

    quantity = await _accept(message, state, i18n, checked)
    if quantity is None:
        return
    await state.update_data(quantity=quantity)
    await _ask_confirm(message, state, i18n, (await state.get_data())[FLOW_KEY])


def _summary(i18n: I18nContext, data: dict[str, Any]) -> str:
    eans = ", ".join(f"<code>{escape(ean)}</code>" for ean in data.get("eans", [])) or "—"
    stock = (
        i18n.get("create-summary-stock", quantity=data["quantity"], warehouse=escape(data["warehouse_code"]))
        if data.get("quantity")
        else "—"
    )
    return i18n.get(
        "create-summary",
        sku=escape(data["sku"]),
        name=escape(data["name"]),
        eans=eans,
        photo=i18n.get("edit-photo-present" if data.get("image") else "edit-photo-none"),
        stock=stock,
    )


async def _ask_confirm(message: Message, state: FSMContext, i18n: I18nContext, flow: str) -> None:
    summary = _summary(i18n, await state.get_data())
    await _ask(message, state, CreateFlow.confirm, summary, confirm_keyboard(i18n, flow))


@router.callback_query(
    FlowCb.filter(F.action == FlowAction.CONFIRM), StateFilter(CreateFlow.confirm), AdminOnly()
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
    initial = [InitialStock(data["warehouse_id"], data["quantity"])] if data.get("quantity") else []
    product = await Catalog(session).create(
        actor,
        sku=data["sku"],
        name=data["name"],
        eans=data.get("eans", []),
        image=data.get("image"),
        initial_stock=initial,
    )
    await session.commit()
    await query.answer(i18n.get("create-done"))
    await show_card(message, session, i18n, product.id, user)
