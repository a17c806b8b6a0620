"""/new (admin): SKU → name → EANs (optional) → photo (optional) → initial stock (optional: a
warehouse and a quantity) → confirm → the new product's card."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import FlowAction, FlowCb
from bot.commands import MenuCommand
from bot.filters import AdminOnly
from bot.flows import FLOW_KEY, current_flow, start_flow
from bot.i18n_text import error_text
from bot.routers.edit import cancel_keyboard, confirm_keyboard
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


class CreateFlow(StatesGroup):
    sku = State()
    name = State()
    eans = State()
    photo = State()
    warehouse = State()
    quantity = State()
    confirm = State()


def _button(text: str, action: FlowAction, flow: str, value: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=FlowCb(action=action, flow=flow, value=value).pack())


def _skip_keyboard(i18n: I18nContext, flow: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(i18n.get("btn-skip"), FlowAction.SKIP, flow),
                _button(i18n.get("btn-cancel"), FlowAction.CANCEL, flow),
            ]
        ]
    )


async def _retry(
    message: Message, i18n: I18nContext, error: DomainError, markup: InlineKeyboardMarkup
) -> None:
    await message.answer(f"{error_text(i18n, error)}\n{i18n.get('create-try-again')}", reply_markup=markup)


@router.message(Command("new"), AdminOnly())
async def new_product(message: Message, state: FSMContext, i18n: I18nContext) -> None:
    flow = await start_flow(state, CreateFlow.sku)
    await message.answer(i18n.get("create-ask-sku"), reply_markup=cancel_keyboard(i18n, flow))


@router.message(StateFilter(CreateFlow.sku), F.text, ~F.text.startswith("/"), AdminOnly())
async def sku_sent(message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext) -> None:
    flow = (await state.get_data())[FLOW_KEY]
    try:
        sku = await check_sku(session, message.text or "")
    except DomainError as error:
        await _retry(message, i18n, error, cancel_keyboard(i18n, flow))
        return
    await state.update_data(sku=sku)
    await state.set_state(CreateFlow.name)
    await message.answer(
        i18n.get("create-ask-name", sku=escape(sku)), reply_markup=cancel_keyboard(i18n, flow)
    )


@router.message(StateFilter(CreateFlow.name), F.text, ~F.text.startswith("/"), AdminOnly())
async def name_sent(message: Message, state: FSMContext, i18n: I18nContext) -> None:
    flow = (await state.get_data())[FLOW_KEY]
    try:
        name = check_name(message.text or "")
    except DomainError as error:
        await _retry(message, i18n, error, cancel_keyboard(i18n, flow))
        return
    await state.update_data(name=name)
    await state.set_state(CreateFlow.eans)
    await message.answer(i18n.get("create-ask-eans"), reply_markup=_skip_keyboard(i18n, flow))


@router.message(StateFilter(CreateFlow.eans), F.text, ~F.text.startswith("/"), AdminOnly())
async def eans_sent(message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext) -> None:
    flow = (await state.get_data())[FLOW_KEY]
    try:
        eans = await check_eans(session, message.text or "")
    except DomainError as error:
        await _retry(message, i18n, error, _skip_keyboard(i18n, flow))
        return
    await state.update_data(eans=eans)
    await _ask_photo(message, state, i18n, flow)


async def _ask_photo(message: Message, state: FSMContext, i18n: I18nContext, flow: str) -> None:
    await state.set_state(CreateFlow.photo)
    await message.answer(i18n.get("create-ask-photo"), reply_markup=_skip_keyboard(i18n, flow))


@router.message(StateFilter(CreateFlow.photo), F.photo | F.document, AdminOnly())
async def photo_sent(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
    bot: Bot,
    settings: Settings,
) -> None:
    flow = (await state.get_data())[FLOW_KEY]
    try:
        image = await read_photo(bot, message, settings.max_photo_mb * 1024 * 1024)
    except DomainError as error:
        await _retry(message, i18n, error, _skip_keyboard(i18n, flow))
        return
    await state.update_data(image=image)
    await _ask_warehouse(message, state, session, i18n, flow)


async def _ask_warehouse(
    message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext, flow: str
) -> None:
    warehouses = await Warehouses(session).list()
    if not warehouses:
        await _ask_confirm(message, state, i18n, flow)
        return
    await state.set_state(CreateFlow.warehouse)
    rows = [
        [_button(f"{warehouse.code} · {warehouse.name}", FlowAction.PICK, flow, warehouse.id)]
        for warehouse in warehouses
    ]
    rows.append(
        [
            _button(i18n.get("create-no-stock"), FlowAction.SKIP, flow),
            _button(i18n.get("btn-cancel"), FlowAction.CANCEL, flow),
        ]
    )
    await message.answer(
        i18n.get("create-ask-warehouse"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )


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


@router.message(StateFilter(CreateFlow.quantity), F.text, ~F.text.startswith("/"), AdminOnly())
async def quantity_sent(message: Message, state: FSMContext, i18n: I18nContext) -> None:
    flow = (await state.get_data())[FLOW_KEY]
    try:
        quantity = parse_quantity(message.text or "")
    except DomainError as error:
        await _retry(message, i18n, error, cancel_keyboard(i18n, flow))
        return
    await state.update_data(quantity=quantity)
    await _ask_confirm(message, state, i18n, flow)


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
    await state.set_state(CreateFlow.confirm)
    await message.answer(_summary(i18n, await state.get_data()), reply_markup=confirm_keyboard(i18n, flow))


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
    data = await current_flow(state, callback_data)
    if data is None or not isinstance(query.message, Message):
        await query.answer(i18n.get("button-outdated"), show_alert=True)
        return
    await state.clear()
    await query.message.edit_reply_markup(reply_markup=None)
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
    await show_card(query.message, session, i18n, product.id, user)
