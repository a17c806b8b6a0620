"""Admin screens: users (add by id or by a forwarded message, change role, deactivate) and warehouses
(add, deactivate, activate). `/admin` opens the menu; `/users` and `/warehouses` go straight there.

Every handler is admin-only on the server: a staff user pressing a forged button gets "not allowed" and
nothing changes. Domain rules (the last admin stays, codes are unique) answer through `bot.errors`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageOriginHiddenUser,
    MessageOriginUser,
)
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import MenuCommand
from bot.filters import AdminOnly
from bot.flows import FLOW_KEY, start_flow
from bot.i18n_text import error_text
from bot.routers.edit import cancel_keyboard
from bot.views.format import escape
from domain.errors import DomainError, NotFoundError
from domain.models import Role, User, Warehouse
from domain.people import WAREHOUSE_CODE, Users, Warehouses

router = Router(name=__name__)
COMMANDS = (MenuCommand("admin", "admin-command"),)
TELEGRAM_ID = re.compile(r"\d{1,16}")
MAX_TELEGRAM_ID = 2**53  # Telegram promises ids fit in 52 bits


class AdminAction(StrEnum):
    MENU = "m"
    USERS = "u"
    USER = "v"
    ROLE = "r"
    DEACTIVATE = "d"
    ACTIVATE = "a"
    ADD_USER = "n"
    WAREHOUSES = "w"
    WAREHOUSE_OFF = "x"
    WAREHOUSE_ON = "y"
    ADD_WAREHOUSE = "h"


class AdminCb(CallbackData, prefix="ad"):
    """`target` is a Telegram user id (user actions) or a warehouse id (warehouse actions)."""

    action: AdminAction
    target: int = 0
    role: Role = Role.STAFF


class RolePickCb(CallbackData, prefix="ar"):
    flow: str
    role: Role


class AdminFlow(StatesGroup):
    user_id = State()
    role = State()
    warehouse_code = State()
    warehouse_name = State()


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _name(i18n: I18nContext, person: User) -> str:
    return (
        escape(person.display_name)
        if person.display_name
        else i18n.get("admin-unnamed", telegram_id=str(person.telegram_id))
    )


def _role(i18n: I18nContext, role: Role) -> str:
    return i18n.get(f"admin-role-{role.value}")


def _back(i18n: I18nContext, action: AdminAction) -> list[InlineKeyboardButton]:
    return [_button(i18n.get("admin-btn-back"), AdminCb(action=action))]


# --- views -------------------------------------------------------------------------------------


def menu_view(i18n: I18nContext) -> tuple[str, InlineKeyboardMarkup]:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(i18n.get("admin-btn-users"), AdminCb(action=AdminAction.USERS)),
                _button(i18n.get("admin-btn-warehouses"), AdminCb(action=AdminAction.WAREHOUSES)),
            ]
        ]
    )
    return i18n.get("admin-menu"), keyboard


async def users_view(session: AsyncSession, i18n: I18nContext) -> tuple[str, InlineKeyboardMarkup]:
    people = await Users(session).list()
    lines = [i18n.get("admin-users-title")]
    buttons = []
    for person in people:
        name, role = _name(i18n, person), _role(i18n, person.role)
        if person.active:
            lines.append(f"• {name} (<code>{person.telegram_id}</code>) — {role}")
        else:
            inactive = i18n.get("admin-status-inactive")
            lines.append(f"• <s>{name}</s> (<code>{person.telegram_id}</code>) — {role}, {inactive}")
        label = f"{'🛠' if person.role is Role.ADMIN else '👷'} {person.display_name or person.telegram_id}"
        buttons.append(_button(label, AdminCb(action=AdminAction.USER, target=person.telegram_id)))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(i18n.get("admin-btn-add-user"), AdminCb(action=AdminAction.ADD_USER))])
    rows.append(_back(i18n, AdminAction.MENU))
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def user_view(i18n: I18nContext, person: User) -> tuple[str, InlineKeyboardMarkup]:
    text = i18n.get(
        "admin-user-card",
        name=_name(i18n, person),
        telegram_id=str(person.telegram_id),
        role=_role(i18n, person.role),
        status=i18n.get("admin-status-active" if person.active else "admin-status-inactive"),
    )
    target = person.telegram_id
    rows = []
    if person.active:
        other = Role.STAFF if person.role is Role.ADMIN else Role.ADMIN
        rows.append(
            [
                _button(
                    i18n.get(f"admin-btn-make-{other.value}"),
                    AdminCb(action=AdminAction.ROLE, target=target, role=other),
                ),
                _button(
                    i18n.get("admin-btn-deactivate"), AdminCb(action=AdminAction.DEACTIVATE, target=target)
                ),
            ]
        )
    else:
        rows.append(
            [_button(i18n.get("admin-btn-activate"), AdminCb(action=AdminAction.ACTIVATE, target=target))]
        )
    rows.append(_back(i18n, AdminAction.USERS))
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


async def warehouses_view(session: AsyncSession, i18n: I18nContext) -> tuple[str, InlineKeyboardMarkup]:
    warehouses = await Warehouses(session).list(include_inactive=True)
    lines = [i18n.get("admin-warehouses-title")]
    buttons = []
    for warehouse in warehouses:
        code, name = escape(warehouse.code), escape(warehouse.name)
        if warehouse.active:
            lines.append(f"• <b>{code}</b> — {name}")
            action, icon = AdminAction.WAREHOUSE_OFF, "⛔"
        else:
            lines.append(f"• <s>{code}</s> — {name} ({i18n.get('admin-status-inactive')})")
            action, icon = AdminAction.WAREHOUSE_ON, "✅"
        buttons.append(_button(f"{icon} {warehouse.code}", AdminCb(action=action, target=warehouse.id)))
    if not warehouses:
        lines.append(i18n.get("admin-no-warehouses"))
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([_button(i18n.get("admin-btn-add-warehouse"), AdminCb(action=AdminAction.ADD_WAREHOUSE))])
    rows.append(_back(i18n, AdminAction.MENU))
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def _edit(
    query: CallbackQuery, view: tuple[str, InlineKeyboardMarkup], toast: str | None = None
) -> None:
    await query.answer(toast)
    if isinstance(query.message, Message):
        await query.message.edit_text(view[0], reply_markup=view[1])


async def _known_user(session: AsyncSession, telegram_id: int) -> User:
    person = await Users(session).by_telegram_id(telegram_id)
    if person is None:
        raise NotFoundError(f"user {telegram_id} is not known", entity="user", id=telegram_id)
    return person


# --- commands and menu -------------------------------------------------------------------------


@router.message(Command("admin"), AdminOnly())
async def admin_command(message: Message, i18n: I18nContext) -> None:
    text, keyboard = menu_view(i18n)
    await message.answer(text, reply_markup=keyboard)


@router.message(Command("users"), AdminOnly())
async def users_command(message: Message, session: AsyncSession, i18n: I18nContext) -> None:
    text, keyboard = await users_view(session, i18n)
    await message.answer(text, reply_markup=keyboard)


@router.message(Command("warehouses"), AdminOnly())
async def warehouses_command(message: Message, session: AsyncSession, i18n: I18nContext) -> None:
    text, keyboard = await warehouses_view(session, i18n)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(AdminCb.filter(F.action == AdminAction.MENU), AdminOnly())
async def menu(query: CallbackQuery, i18n: I18nContext) -> None:
    await _edit(query, menu_view(i18n))


@router.callback_query(AdminCb.filter(F.action == AdminAction.USERS), AdminOnly())
async def users(query: CallbackQuery, session: AsyncSession, i18n: I18nContext) -> None:
    await _edit(query, await users_view(session, i18n))


@router.callback_query(AdminCb.filter(F.action == AdminAction.WAREHOUSES), AdminOnly())
async def warehouses(query: CallbackQuery, session: AsyncSession, i18n: I18nContext) -> None:
    await _edit(query, await warehouses_view(session, i18n))


# --- users -------------------------------------------------------------------------------------


@router.callback_query(AdminCb.filter(F.action == AdminAction.USER), AdminOnly())
async def user_card(
    query: CallbackQuery, callback_data: AdminCb, session: AsyncSession, i18n: I18nContext
) -> None:
    await _edit(query, user_view(i18n, await _known_user(session, callback_data.target)))


@router.callback_query(AdminCb.filter(F.action == AdminAction.ROLE), AdminOnly())
async def change_role(
    query: CallbackQuery, callback_data: AdminCb, session: AsyncSession, i18n: I18nContext
) -> None:
    person = await _known_user(session, callback_data.target)
    await Users(session).set_role(person.telegram_id, callback_data.role)
    await session.commit()
    toast = i18n.get("admin-role-changed", name=_name(i18n, person), role=_role(i18n, person.role))
    await _edit(query, user_view(i18n, person), toast)


@router.callback_query(
    AdminCb.filter(F.action.in_({AdminAction.DEACTIVATE, AdminAction.ACTIVATE})), AdminOnly()
)
async def switch_user(
    query: CallbackQuery, callback_data: AdminCb, session: AsyncSession, i18n: I18nContext
) -> None:
    person = await _known_user(session, callback_data.target)
    people = Users(session)
    if callback_data.action is AdminAction.DEACTIVATE:
        await people.deactivate(person.telegram_id)
        toast = "admin-deactivated"
    else:
        await people.add(person.telegram_id, person.role)
        toast = "admin-activated"
    await session.commit()
    await _edit(query, user_view(i18n, person), i18n.get(toast, name=_name(i18n, person)))


@router.callback_query(AdminCb.filter(F.action == AdminAction.ADD_USER), AdminOnly())
async def add_user(query: CallbackQuery, state: FSMContext, i18n: I18nContext) -> None:
    flow = await start_flow(state, AdminFlow.user_id)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(i18n.get("admin-ask-user"), reply_markup=cancel_keyboard(i18n, flow))


def _forwarded_person(message: Message) -> TelegramUser | str | None:
    """The author of a forwarded message: a user, the name of one who hides their account, or None."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    return message.forward_from


