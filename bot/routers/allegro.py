"""/allegro (admins): the Allegro seller accounts: connect one by Allegro's device flow, reconnect one
that needs it, set the warehouses its sales are taken from, read its orders again from N days back,
check how its offers link to products.

Everything that talks to Allegro runs in a task of its own that edits one message as it goes (the link
and the code, "waiting…", the result): a handler's unit of work must not stay open while a person
approves on another device. The tasks use the process's `AllegroChannel` (the one the background jobs
use, so token refreshes of an account never race each other) and their own short transactions. A backfill
and an offer check also take the account's lock of the background jobs (see `_after_running_job`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from enum import StrEnum
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import MenuCommand
from bot.filters import AdminOnly
from bot.flows import start_flow
from bot.routers.edit import cancel_keyboard
from bot.views.format import escape
from domain.channels import AccountRef, StockChannel
from domain.models import AccountState
from integrations.allegro.accounts import (
    CHANNEL,
    AccountView,
    SellerMismatch,
    account_view,
    list_accounts,
    set_priority,
)
from integrations.allegro.auth import DevicePoll
from integrations.allegro.channel import AllegroChannel
from integrations.allegro.errors import AllegroError, DeviceFlowDenied, DeviceFlowExpired
from integrations.allegro.offers import LinkReport
from integrations.allegro.tracker import MAX_BACKFILL_DAYS
from scheduler.runner import BackgroundRunner

log = logging.getLogger(__name__)
router = Router(name=__name__)
COMMANDS = (MenuCommand("allegro", "allegro-command"),)

DAYS = re.compile(r"\d{1,3}")
PROBLEM_LINES = 20
JOB_WAIT = 60.0
"""Seconds a backfill or an offer check waits for the account's running background job."""
Translate = Callable[..., str]


class AllegroAction(StrEnum):
    LIST = "l"
    VIEW = "v"
    CONNECT = "c"
    RECONNECT = "r"
    STOP = "x"
    PRIORITY = "p"
    BACKFILL = "b"
    OFFERS = "o"


class AllegroCb(CallbackData, prefix="alg"):
    action: AllegroAction
    account_id: int = 0


class AllegroFlow(StatesGroup):
    priority = State()
    backfill = State()


