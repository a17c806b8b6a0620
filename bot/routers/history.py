"""History: per product (card button) and global (/history), newest first, paged with ◀ ▶, filtered by
kind of operation (a row of buttons) and by user (admins pick anyone; staff toggle "mine").

The filter travels in the callback data, so every button is checked on the server again: a staff user
whose (forged) button names another user's history gets "not allowed".
"""

from __future__ import annotations

import math
from enum import StrEnum

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ProductAction, ProductCb
from bot.commands import MenuCommand
from bot.filters import AdminOnly, StaffOrAdmin, is_admin
from bot.guards import card_product
from bot.settings import Settings
from bot.views.format import escape
from bot.views.history import format_entry, pack_blocks
from domain.errors import NotFoundError, PermissionDeniedError
from domain.history import HistoryPage, read_history
from domain.models import OperationType, Product, User
from domain.people import Users

router = Router(name=__name__)
COMMANDS = (MenuCommand("history", "history-command"),)
PAGE_SIZE = 10
MAX_USER_BUTTONS = 60

T = OperationType


class HistoryKind(StrEnum):
    ALL = "a"
    RECEIPTS = "r"
    TRANSFERS = "t"
    WRITE_OFFS = "w"
    COUNTS = "c"
    ORDERS = "o"
    EDITS = "e"


KIND_TYPES: dict[HistoryKind, tuple[OperationType, ...]] = {
    HistoryKind.ALL: (),
    HistoryKind.RECEIPTS: (T.RECEIPT,),
    HistoryKind.TRANSFERS: (T.TRANSFER,),
    HistoryKind.WRITE_OFFS: (T.WRITE_OFF,),
    HistoryKind.COUNTS: (T.COUNT,),
    HistoryKind.ORDERS: (T.SALE, T.RETURN, T.RESERVE, T.RELEASE),
    HistoryKind.EDITS: (T.PRODUCT_CREATE, T.PRODUCT_EDIT, T.PRODUCT_ARCHIVE, T.PRODUCT_RESTORE),
}
KIND_KEYS = {
    HistoryKind.ALL: "history-kind-all",
    HistoryKind.RECEIPTS: "history-kind-receipts",
    HistoryKind.TRANSFERS: "history-kind-transfers",
    HistoryKind.WRITE_OFFS: "history-kind-write-offs",
    HistoryKind.COUNTS: "history-kind-counts",
    HistoryKind.ORDERS: "history-kind-orders",
    HistoryKind.EDITS: "history-kind-edits",
}
KIND_ROWS = (
    (HistoryKind.ALL, HistoryKind.RECEIPTS, HistoryKind.TRANSFERS, HistoryKind.WRITE_OFFS),
    (HistoryKind.COUNTS, HistoryKind.ORDERS, HistoryKind.EDITS),
)


class HistoryCb(CallbackData, prefix="hi"):
    """One page of a history view. `product_id` 0 = every product; `user_id` (users.id) 0 = everyone."""

    product_id: int = 0
    kind: HistoryKind = HistoryKind.ALL
    user_id: int = 0
    page: int = 0


class HistoryUsersCb(CallbackData, prefix="hu"):
    """Admin: pick whose history a view shows."""

    product_id: int = 0
    kind: HistoryKind = HistoryKind.ALL


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _keyboard(i18n: I18nContext, view: HistoryCb, page: HistoryPage, user: User) -> InlineKeyboardMarkup:
    def at(**changes: object) -> HistoryCb:
        return view.model_copy(update={"page": 0, **changes})

    rows = [
        [
            _button(("✓ " if kind is view.kind else "") + i18n.get(KIND_KEYS[kind]), at(kind=kind))
            for kind in row
        ]
        for row in KIND_ROWS
    ]
    people = []
    if is_admin(user):
        people.append(
            _button(i18n.get("history-btn-user"), HistoryUsersCb(product_id=view.product_id, kind=view.kind))
        )
        if view.user_id:
            people.append(_button(i18n.get("history-btn-everyone"), at(user_id=0)))
    elif view.user_id == user.id:
        people.append(_button(i18n.get("history-btn-everyone"), at(user_id=0)))
    else:
        people.append(_button(i18n.get("history-btn-mine"), at(user_id=user.id)))
    rows.append(people)
    paging = []
    if view.page > 0:
        paging.append(_button("◀", view.model_copy(update={"page": view.page - 1})))
    if page.has_next:
        paging.append(_button("▶", view.model_copy(update={"page": view.page + 1})))
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _title(session: AsyncSession, i18n: I18nContext, product_id: int) -> str:
    if not product_id:
        return i18n.get("history-title-all")
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFoundError(f"product {product_id} does not exist", entity="product", id=product_id)
    return i18n.get("history-title-product", name=escape(product.name), sku=escape(product.sku))