async def _ask_role(
    message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext, telegram_id: int, name: str
) -> None:
    data = await state.get_data()
    await state.update_data(telegram_id=telegram_id, name=name)
    await state.set_state(AdminFlow.role)
    lines = [i18n.get("admin-pick-role", name=escape(name) or str(telegram_id), telegram_id=str(telegram_id))]
    known = await Users(session).by_telegram_id(telegram_id)
    if known is not None:
        status = i18n.get("admin-status-active" if known.active else "admin-status-inactive")
        lines.append(i18n.get("admin-known-user", role=_role(i18n, known.role), status=status))
    flow = data[FLOW_KEY]
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(i18n.get("admin-btn-role-staff"), RolePickCb(flow=flow, role=Role.STAFF)),
                _button(i18n.get("admin-btn-role-admin"), RolePickCb(flow=flow, role=Role.ADMIN)),
            ],
            cancel_keyboard(i18n, flow).inline_keyboard[0],
        ]
    )
    await message.answer("\n".join(lines), reply_markup=keyboard)


@router.message(StateFilter(AdminFlow.user_id), ~F.text.startswith("/"), AdminOnly())
async def user_id_given(
    message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext
) -> None:
    person = _forwarded_person(message)
    if isinstance(person, str):
        await message.answer(i18n.get("admin-forward-hidden", name=escape(person)))
        return
    if isinstance(person, TelegramUser):
        if person.is_bot:
            await message.answer(i18n.get("admin-forward-bot"))
            return
        await _ask_role(message, state, session, i18n, person.id, person.full_name)
        return
    if message.forward_origin is not None:
        await message.answer(i18n.get("admin-forward-not-person"))
        return
    text = (message.text or "").strip().replace(" ", "")
    if not TELEGRAM_ID.fullmatch(text) or not 0 < int(text) < MAX_TELEGRAM_ID:
        await message.answer(i18n.get("admin-bad-id", text=escape((message.text or "")[:40])))
        return
    await _ask_role(message, state, session, i18n, int(text), "")


