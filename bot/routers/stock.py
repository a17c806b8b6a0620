"""Stock moves from a product card: receive, transfer, write off (admin), count.

Each move is a short FSM flow: warehouse (then the target, for a transfer) → quantity → reason (write-off)
→ confirm → one domain call → the resulting stock on a fresh card. Flow buttons carry the flow id
(bot.flows), so a button from an earlier run is "outdated"; every step reads the product and the stock
again, so a product archived meanwhile is refused clearly and nothing is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import FlowAction, FlowCb, ProductAction, ProductCb
from bot.filters import AdminOnly, StaffOrAdmin, is_admin
from bot.flows import FLOW_KEY, current_flow, start_flow
from bot.guards import card_product
from bot.i18n_text import error_text
from bot.routers.edit import cancel_keyboard, confirm_keyboard
from bot.views.card import show_card
from bot.views.format import escape
from bot.views.history import reason_text, signed
from domain.actors import Actor
from domain.errors import InsufficientStockError, PermissionDeniedError
from domain.inventory import MAX_QUANTITY, WRITE_OFF_REASONS, Inventory, StockLevel
from domain.models import Product, User, Warehouse
from domain.people import Warehouses

router = Router(name=__name__)
NUMBER = re.compile(r"\d{1,9}")
# Spaces people type inside numbers ("1 000"), including the no-break ones phones insert.
DIGIT_GROUPING = str.maketrans("", "", " \u00a0\u202f_")


class Move(StrEnum):
    RECEIVE = "receive"
    TRANSFER = "transfer"
    WRITE_OFF = "write_off"
    COUNT = "count"

    @property
    def key(self) -> str:
        return self.value.replace("_", "-")


class StockFlow(StatesGroup):
    warehouse = State()
    target = State()
    quantity = State()
    reason = State()
    confirm = State()
    applying = State()


class StockPickCb(CallbackData, prefix="sk"):
    """A choice inside a stock flow: a warehouse id, or the index of a write-off reason."""

    flow: str
    value: int


@dataclass(frozen=True, slots=True)
class Option:
    warehouse_id: int
    label: str


# --- reading the current state -----------------------------------------------------------------


async def _levels(session: AsyncSession, product_id: int) -> dict[int, StockLevel]:
    stock = await Inventory(session).stock_of(product_id, include_empty=True)
    return {level.warehouse_id: level for level in stock.levels}


async def _level(session: AsyncSession, product_id: int, warehouse_id: int) -> StockLevel:
    levels = await _levels(session, product_id)
    warehouse = await session.get(Warehouse, warehouse_id)
    code, name = (warehouse.code, warehouse.name) if warehouse else ("?", "?")
    return levels.get(warehouse_id, StockLevel(warehouse_id, code, name, 0, 0))


async def _options(
    session: AsyncSession, i18n: I18nContext, move: Move, product_id: int, source_id: int | None = None
) -> list[Option]:
    """Warehouses to pick from: any active one to receive into, count in or move to; for taking
    stock out (a transfer's source, a write-off) only those with something available."""
    levels = await _levels(session, product_id)
    if move in (Move.RECEIVE, Move.COUNT) or source_id is not None:
        active = await Warehouses(session).list()
        return [
            Option(
                warehouse.id,
                i18n.get(
                    "stock-option-on-hand",
                    code=warehouse.code,
                    on_hand=levels[warehouse.id].on_hand if warehouse.id in levels else 0,
                ),
            )
            for warehouse in active
            if warehouse.id != source_id
        ]
    return [
        Option(
            level.warehouse_id,
            i18n.get("stock-option-available", code=level.warehouse_code, available=level.available),
        )
        for level in levels.values()
        if level.available > 0
    ]


async def _flow_product(session: AsyncSession, data: dict[str, Any]) -> Product | None:
    """The flow's product if it may still move: None when it is gone or archived meanwhile."""
    product = await session.get(Product, data["product_id"])
    return None if product is None or product.archived else product


async def _code(session: AsyncSession, warehouse_id: int) -> str:
    warehouse = await session.get(Warehouse, warehouse_id)
    return escape(warehouse.code if warehouse else "?")


# --- building messages -------------------------------------------------------------------------


def _title(i18n: I18nContext, move: Move, product: Product) -> str:
    return i18n.get(f"stock-title-{move.key}", name=escape(product.name), sku=escape(product.sku))


def _pick_keyboard(i18n: I18nContext, flow: str, choices: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=label, callback_data=StockPickCb(flow=flow, value=value).pack())
        for value, label in choices
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, *cancel_keyboard(i18n, flow).inline_keyboard])