async def _user_name(session: AsyncSession, user_id: int) -> str:
    person = await session.get(User, user_id)
    if person is None:
        raise NotFoundError(f"user {user_id} does not exist", entity="user", id=user_id)
    return escape(person.display_name or person.telegram_id)


async def _read(session: AsyncSession, view: HistoryCb) -> tuple[HistoryCb, HistoryPage]:
    async def page_at(number: int) -> HistoryPage:
        return await read_history(
            session,
            product_id=view.product_id or None,
            types=KIND_TYPES[view.kind],
            user_id=view.user_id or None,
            limit=PAGE_SIZE,
            offset=number * PAGE_SIZE,
        )

    page = await page_at(view.page)
    if not page.entries and view.page > 0:  # past the end (an old button, a narrower filter): the last page
        view = view.model_copy(update={"page": max(0, math.ceil(page.total / PAGE_SIZE) - 1)})
        page = await page_at(view.page)
    return view, page


async def render(
    session: AsyncSession, i18n: I18nContext, settings: Settings, view: HistoryCb, user: User
) -> tuple[list[str], InlineKeyboardMarkup]:
    """The texts of one history page (split under Telegram's limit) and its buttons."""
    view, page = await _read(session, view)
    header = [
        await _title(session, i18n, view.product_id),
        i18n.get("history-filter-kind", kind=i18n.get(KIND_KEYS[view.kind])),
    ]
    if view.user_id:
        header.append(i18n.get("history-filter-user", user=await _user_name(session, view.user_id)))
    pages = max(1, math.ceil(page.total / PAGE_SIZE))
    header.append(i18n.get("history-page", page=view.page + 1, pages=pages))
    entries = [
        format_entry(i18n, entry, settings.zone, show_sku=not view.product_id) for entry in page.entries
    ] or [i18n.get("history-empty")]
    return pack_blocks(["\n".join(header), *entries]), _keyboard(i18n, view, page, user)


def _check_allowed(view: HistoryCb, user: User) -> None:
    if view.user_id and view.user_id != user.id and not is_admin(user):
        raise PermissionDeniedError("staff see only their own history filter")


async def _send(message: Message, texts: list[str], keyboard: InlineKeyboardMarkup) -> None:
    *head, last = texts
    for text in head:
        await message.answer(text)
    await message.answer(last, reply_markup=keyboard)


@router.message(Command("history"), StaffOrAdmin())
async def history_command(
    message: Message, session: AsyncSession, i18n: I18nContext, settings: Settings, user: User
) -> None:
    await _send(message, *await render(session, i18n, settings, HistoryCb(), user))


@router.callback_query(ProductCb.filter(F.action == ProductAction.HISTORY), StaffOrAdmin())
async def product_history(
    query: CallbackQuery,
    callback_data: ProductCb,
    session: AsyncSession,
    i18n: I18nContext,
    settings: Settings,
    user: User,
) -> None:
    product = await card_product(
        query, callback_data, session, i18n, user, check_version=False, allow_archived=True
    )
    if product is None or not isinstance(query.message, Message):
        return
    await query.answer()
    await _send(query.message, *await render(session, i18n, settings, HistoryCb(product_id=product.id), user))


@router.callback_query(HistoryCb.filter(), StaffOrAdmin())
async def history_page(
    query: CallbackQuery,
    callback_data: HistoryCb,
    session: AsyncSession,
    i18n: I18nContext,
    settings: Settings,
    user: User,
) -> None:
    _check_allowed(callback_data, user)
    texts, keyboard = await render(session, i18n, settings, callback_data, user)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if len(texts) == 1 and query.message.text is not None:
        await query.message.edit_text(texts[0], reply_markup=keyboard)
    else:
        await _send(query.message, texts, keyboard)


@router.callback_query(HistoryUsersCb.filter(), AdminOnly())
async def pick_user(
    query: CallbackQuery, callback_data: HistoryUsersCb, session: AsyncSession, i18n: I18nContext
) -> None:
    people = (await Users(session).list())[:MAX_USER_BUTTONS]
    back = HistoryCb(product_id=callback_data.product_id, kind=callback_data.kind)
    buttons = [
        _button(
            person.display_name or str(person.telegram_id), back.model_copy(update={"user_id": person.id})
        )
        for person in people
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(i18n.get("history-btn-back"), back)])
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(
            i18n.get("history-pick-user"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
        )