@router.callback_query(RolePickCb.filter(), StateFilter(AdminFlow.role), AdminOnly())
async def role_picked(
    query: CallbackQuery,
    callback_data: RolePickCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    data: dict[str, Any] = await state.get_data()
    if data.get(FLOW_KEY) != callback_data.flow or not isinstance(query.message, Message):
        await query.answer(i18n.get("button-outdated"), show_alert=True)
        return
    await state.clear()
    person = await Users(session).add(data["telegram_id"], callback_data.role, data["name"])
    await session.commit()
    await query.answer()
    done = i18n.get(
        "admin-user-added",
        name=_name(i18n, person),
        telegram_id=str(person.telegram_id),
        role=_role(i18n, person.role),
    )
    await query.message.edit_text(done)
    text, keyboard = user_view(i18n, person)
    await query.message.answer(text, reply_markup=keyboard)


# --- warehouses --------------------------------------------------------------------------------


@router.callback_query(
    AdminCb.filter(F.action.in_({AdminAction.WAREHOUSE_OFF, AdminAction.WAREHOUSE_ON})), AdminOnly()
)
async def switch_warehouse(
    query: CallbackQuery, callback_data: AdminCb, session: AsyncSession, i18n: I18nContext
) -> None:
    active = callback_data.action is AdminAction.WAREHOUSE_ON
    warehouse = await Warehouses(session).set_active(callback_data.target, active)
    await session.commit()
    toast = i18n.get(
        "admin-warehouse-activated" if active else "admin-warehouse-deactivated", code=warehouse.code
    )
    await _edit(query, await warehouses_view(session, i18n), toast)


@router.callback_query(AdminCb.filter(F.action == AdminAction.ADD_WAREHOUSE), AdminOnly())
async def add_warehouse(query: CallbackQuery, state: FSMContext, i18n: I18nContext) -> None:
    flow = await start_flow(state, AdminFlow.warehouse_code)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            i18n.get("admin-ask-warehouse-code"), reply_markup=cancel_keyboard(i18n, flow)
        )