def _warehouse_keyboard(i18n: I18nContext, flow: str, options: list[Option]) -> InlineKeyboardMarkup:
    return _pick_keyboard(i18n, flow, [(option.warehouse_id, option.label) for option in options])


async def _quantity_prompt(session: AsyncSession, i18n: I18nContext, data: dict[str, Any]) -> str:
    move = Move(data["move"])
    level = await _level(session, data["product_id"], data["warehouse_id"])
    warehouse = escape(level.warehouse_code)
    if move is Move.RECEIVE:
        return i18n.get("stock-ask-receive", warehouse=warehouse, on_hand=level.on_hand)
    if move is Move.TRANSFER:
        target = await _code(session, data["target_id"])
        return i18n.get("stock-ask-transfer", **{"from": warehouse}, to=target, available=level.available)
    if move is Move.WRITE_OFF:
        return i18n.get("stock-ask-write-off", warehouse=warehouse, available=level.available)
    return i18n.get("stock-ask-count", warehouse=warehouse, on_hand=level.on_hand, reserved=level.reserved)


async def _confirm_text(session: AsyncSession, i18n: I18nContext, data: dict[str, Any]) -> str:
    move, quantity = Move(data["move"]), data["quantity"]
    level = await _level(session, data["product_id"], data["warehouse_id"])
    warehouse = escape(level.warehouse_code)
    if move is Move.RECEIVE:
        return i18n.get(
            "stock-confirm-receive",
            quantity=quantity,
            warehouse=warehouse,
            before=level.on_hand,
            after=level.on_hand + quantity,
        )
    if move is Move.TRANSFER:
        target = await _code(session, data["target_id"])
        return i18n.get("stock-confirm-transfer", quantity=quantity, **{"from": warehouse}, to=target)
    if move is Move.WRITE_OFF:
        return i18n.get(
            "stock-confirm-write-off",
            quantity=quantity,
            warehouse=warehouse,
            reason=reason_text(i18n, data["reason"]),
            before=level.on_hand,
            after=level.on_hand - quantity,
        )
    return i18n.get(
        "stock-confirm-count",
        warehouse=warehouse,
        before=level.on_hand,
        after=quantity,
        delta=signed(quantity - level.on_hand),
    )


# --- the flow ----------------------------------------------------------------------------------


@router.callback_query(
    ProductCb.filter(F.action.in_({ProductAction.RECEIVE, ProductAction.TRANSFER, ProductAction.COUNT})),
    StaffOrAdmin(),
)
@router.callback_query(ProductCb.filter(F.action == ProductAction.WRITE_OFF), AdminOnly())
async def start_move(
    query: CallbackQuery,
    callback_data: ProductCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
    user: User,
) -> None:
    product = await card_product(query, callback_data, session, i18n, user, check_version=False)
    if product is None or not isinstance(query.message, Message):
        return
    move = Move(callback_data.action.value)
    await query.answer()
    title = _title(i18n, move, product)
    options = await _options(session, i18n, move, product.id)
    if not options:
        empty = "stock-no-warehouses" if move in (Move.RECEIVE, Move.COUNT) else "stock-nothing-available"
        await query.message.answer(f"{title}\n\n{i18n.get(empty)}")
        return
    flow = await start_flow(state, StockFlow.warehouse, move=move.value, product_id=product.id)
    prompt = i18n.get("stock-pick-source" if move is Move.TRANSFER else "stock-pick-warehouse")
    await query.message.answer(f"{title}\n\n{prompt}", reply_markup=_warehouse_keyboard(i18n, flow, options))


async def _outdated(query: CallbackQuery, i18n: I18nContext) -> None:
    await query.answer(i18n.get("button-outdated"), show_alert=True)


async def _archived_meanwhile(query: CallbackQuery, state: FSMContext, i18n: I18nContext) -> None:
    await state.clear()
    await query.answer(i18n.get("stock-archived-meanwhile"), show_alert=True)
    if isinstance(query.message, Message):
        await query.message.edit_text(i18n.get("stock-archived-meanwhile"))


