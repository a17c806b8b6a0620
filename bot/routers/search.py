"""Search: any text (exact SKU, exact EAN, else words → a paged list), a photo of a barcode, and the
catch-all answers for unknown commands and outdated buttons. This router is the last one."""

from __future__ import annotations

import asyncio
import hashlib
import math
from dataclasses import replace

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import PageCb, ProductAction, ProductCb
from bot.files import IMAGE_MIME_PREFIX, download, sent_file
from bot.filters import StaffOrAdmin, is_admin
from bot.middlewares.database import READS_ONLY
from bot.settings import Settings
from bot.views.card import show_card
from bot.views.format import escape
from domain.barcodes import decode_barcodes
from domain.models import Product, User
from domain.search import MatchKind, SearchResult, search_products

router = Router(name=__name__)

PAGE_SIZE = 8
SEARCH_SCOPE = "s"
REMEMBERED_SEARCHES = 20
BUTTON_NAME_LENGTH = 40


def _searches(state: FSMContext) -> FSMContext:
    """Recent queries live beside (not inside) the flow data, so starting a flow keeps lists pageable."""
    return FSMContext(storage=state.storage, key=replace(state.key, destiny="searches"))


def _token(query: str) -> str:
    return hashlib.blake2s(query.encode(), digest_size=6).hexdigest()


async def _remember(state: FSMContext, query: str) -> str:
    token = _token(query)
    store = _searches(state)
    data = await store.get_data()
    data.pop(token, None)
    data[token] = query
    while len(data) > REMEMBERED_SEARCHES:
        data.pop(next(iter(data)))
    await store.set_data(data)
    return token


def _label(product: Product, available: int) -> str:
    name = product.name
    if len(name) > BUTTON_NAME_LENGTH:
        name = name[: BUTTON_NAME_LENGTH - 1] + "…"
    return f"{name} · {product.sku} · {available}"


def _results_page(
    i18n: I18nContext, query: str, token: str, result: SearchResult
) -> tuple[str, InlineKeyboardMarkup]:
    page = result.offset // PAGE_SIZE
    pages = max(1, math.ceil(result.total / PAGE_SIZE))
    rows = [
        [
            InlineKeyboardButton(
                text=_label(product, result.available.get(product.id, 0)),
                callback_data=ProductCb(action=ProductAction.VIEW, product_id=product.id).pack(),
            )
        ]
        for product in result.products
    ]
    nav = [
        InlineKeyboardButton(text=arrow, callback_data=PageCb(scope=SEARCH_SCOPE, token=token, page=n).pack())
        for arrow, n, shown in (("◀", page - 1, result.has_previous), ("▶", page + 1, result.has_next))
        if shown
    ]
    if nav:
        rows.append(nav)
    text = i18n.get("search-results", query=escape(query), total=result.total, page=page + 1, pages=pages)
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(F.text.startswith("/"), StaffOrAdmin())
async def unknown_command(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("unknown-command"))


@router.message(F.text, StateFilter(None), StaffOrAdmin(), flags=READS_ONLY)
async def search(
    message: Message, session: AsyncSession, i18n: I18nContext, user: User, state: FSMContext
) -> None:
    query = (message.text or "").strip()
    # Admins also find archived products: restoring one starts from its card.
    result = await search_products(session, query, limit=PAGE_SIZE, include_archived=is_admin(user))
    if result.kind in (MatchKind.SKU, MatchKind.EAN) or result.total == 1:
        await show_card(message, session, i18n, result.products[0].id, user)
        return
    if result.kind == MatchKind.NONE:
        await session.commit()
        await message.answer(i18n.get("search-nothing", query=escape(query)))
        return
    # Only a list with a next page has arrows that need the query back: a single page writes nothing
    # (on SQLite, no write lock taken for a search).
    token = await _remember(state, query) if result.has_next else _token(query)
    page = _results_page(i18n, query, token, result)
    await session.commit()  # nothing to write: end the transaction before the network call
    await message.answer(page[0], reply_markup=page[1])


@router.callback_query(PageCb.filter(F.scope == SEARCH_SCOPE), StaffOrAdmin(), flags=READS_ONLY)
async def turn_page(
    query: CallbackQuery,
    callback_data: PageCb,
    session: AsyncSession,
    i18n: I18nContext,
    state: FSMContext,
    user: User,
) -> None:
    text = (await _searches(state).get_data()).get(callback_data.token)
    offset = max(callback_data.page, 0) * PAGE_SIZE
    result = (
        await search_products(session, text, limit=PAGE_SIZE, offset=offset, include_archived=is_admin(user))
        if text
        else None
    )
    if text is None or result is None or not result.products or not isinstance(query.message, Message):
        await query.answer(i18n.get("search-outdated"), show_alert=True)
        return
    page = _results_page(i18n, text, callback_data.token, result)
    await session.commit()
    await query.answer()
    await query.message.edit_text(page[0], reply_markup=page[1])


IMAGE_SENT = F.photo | F.document.mime_type.startswith(IMAGE_MIME_PREFIX)


@router.message(IMAGE_SENT, StateFilter(None), StaffOrAdmin())
async def barcode_photo(
    message: Message, session: AsyncSession, i18n: I18nContext, user: User, bot: Bot, settings: Settings
) -> None:
    file = sent_file(message)
    assert file is not None
    data = await download(bot, file[0], file[1], settings.max_photo_mb * 1024 * 1024)
    codes = await asyncio.to_thread(decode_barcodes, data)
    if not codes:
        await message.answer(i18n.get("barcode-unreadable"))
        return
    shown = set()
    for code in codes:
        result = await search_products(session, code, limit=1, include_archived=is_admin(user))
        if result.kind in (MatchKind.SKU, MatchKind.EAN) and result.products[0].id not in shown:
            shown.add(result.products[0].id)
            await show_card(message, session, i18n, result.products[0].id, user)
    if not shown:
        codes_text = ", ".join(f"<code>{escape(code)}</code>" for code in codes)
        await message.answer(i18n.get("barcode-unknown", codes=codes_text))


@router.message(StaffOrAdmin())
async def anything_else(message: Message, i18n: I18nContext, state: FSMContext) -> None:
    key = "flow-unexpected" if await state.get_state() is not None else "search-hint"
    await message.answer(i18n.get(key))


@router.callback_query(StaffOrAdmin())
async def outdated_button(query: CallbackQuery, i18n: I18nContext) -> None:
    await query.answer(i18n.get("button-outdated"), show_alert=True)
    if isinstance(query.message, Message):
        await query.message.answer(i18n.get("button-outdated"))
