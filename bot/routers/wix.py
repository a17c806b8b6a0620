"""/wix (admins): the Wix sites with their catalog version and last sync, adding a site (name, site id,
API key), each site's SKU mapping report (missing in Wix, doubled in Wix, in Wix but unknown here), and
each site's screen: disable, enable, remove (after a screen that says what goes).

Whenever a site is added, disabled, enabled or removed, the scheduler refreshes its jobs at once instead
of at its next minutely refresh (on an instance that is not the leader, it asks the leader to).

The API key is a secret: the message that carries it is deleted before anything else happens, the key
is never kept in the conversation state, never echoed and never logged. Whatever talks to Wix (checking
a key, refreshing a mapping) runs in a task of its own that edits one message when done: a handler's
unit of work must not stay open during an HTTP call. The tasks use the process's `WixChannel` (so its
rate limiter is the one the background jobs use), or one built from the settings when there is none.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from enum import StrEnum
from functools import partial
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from aiogram_i18n.exceptions import KeyNotFoundError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import MenuCommand
from bot.filters import AdminOnly
from bot.flows import FLOW_KEY, start_flow
from bot.i18n_text import error_text
from bot.routers.edit import cancel_keyboard
from bot.settings import Settings
from bot.views.format import escape, format_time, split_text
from domain.channels import StockChannel
from domain.db import Database
from domain.errors import DomainError, NotFoundError
from domain.models import AccountState
from integrations.wix.channel import WixChannel
from integrations.wix.errors import WixError
from integrations.wix.mapping import StoredReport
from integrations.wix.sites import (
    Removal,
    SiteOverview,
    check_name,
    check_site_id,
    overviews,
    removal,
    remove_site,
    set_site_state,
)
from integrations.wix.sync import last_mapping_report
from scheduler.runner import BackgroundRunner

log = logging.getLogger(__name__)
router = Router(name=__name__)
COMMANDS = (MenuCommand("wix", "wix-command"),)

LISTED = 20  # SKUs shown per problem kind; the counts cover everything
Translate = Callable[..., str]
Opener = Callable[[], AbstractAsyncContextManager[WixChannel]]


class WixAction(StrEnum):
    LIST = "l"
    ADD = "a"
    MAP = "m"
    REFRESH = "r"
    SITE = "s"
    DISABLE = "d"
    ENABLE = "e"
    REMOVE = "x"
    REMOVE_CONFIRMED = "y"


class WixCb(CallbackData, prefix="wx"):
    action: WixAction
    account_id: int = 0


class WixFlow(StatesGroup):
    name = State()
    site_id = State()
    key = State()


def _button(text: str, action: WixAction, account_id: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=WixCb(action=action, account_id=account_id).pack())


def _sites_keyboard(tr: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(tr("wix-btn-sites"), WixAction.LIST)]])


def _translator(i18n: I18nContext) -> Translate:
    core, locale = i18n.core, i18n.locale  # kept: a task outlives its update

    def translate(key: str, **params: Any) -> str:
        return core.get(key, locale, **params)

    return translate


# --- views -------------------------------------------------------------------------------------


def _site_line(tr: Translate, site: SiteOverview, settings: Settings) -> str:
    if site.last_sync_at is not None:
        sync = tr(
            "wix-last-sync",
            time=format_time(site.last_sync_at, settings.zone),
            trigger=escape(site.last_sync_trigger or "—"),
            status=escape(site.last_sync_status or "—"),
        )
    else:
        sync = tr("wix-never-synced")
    line = tr(
        "wix-site-line",
        name=escape(site.name),
        catalog=escape(site.catalog_version or tr("wix-catalog-unknown")),
        sync=sync,
    )
    if site.state != AccountState.ACTIVE:
        line += " " + tr("wix-site-inactive", state=tr(f"status-state-{site.state.value}"))
    if site.last_error:
        line += "\n    " + tr("wix-site-error", error=escape(site.last_error[:300]))
    return line


async def sites_view(
    session: AsyncSession, tr: Translate, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    sites = await overviews(session)
    lines = [tr("wix-sites-title")]
    lines += [_site_line(tr, site, settings) for site in sites] or [tr("wix-no-sites")]
    rows = [
        [
            _button(tr("wix-btn-map", name=site.name), WixAction.MAP, site.id),
            _button(tr("wix-btn-site", name=site.name), WixAction.SITE, site.id),
        ]
        for site in sites
    ]
    rows.append([_button(tr("wix-btn-add"), WixAction.ADD)])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def site_view(tr: Translate, site: SiteOverview, settings: Settings) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        (
            _site_line(tr, site, settings),
            tr("wix-site-id", site_id=escape(site.site_id)),
            tr("wix-site-state", state=tr(f"status-state-{site.state.value}")),
        )
    )
    if site.state == AccountState.DISABLED:
        toggle = _button(tr("wix-btn-enable"), WixAction.ENABLE, site.id)
    else:
        toggle = _button(tr("wix-btn-disable"), WixAction.DISABLE, site.id)
    rows = [
        [toggle, _button(tr("wix-btn-remove"), WixAction.REMOVE, site.id)],
        [_button(tr("btn-back"), WixAction.LIST)],
    ]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def removal_view(tr: Translate, gone: Removal) -> tuple[str, InlineKeyboardMarkup]:
    text = tr("wix-remove-confirm", name=escape(gone.name), mappings=gone.mappings, syncs=gone.syncs)
    rows = [
        [_button(tr("wix-btn-remove-confirm", name=gone.name), WixAction.REMOVE_CONFIRMED, gone.id)],
        [_button(tr("btn-back"), WixAction.SITE, gone.id)],
    ]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _listed(values: Sequence[str], count: int) -> str:
    shown = ", ".join(escape(value) for value in values[:LISTED])
    return shown + (f" (+{count - min(len(values), LISTED)})" if count > min(len(values), LISTED) else "")


def mapping_text(tr: Translate, name: str, stored: StoredReport | None, settings: Settings) -> str:
    if stored is None:
        return tr("wix-mapping-none", name=escape(name))
    report = stored.report
    lines = [
        tr(
            "wix-mapping-title",
            name=escape(name),
            time=format_time(stored.at, settings.zone) if stored.at else "—",
            catalog=escape(report.catalog_version or "—"),
        ),
        tr("wix-mapping-counts", mapped=report.mapped, products=report.products, wix=report.wix_skus),
    ]
    duplicates = [f"{sku} ×{count}" for sku, count in report.duplicates.items()]
    for key, values, count in (
        ("wix-mapping-missing", report.missing, stored.missing_count),
        ("wix-mapping-duplicates", duplicates, stored.duplicates_count),
        ("wix-mapping-unknown", report.unknown, stored.unknown_count),
    ):
        if count:
            lines.append(tr(key, count=count, skus=_listed(values, count)))
    if not (stored.missing_count or stored.duplicates_count or stored.unknown_count):
        lines.append(tr("wix-mapping-clean"))
    return "\n".join(lines)


def _mapping_keyboard(tr: Translate, account_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(tr("wix-btn-refresh"), WixAction.REFRESH, account_id)],
            [_button(tr("btn-back"), WixAction.LIST)],
        ]
    )


# --- tasks that talk to Wix ----------------------------------------------------------------------


_running: set[asyncio.Task[None]] = set()


def _start(work: Awaitable[None], tr: Translate, bot: Bot, status: Message) -> None:
    """Run `work` after the update; an unexpected failure is logged and shown on `status`."""

    async def guarded() -> None:
        try:
            await work
        except Exception as exc:  # only its type: a driver's error text may quote the key being saved
            log.error("wix: a task of /wix failed with %s", type(exc).__name__)
            await _edit(bot, status, tr("error-unexpected"))

    task = asyncio.ensure_future(guarded())
    _running.add(task)
    task.add_done_callback(_running.discard)


async def _stop_all() -> None:
    tasks = list(_running)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


router.shutdown.register(_stop_all)


@asynccontextmanager
async def _channel(
    channels: Sequence[StockChannel] | None, settings: Settings, db: Database
) -> AsyncIterator[WixChannel]:
    found = next((channel for channel in channels or () if isinstance(channel, WixChannel)), None)
    if found is not None:
        yield found
        return
    async with WixChannel.from_settings(settings, db) as built:
        yield built


async def _edit(bot: Bot, message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await bot.edit_message_text(
            text=split_text(text)[0],
            chat_id=message.chat.id,
            message_id=message.message_id,
            reply_markup=markup,
        )
    except TelegramAPIError as exc:
        log.warning("wix: a result could not be shown: %s", exc)


def _refusal(tr: Translate, error: DomainError) -> str:
    try:
        return tr(f"error-{error.params.get('reason')}")
    except KeyNotFoundError:  # a refusal without a text of its own still says what went wrong
        return escape(error.message)


async def refresh_jobs(scheduler: BackgroundRunner | None) -> None:
    """The site's jobs start (or stop) now, not at the scheduler's next minutely refresh."""
    if scheduler is not None:
        await scheduler.refresh_jobs_after_change()


async def _add_site(
    tr: Translate,
    bot: Bot,
    status: Message,
    make: Opener,
    scheduler: BackgroundRunner | None,
    entered: tuple[str, str, str],
) -> None:
    name, site_id, key = entered
    async with make() as channel:
        try:
            site, created = await channel.add_site(name, site_id, key)
        except DomainError as error:
            await _edit(bot, status, tr("wix-site-refused", reason=_refusal(tr, error)))
            return
    await refresh_jobs(scheduler)
    version = site.catalog_version.value if site.catalog_version else "—"
    done = "wix-site-added" if created else "wix-site-rekeyed"
    keyboard = _sites_keyboard(tr)
    await _edit(bot, status, tr(done, name=escape(site.name), catalog=escape(version)), keyboard)


async def _refresh(
    tr: Translate, bot: Bot, status: Message, make: Opener, account_id: int, name: str, settings: Settings
) -> None:
    async with make() as channel:
        try:
            await channel.refresh_mapping(account_id)
        except WixError as error:
            await _edit(bot, status, tr("wix-mapping-failed", name=escape(name), error=escape(str(error))))
            return
        stored = await channel.mapping_report(account_id)
    await _edit(bot, status, mapping_text(tr, name, stored, settings), _mapping_keyboard(tr, account_id))


# --- screens -----------------------------------------------------------------------------------


@router.message(Command("wix"), AdminOnly())
async def wix_command(message: Message, session: AsyncSession, i18n: I18nContext, settings: Settings) -> None:
    text, keyboard = await sites_view(session, _translator(i18n), settings)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(WixCb.filter(F.action == WixAction.LIST), AdminOnly())
async def sites_screen(
    query: CallbackQuery, session: AsyncSession, i18n: I18nContext, settings: Settings
) -> None:
    await _screen(query, await sites_view(session, _translator(i18n), settings))


@router.callback_query(WixCb.filter(F.action == WixAction.MAP), AdminOnly())
async def mapping_screen(
    query: CallbackQuery,
    callback_data: WixCb,
    session: AsyncSession,
    i18n: I18nContext,
    settings: Settings,
) -> None:
    await query.answer()
    name = next((site.name for site in await overviews(session) if site.id == callback_data.account_id), None)
    if not isinstance(query.message, Message):
        return
    if name is None:
        await query.message.answer(i18n.get("button-outdated"))
        return
    tr = _translator(i18n)
    stored = await last_mapping_report(session, callback_data.account_id)
    await query.message.edit_text(
        mapping_text(tr, name, stored, settings), reply_markup=_mapping_keyboard(tr, callback_data.account_id)
    )


@router.callback_query(WixCb.filter(F.action == WixAction.REFRESH), AdminOnly())
async def refresh_mapping(
    query: CallbackQuery,
    callback_data: WixCb,
    bot: Bot,
    session: AsyncSession,
    i18n: I18nContext,
    settings: Settings,
    db: Database,
    channels: Sequence[StockChannel] | None = None,
) -> None:
    await query.answer()
    name = next((site.name for site in await overviews(session) if site.id == callback_data.account_id), None)
    if not isinstance(query.message, Message) or name is None:
        return
    tr = _translator(i18n)
    status = await query.message.answer(tr("wix-mapping-running", name=escape(name)))
    make = partial(_channel, channels, settings, db)
    _start(_refresh(tr, bot, status, make, callback_data.account_id, name, settings), tr, bot, status)


# --- adding a site -----------------------------------------------------------------------------


@router.callback_query(WixCb.filter(F.action == WixAction.ADD), AdminOnly())
async def add_site(query: CallbackQuery, state: FSMContext, i18n: I18nContext) -> None:
    flow = await start_flow(state, WixFlow.name)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(i18n.get("wix-ask-name"), reply_markup=cancel_keyboard(i18n, flow))


@router.message(StateFilter(WixFlow.name), F.text, ~F.text.startswith("/"), AdminOnly())
async def name_given(message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext) -> None:
    try:
        name = check_name(message.text or "")
    except DomainError as error:
        await message.answer(error_text(i18n, error))
        return
    if any(site.name == name for site in await overviews(session)):
        await message.answer(i18n.get("error-wix_site_name_taken"))
        return
    data = await state.get_data()
    await state.update_data(name=name)
    await state.set_state(WixFlow.site_id)
    await message.answer(
        i18n.get("wix-ask-site-id", name=escape(name)), reply_markup=cancel_keyboard(i18n, data[FLOW_KEY])
    )


async def _delete(message: Message, i18n: I18nContext) -> None:
    """Remove a message that holds (or may hold) a key; if Telegram refuses, ask the admin to."""
    try:
        await message.delete()
    except TelegramAPIError:
        await message.answer(i18n.get("wix-key-not-deleted"))


@router.message(StateFilter(WixFlow.site_id), F.text, ~F.text.startswith("/"), AdminOnly())
async def site_id_given(message: Message, state: FSMContext, i18n: I18nContext) -> None:
    text = message.text or ""
    try:
        site_id = check_site_id(text)
    except DomainError as error:
        if len(text.strip()) > 64:  # a key sent a step too early: it must not stay in the chat
            await _delete(message, i18n)
            await message.answer(i18n.get("wix-looked-like-key"))
            return
        await message.answer(error_text(i18n, error))
        return
    data = await state.get_data()
    await state.update_data(site_id=site_id)
    await state.set_state(WixFlow.key)
    await message.answer(i18n.get("wix-ask-key"), reply_markup=cancel_keyboard(i18n, data[FLOW_KEY]))


@router.message(StateFilter(WixFlow.key), F.text, ~F.text.startswith("/"), AdminOnly())
async def key_given(
    message: Message,
    state: FSMContext,
    bot: Bot,
    i18n: I18nContext,
    settings: Settings,
    db: Database,
    channels: Sequence[StockChannel] | None = None,
    scheduler: BackgroundRunner | None = None,
) -> None:
    key = (message.text or "").strip()
    await _delete(message, i18n)
    data = await state.get_data()
    await state.clear()
    tr = _translator(i18n)
    status = await message.answer(tr("wix-checking", name=escape(data["name"])))
    make = partial(_channel, channels, settings, db)
    entered = (data["name"], data["site_id"], key)
    _start(_add_site(tr, bot, status, make, scheduler, entered), tr, bot, status)


# --- a site's screen: disable, enable, remove ----------------------------------------------------


async def _site(session: AsyncSession, account_id: int) -> SiteOverview | None:
    return next((site for site in await overviews(session) if site.id == account_id), None)


async def _screen(query: CallbackQuery, view: tuple[str, InlineKeyboardMarkup]) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(view[0], reply_markup=view[1])


async def _gone(query: CallbackQuery, i18n: I18nContext) -> None:
    """A button of a site that no longer exists (removed meanwhile, or forged)."""
    await query.answer(i18n.get("wix-site-gone"), show_alert=True)


async def _show_site(
    query: CallbackQuery, session: AsyncSession, i18n: I18nContext, settings: Settings, account_id: int
) -> None:
    site = await _site(session, account_id)
    if site is None:
        await _gone(query, i18n)
        return
    await _screen(query, site_view(_translator(i18n), site, settings))


@router.callback_query(WixCb.filter(F.action == WixAction.SITE), AdminOnly())
async def site_screen(
    query: CallbackQuery, callback_data: WixCb, session: AsyncSession, i18n: I18nContext, settings: Settings
) -> None:
    await _show_site(query, session, i18n, settings, callback_data.account_id)


@router.callback_query(WixCb.filter(F.action.in_({WixAction.DISABLE, WixAction.ENABLE})), AdminOnly())
async def switch_site(
    query: CallbackQuery,
    callback_data: WixCb,
    session: AsyncSession,
    i18n: I18nContext,
    settings: Settings,
    scheduler: BackgroundRunner | None = None,
) -> None:
    wanted = AccountState.DISABLED if callback_data.action == WixAction.DISABLE else AccountState.ACTIVE
    try:
        await set_site_state(session, callback_data.account_id, wanted)
    except NotFoundError:
        await _gone(query, i18n)
        return
    await session.commit()
    await refresh_jobs(scheduler)
    await _show_site(query, session, i18n, settings, callback_data.account_id)


@router.callback_query(WixCb.filter(F.action == WixAction.REMOVE), AdminOnly())
async def confirm_removal(
    query: CallbackQuery, callback_data: WixCb, session: AsyncSession, i18n: I18nContext
) -> None:
    try:
        gone = await removal(session, callback_data.account_id)
    except NotFoundError:
        await _gone(query, i18n)
        return
    await _screen(query, removal_view(_translator(i18n), gone))


@router.callback_query(WixCb.filter(F.action == WixAction.REMOVE_CONFIRMED), AdminOnly())
async def remove(
    query: CallbackQuery,
    callback_data: WixCb,
    session: AsyncSession,
    i18n: I18nContext,
    scheduler: BackgroundRunner | None = None,
) -> None:
    try:
        gone = await remove_site(session, callback_data.account_id)
    except NotFoundError:
        await _gone(query, i18n)
        return
    await session.commit()
    await refresh_jobs(scheduler)
    tr = _translator(i18n)
    keyboard = _sites_keyboard(tr)
    text = tr("wix-site-removed", name=escape(gone.name), mappings=gone.mappings, syncs=gone.syncs)
    await _screen(query, (text, keyboard))