async def _step(
    query: CallbackQuery, flow: str, state: FSMContext, session: AsyncSession, i18n: I18nContext
) -> tuple[dict[str, Any], Product, Message] | None:
    """The running flow's data, its product and the prompt message, or None after telling the user
    why the button no longer works (an earlier flow's button, or the product archived meanwhile)."""
    data = await state.get_data()
    if not flow or data.get(FLOW_KEY) != flow or not isinstance(query.message, Message):
        await _outdated(query, i18n)
        return None
    product = await _flow_product(session, data)
    if product is None:
        await _archived_meanwhile(query, state, i18n)
        return None
    return data, product, query.message


@router.callback_query(
    StockPickCb.filter(), StateFilter(StockFlow.warehouse, StockFlow.target), StaffOrAdmin()
)
async def warehouse_picked(
    query: CallbackQuery,
    callback_data: StockPickCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    step = await _step(query, callback_data.flow, state, session, i18n)
    if step is None:
        return
    data, product, message = step
    move = Move(data["move"])
    picking_target = await state.get_state() == StockFlow.target.state
    source_id = data["warehouse_id"] if picking_target else None
    options = await _options(session, i18n, move, product.id, source_id)
    if callback_data.value not in {option.warehouse_id for option in options}:
        await _outdated(query, i18n)
        return
    await query.answer()
    title = _title(i18n, move, product)
    if picking_target:
        data["target_id"] = callback_data.value
    else:
        data["warehouse_id"] = callback_data.value
    if move is Move.TRANSFER and not picking_target:
        targets = await _options(session, i18n, move, product.id, callback_data.value)
        if not targets:
            await state.clear()
            await message.edit_text(f"{title}\n\n{i18n.get('stock-no-target')}")
            return
        await state.update_data(warehouse_id=callback_data.value)
        await state.set_state(StockFlow.target)
        prompt = i18n.get("stock-pick-target", **{"from": await _code(session, callback_data.value)})
        await message.edit_text(
            f"{title}\n\n{prompt}", reply_markup=_warehouse_keyboard(i18n, data[FLOW_KEY], targets)
        )
        return
    await state.set_data(data)
    await state.set_state(StockFlow.quantity)
    prompt = await _quantity_prompt(session, i18n, data)
    await message.edit_text(
        f"{title}\n\n{prompt}",
        reply_markup=cancel_keyboard(i18n, data[FLOW_KEY]),
    )


def parse_number(text: str) -> int | None:
    cleaned = text.strip().translate(DIGIT_GROUPING).lstrip("+")
    return int(cleaned) if NUMBER.fullmatch(cleaned) else None


@router.message(StateFilter(StockFlow.quantity), ~F.text.startswith("/"), StaffOrAdmin())
async def quantity_entered(
    message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext
) -> None:
    data = await state.get_data()
    move = Move(data["move"])
    text = message.text or message.caption or ""
    number = parse_number(text)
    lowest = 0 if move is Move.COUNT else 1
    if number is None or not lowest <= number <= MAX_QUANTITY:
        key = "stock-bad-count" if move is Move.COUNT else "stock-bad-quantity"
        await message.answer(i18n.get(key, text=escape(text[:40]), max=MAX_QUANTITY))
        return
    product = await _flow_product(session, data)
    if product is None:
        await state.clear()
        await message.answer(i18n.get("stock-archived-meanwhile"))
        return
    level = await _level(session, product.id, data["warehouse_id"])
    warehouse = escape(level.warehouse_code)
    if move in (Move.TRANSFER, Move.WRITE_OFF) and number > level.available:
        await message.answer(i18n.get("stock-too-many", available=level.available, warehouse=warehouse))
        return
    if move is Move.COUNT and number < level.reserved:
        await message.answer(i18n.get("stock-below-reserved", reserved=level.reserved, warehouse=warehouse))
        return
    data["quantity"] = number
    await state.set_data(data)
    title = _title(i18n, move, product)
    if move is Move.WRITE_OFF:
        await state.set_state(StockFlow.reason)
        reasons = [(index, reason_text(i18n, reason)) for index, reason in enumerate(WRITE_OFF_REASONS)]
        await message.answer(
            f"{title}\n\n{i18n.get('stock-pick-reason')}",
            reply_markup=_pick_keyboard(i18n, data[FLOW_KEY], reasons),
        )
        return
    await state.set_state(StockFlow.confirm)
    text = await _confirm_text(session, i18n, data)
    await message.answer(f"{title}\n\n{text}", reply_markup=confirm_keyboard(i18n, data[FLOW_KEY]))


@router.callback_query(StockPickCb.filter(), StateFilter(StockFlow.reason), AdminOnly())
async def reason_picked(
    query: CallbackQuery,
    callback_data: StockPickCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    step = await _step(query, callback_data.flow, state, session, i18n)
    if step is None:
        return
    data, product, message = step
    if not 0 <= callback_data.value < len(WRITE_OFF_REASONS):
        await _outdated(query, i18n)
        return
    await query.answer()
    data["reason"] = WRITE_OFF_REASONS[callback_data.value]
    await state.set_data(data)
    await state.set_state(StockFlow.confirm)
    text = await _confirm_text(session, i18n, data)
    await message.edit_text(
        f"{_title(i18n, Move.WRITE_OFF, product)}\n\n{text}",
        reply_markup=confirm_keyboard(i18n, data[FLOW_KEY]),
    )


async def _apply(session: AsyncSession, i18n: I18nContext, actor: Actor, data: dict[str, Any]) -> str:
    """Make the move; returns the "done" text."""
    inventory = Inventory(session)
    move, product_id, warehouse_id, quantity = (
        Move(data["move"]),
        data["product_id"],
        data["warehouse_id"],
        data["quantity"],
    )
    warehouse = await _code(session, warehouse_id)
    if move is Move.RECEIVE:
        await inventory.receive(actor, product_id, warehouse_id, quantity)
        return i18n.get("stock-done-receive", quantity=quantity, warehouse=warehouse)
    if move is Move.TRANSFER:
        await inventory.transfer(actor, product_id, warehouse_id, data["target_id"], quantity)
        target = await _code(session, data["target_id"])
        return i18n.get("stock-done-transfer", quantity=quantity, **{"from": warehouse}, to=target)
    if move is Move.WRITE_OFF:
        await inventory.write_off(actor, product_id, warehouse_id, quantity, data["reason"])
        reason = reason_text(i18n, data["reason"])
        return i18n.get("stock-done-write-off", quantity=quantity, warehouse=warehouse, reason=reason)
    delta, _ = await inventory.count(actor, product_id, warehouse_id, quantity)
    return i18n.get(
        "stock-done-count", warehouse=warehouse, before=quantity - delta, after=quantity, delta=signed(delta)
    )


def _shortage_text(i18n: I18nContext, error: InsufficientStockError) -> str:
    if "reserved" in error.params:  # a count below what orders hold
        return i18n.get(
            "stock-below-reserved",
            reserved=error.params["reserved"],
            warehouse=escape(error.params["warehouse"]),
        )
    return error_text(i18n, error)


@router.callback_query(
    FlowCb.filter(F.action == FlowAction.CONFIRM), StateFilter(StockFlow.confirm), StaffOrAdmin()
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
    if (
        data is None
        or await state.get_state() != StockFlow.confirm.state
        or not isinstance(query.message, Message)
    ):
        await _outdated(query, i18n)
        return
    # Claim the run before the first real await: a second tap on Confirm now finds it taken.
    await state.set_state(StockFlow.applying)
    if Move(data["move"]) is Move.WRITE_OFF and not is_admin(user):  # demoted during the flow
        await state.clear()
        raise PermissionDeniedError("write-offs are for admins")
    product = await _flow_product(session, data)
    if product is None:
        await _archived_meanwhile(query, state, i18n)
        return
    try:
        done = await _apply(session, i18n, actor, data)
    except InsufficientStockError as exc:
        # Someone took stock since the quantity was checked: ask again with the fresh numbers.
        await session.rollback()
        await state.set_state(StockFlow.quantity)
        problem = i18n.get("stock-changed-meanwhile", problem=_shortage_text(i18n, exc))
        await query.answer(problem[:200], show_alert=True)
        prompt = await _quantity_prompt(session, i18n, data)
        await query.message.edit_text(
            f"{problem}\n\n{prompt}",
            reply_markup=cancel_keyboard(i18n, data[FLOW_KEY]),
        )
        return
    except Exception:
        await state.clear()
        raise
    await session.commit()
    await state.clear()
    await query.answer()
    await query.message.edit_text(done)
    await show_card(query.message, session, i18n, product.id, user)