@router.message(StateFilter(AdminFlow.warehouse_code), ~F.text.startswith("/"), AdminOnly())
async def warehouse_code_given(
    message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext
) -> None:
    code = (message.text or "").strip().upper()
    if not WAREHOUSE_CODE.fullmatch(code):
        await message.answer(i18n.get("error-warehouse_code", value=escape(code[:40])))
        return
    if await Warehouses(session).by_code(code) is not None:
        await message.answer(i18n.get("error-warehouse_taken", value=escape(code)))
        return
    data = await state.get_data()
    await state.update_data(code=code)
    await state.set_state(AdminFlow.warehouse_name)
    await message.answer(
        i18n.get("admin-ask-warehouse-name", code=escape(code)),
        reply_markup=cancel_keyboard(i18n, data[FLOW_KEY]),
    )


@router.message(StateFilter(AdminFlow.warehouse_name), ~F.text.startswith("/"), AdminOnly())
async def warehouse_name_given(
    message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext
) -> None:
    data = await state.get_data()
    try:
        warehouse: Warehouse = await Warehouses(session).add(data["code"], message.text or "")
    except DomainError as exc:
        await session.rollback()
        await message.answer(error_text(i18n, exc))
        return
    await session.commit()
    await state.clear()
    await message.answer(
        i18n.get("admin-warehouse-added", code=escape(warehouse.code), name=escape(warehouse.name))
    )
    text, keyboard = await warehouses_view(session, i18n)
    await message.answer(text, reply_markup=keyboard)