class _Status:
    def __init__(self, bot: Bot, chat_id: int, message_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.message_id = message_id

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        try:
            await self.bot.edit_message_text(
                text, chat_id=self.chat_id, message_id=self.message_id, reply_markup=markup
            )
        except TelegramBadRequest as exc:
            if "message is not modified" not in str(exc):
                log.info("allegro: status message %s cannot be edited (%s)", self.message_id, exc)
        except TelegramAPIError as exc:
            log.warning("allegro: status message %s not updated (%s)", self.message_id, exc)


class _Tasks:
    """The running Allegro tasks by the message they edit; cancelled when the bot stops."""

    def __init__(self) -> None:
        self._running: dict[tuple[int, int], asyncio.Task[None]] = {}

    def start(self, status: _Status, tr: Translate, work: Coroutine[Any, Any, None]) -> None:
        key = (status.chat_id, status.message_id)
        task = asyncio.get_running_loop().create_task(self._guarded(status, tr, work))
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))

    @staticmethod
    async def _guarded(status: _Status, tr: Translate, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:  # the person waiting must hear something; the details go to the log
            log.exception("allegro: a task of the /allegro screens failed")
            await status.show(tr("allegro-task-failed"))

    def stop(self, chat_id: int, message_id: int) -> bool:
        task = self._running.get((chat_id, message_id))
        if task is None:
            return False
        task.cancel()
        return True

    async def stop_all(self) -> None:
        running = list(self._running.values())
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


tasks = _Tasks()
router.shutdown.register(tasks.stop_all)


def _button(text: str, action: AllegroAction, account_id: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=AllegroCb(action=action, account_id=account_id).pack()
    )


def _translator(i18n: I18nContext) -> Translate:
    core, locale = i18n.core, i18n.locale  # kept: the task outlives the update

    def translate(key: str, **params: Any) -> str:
        return core.get(key, locale, **params)

    return translate


def _channel(channels: Sequence[StockChannel] | None) -> AllegroChannel | None:
    return next((channel for channel in channels or () if isinstance(channel, AllegroChannel)), None)


async def _configured_channel(
    query: CallbackQuery, channels: Sequence[StockChannel] | None, i18n: I18nContext
) -> tuple[AllegroChannel, Message] | None:
    """Answer a pressed button; the Allegro channel and the button's message, or None when there is
    nothing to do (the message is gone, or Allegro is not configured: the user is told)."""
    await query.answer()
    if not isinstance(query.message, Message):
        return None
    channel = _channel(channels)
    if channel is None:
        await query.message.answer(i18n.get("allegro-not-configured"))
        return None
    return channel, query.message


def _ref(view: AccountView) -> AccountRef:
    return AccountRef(CHANNEL, view.id, view.name, view.state)


# --- views -------------------------------------------------------------------------------------


def _state(tr: Translate, state: AccountState) -> str:
    return tr(f"allegro-state-{state.value}")


def _tracker(tr: Translate, view: AccountView) -> str:
    if view.tracker:
        return escape(view.tracker)
    return tr("allegro-tracker-oldest" if view.has_tracker else "allegro-tracker-none")


def _priority(tr: Translate, view: AccountView) -> str:
    return escape(" > ".join(view.priority)) if view.priority else tr("allegro-priority-all")


async def accounts_view(session: AsyncSession, tr: Translate) -> tuple[str, InlineKeyboardMarkup]:
    views = await list_accounts(session)
    lines = [tr("allegro-accounts-title")]
    lines += [
        tr(
            "allegro-account-line",
            name=escape(view.name),
            state=_state(tr, view.state),
            tracker=_tracker(tr, view),
            offers=view.offers,
        )
        for view in views
    ]
    if not views:
        lines.append(tr("allegro-accounts-empty"))
    rows = [[_button(view.name, AllegroAction.VIEW, view.id)] for view in views]
    rows.append([_button(tr("allegro-btn-connect"), AllegroAction.CONNECT)])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def account_screen(
    session: AsyncSession, tr: Translate, account_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    view = await account_view(session, account_id)
    text = tr(
        "allegro-account",
        name=escape(view.name),
        seller=escape(view.seller_id or "—"),
        state=_state(tr, view.state),
        tracker=_tracker(tr, view),
        priority=_priority(tr, view),
        offers=view.offers,
    )
    if view.last_error:
        text += "\n" + tr("allegro-account-error", error=escape(view.last_error))
    rows = []
    if view.state != AccountState.ACTIVE:
        rows.append([_button(tr("allegro-btn-reconnect"), AllegroAction.RECONNECT, view.id)])
    rows.append(
        [
            _button(tr("allegro-btn-priority"), AllegroAction.PRIORITY, view.id),
            _button(tr("allegro-btn-backfill"), AllegroAction.BACKFILL, view.id),
        ]
    )
    rows.append([_button(tr("allegro-btn-offers"), AllegroAction.OFFERS, view.id)])
    rows.append([_button(tr("btn-back"), AllegroAction.LIST)])
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def link_report_text(tr: Translate, report: LinkReport) -> str:
    lines = [
        tr("allegro-offers-report", linked=report.linked, offers=report.offers, missing=len(report.missing))
    ]
    problems = sorted(report.problems().items())
    if problems:
        lines.append(tr("allegro-offers-problems"))
        lines += [
            f"• <code>{escape(sku)}</code>: {escape(reason)}" for sku, reason in problems[:PROBLEM_LINES]
        ]
        if len(problems) > PROBLEM_LINES:
            lines.append(tr("allegro-offers-more", count=len(problems) - PROBLEM_LINES))
    return "\n".join(lines)


# --- the message a task keeps up to date ------------------------------------------------------


async def _connect(
    channel: AllegroChannel,
    status: _Status,
    tr: Translate,
    *,
    account_id: int | None,
    on_connected: Callable[[], Awaitable[None]],
) -> None:
    stop = InlineKeyboardMarkup(inline_keyboard=[[_button(tr("btn-cancel"), AllegroAction.STOP)]])
    try:
        device = await channel.connector.start()
        link = escape(device.verification_uri_complete or device.verification_uri)
        waiting = tr("allegro-connect-open", link=link, code=escape(device.formatted_user_code))
        await status.show(waiting, stop)

        async def on_wait(reason: DevicePoll, interval: float) -> None:
            if reason is DevicePoll.SLOW_DOWN:
                await status.show(waiting + "\n" + tr("allegro-connect-slow", seconds=round(interval)), stop)

        tokens = await channel.connector.wait(device, on_wait=on_wait)
        account = await channel.connector.connect(tokens, account_id=account_id)
        report = await channel.link_offers(account.id)
    except DeviceFlowDenied:
        await status.show(tr("allegro-connect-denied"))
        return
    except DeviceFlowExpired:
        await status.show(tr("allegro-connect-expired"))
        return
    except SellerMismatch as exc:
        await status.show(
            tr("allegro-connect-mismatch", login=escape(exc.login), account=escape(exc.account))
        )
        return
    except AllegroError as exc:
        await status.show(tr("allegro-connect-failed", error=escape(str(exc))))
        return
    except asyncio.CancelledError:
        await asyncio.shield(status.show(tr("allegro-connect-cancelled")))
        raise
    done = tr("allegro-connect-done", login=escape(account.login), name=escape(account.name))
    await status.show(done + "\n" + link_report_text(tr, report))
    await on_connected()


async def _backfill(
    channel: AllegroChannel, status: _Status, tr: Translate, account_id: int, days: int
) -> None:
    try:
        await channel.connector.backfill(account_id, days)
    except AllegroError as exc:
        await status.show(tr("allegro-backfill-failed", error=escape(str(exc))))
        return
    await status.show(tr("allegro-backfill-done", days=days))


async def _after_running_job(
    scheduler: BackgroundRunner | None,
    ref: AccountRef,
    status: _Status,
    tr: Translate,
    work: Callable[[], Awaitable[None]],
) -> None:
    """Run ``work`` holding the account's lock of the background jobs (`scheduler.work.AccountLocks`).

    A backfill moves the account's event cursor and an offer check rewrites its offer links: what its
    order pull and stock push do under that lock. Without it they interleave, and a pull that finds its
    cursor moved reads the page again (correct, but wasted requests). The action waits for the running
    job instead of refusing: the admin has just asked for it and a pull is short (it reads until it is
    up to date), so "try again" would only make them repeat themselves. The message says why it waits,
    and the wait is bounded by `JOB_WAIT`: past it, a stuck job must not leave a message that never
    changes, so the admin is told to try again in a moment. The lock is shared across processes
    (`scheduler.account_locks`): on an instance that is not the leader, or beside a CLI backfill, the
    action waits for the other process's work just the same, and says so.
    """
    if scheduler is None:
        await work()
        return

    async def say_it_waits() -> None:
        await status.show(tr("allegro-job-waiting"))

    async with contextlib.AsyncExitStack() as held:
        try:
            async with asyncio.timeout(JOB_WAIT):
                await held.enter_async_context(scheduler.work.locks.hold(ref, on_wait=say_it_waits))
        except TimeoutError:
            await status.show(tr("allegro-job-running"))
            return
        await work()


async def _offers(channel: AllegroChannel, status: _Status, tr: Translate, account_id: int) -> None:
    try:
        report = await channel.link_offers(account_id)
    except AllegroError as exc:
        await status.show(tr("allegro-connect-failed", error=escape(str(exc))))
        return
    await status.show(link_report_text(tr, report))


# --- handlers ----------------------------------------------------------------------------------


async def _answer_screen(query: CallbackQuery, view: tuple[str, InlineKeyboardMarkup]) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(view[0], reply_markup=view[1])


@router.message(Command("allegro"), AdminOnly())
async def allegro_command(message: Message, session: AsyncSession, i18n: I18nContext) -> None:
    text, keyboard = await accounts_view(session, _translator(i18n))
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(AllegroCb.filter(F.action == AllegroAction.LIST), AdminOnly())
async def accounts_list(query: CallbackQuery, session: AsyncSession, i18n: I18nContext) -> None:
    await _answer_screen(query, await accounts_view(session, _translator(i18n)))


@router.callback_query(AllegroCb.filter(F.action == AllegroAction.VIEW), AdminOnly())
async def account_card(
    query: CallbackQuery, callback_data: AllegroCb, session: AsyncSession, i18n: I18nContext
) -> None:
    await _answer_screen(query, await account_screen(session, _translator(i18n), callback_data.account_id))


@router.callback_query(
    AllegroCb.filter(F.action.in_({AllegroAction.CONNECT, AllegroAction.RECONNECT})), AdminOnly()
)
async def connect(
    query: CallbackQuery,
    callback_data: AllegroCb,
    bot: Bot,
    session: AsyncSession,
    i18n: I18nContext,
    channels: Sequence[StockChannel] | None = None,
    scheduler: BackgroundRunner | None = None,
) -> None:
    pressed = await _configured_channel(query, channels, i18n)
    if pressed is None:
        return
    channel, message = pressed
    account_id = None
    if callback_data.action is AllegroAction.RECONNECT:
        account_id = (await account_view(session, callback_data.account_id)).id
    sent = await message.answer(i18n.get("allegro-connect-asking"))

    async def on_connected() -> None:
        if scheduler is not None:  # the account's jobs start now, not at the next refresh
            await scheduler.refresh_jobs_after_change()

    status, tr = _Status(bot, sent.chat.id, sent.message_id), _translator(i18n)
    tasks.start(status, tr, _connect(channel, status, tr, account_id=account_id, on_connected=on_connected))


@router.callback_query(AllegroCb.filter(F.action == AllegroAction.STOP), AdminOnly())
async def stop_connecting(query: CallbackQuery, i18n: I18nContext) -> None:
    message = query.message
    stopped = isinstance(message, Message) and tasks.stop(message.chat.id, message.message_id)
    await query.answer(None if stopped else i18n.get("button-outdated"), show_alert=not stopped)


@router.callback_query(AllegroCb.filter(F.action == AllegroAction.PRIORITY), AdminOnly())
async def ask_priority(
    query: CallbackQuery,
    callback_data: AllegroCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    view = await account_view(session, callback_data.account_id)
    flow = await start_flow(state, AllegroFlow.priority, account_id=view.id)
    await query.answer()
    if isinstance(query.message, Message):
        text = i18n.get("allegro-priority-ask", name=escape(view.name), priority=_priority(i18n.get, view))
        await query.message.answer(text, reply_markup=cancel_keyboard(i18n, flow))


@router.message(StateFilter(AllegroFlow.priority), F.text, ~F.text.startswith("/"), AdminOnly())
async def priority_given(
    message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext
) -> None:
    account_id = (await state.get_data())["account_id"]
    codes = (message.text or "").replace(",", " ").replace(">", " ").split()
    chosen = await set_priority(session, account_id, codes)
    await session.commit()
    await state.clear()
    view = await account_view(session, account_id)
    await message.answer(
        i18n.get("allegro-priority-saved", name=escape(view.name), priority=escape(" > ".join(chosen)))
    )
    text, keyboard = await account_screen(session, _translator(i18n), account_id)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(AllegroCb.filter(F.action == AllegroAction.BACKFILL), AdminOnly())
async def ask_backfill(
    query: CallbackQuery,
    callback_data: AllegroCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    view = await account_view(session, callback_data.account_id)
    flow = await start_flow(state, AllegroFlow.backfill, account_id=view.id)
    await query.answer()
    if isinstance(query.message, Message):
        text = i18n.get("allegro-backfill-ask", name=escape(view.name), max=MAX_BACKFILL_DAYS)
        await query.message.answer(text, reply_markup=cancel_keyboard(i18n, flow))


@router.message(StateFilter(AllegroFlow.backfill), F.text, ~F.text.startswith("/"), AdminOnly())
async def backfill_given(
    message: Message,
    state: FSMContext,
    bot: Bot,
    session: AsyncSession,
    i18n: I18nContext,
    channels: Sequence[StockChannel] | None = None,
    scheduler: BackgroundRunner | None = None,
) -> None:
    text = (message.text or "").strip()
    days = int(text) if DAYS.fullmatch(text) else 0
    if not 1 <= days <= MAX_BACKFILL_DAYS:
        await message.answer(i18n.get("allegro-backfill-bad", max=MAX_BACKFILL_DAYS))
        return
    channel = _channel(channels)
    if channel is None:
        await state.clear()
        await message.answer(i18n.get("allegro-not-configured"))
        return
    view = await account_view(session, (await state.get_data())["account_id"])
    await state.clear()
    sent = await message.answer(i18n.get("allegro-backfill-running", days=days))
    status, tr = _Status(bot, sent.chat.id, sent.message_id), _translator(i18n)
    backfill = functools.partial(_backfill, channel, status, tr, view.id, days)
    tasks.start(status, tr, _after_running_job(scheduler, _ref(view), status, tr, backfill))


@router.callback_query(AllegroCb.filter(F.action == AllegroAction.OFFERS), AdminOnly())
async def check_offers(
    query: CallbackQuery,
    callback_data: AllegroCb,
    bot: Bot,
    session: AsyncSession,
    i18n: I18nContext,
    channels: Sequence[StockChannel] | None = None,
    scheduler: BackgroundRunner | None = None,
) -> None:
    pressed = await _configured_channel(query, channels, i18n)
    if pressed is None:
        return
    channel, message = pressed
    view = await account_view(session, callback_data.account_id)
    sent = await message.answer(i18n.get("allegro-offers-running", name=escape(view.name)))
    status, tr = _Status(bot, sent.chat.id, sent.message_id), _translator(i18n)
    check = functools.partial(_offers, channel, status, tr, view.id)
    tasks.start(status, tr, _after_running_job(scheduler, _ref(view), status, tr, check))
