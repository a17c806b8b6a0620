"""/sync (admins): reconcile all channels, one Wix site or one Allegro account now, with live progress
in ONE message (edited about once a second), then a report with a button listing the problem SKUs.

The reconcile runs in the scheduler (`ManualSyncs`), not in the handler: the handler returns at once
(its unit of work must not stay open for minutes) and a follower task edits the message. A second
/sync while one runs shows the running one, live as well.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramRetryAfter
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import MenuCommand
from bot.filters import AdminOnly
from bot.settings import Settings
from bot.views.format import escape, format_time, split_text
from domain.channels import AccountRef
from domain.models import AccountState, User
from scheduler.manual import ManualSync, SyncTarget, TargetState
from scheduler.runner import BackgroundRunner
from scheduler.status import account_refs
from scheduler.work import label_of

log = logging.getLogger(__name__)
router = Router(name=__name__)
COMMANDS = (MenuCommand("sync", "sync-command"),)

EDIT_INTERVAL = 1.0  # Telegram tolerates about one edit a second per chat
HEARTBEAT = 30.0
Translate = Callable[..., str]


class SyncAction(StrEnum):
    START = "s"
    PROBLEMS = "p"


class SyncCb(CallbackData, prefix="sy"):
    """START: `channel` "" = every channel, else one account; PROBLEMS: the report of `sync_id`."""

    action: SyncAction
    channel: str = ""
    account_id: int = 0
    sync_id: int = 0


async def _syncable(session: AsyncSession, scheduler: BackgroundRunner) -> list[AccountRef]:
    refs = await account_refs(session, scheduler.channels)
    await session.commit()  # nothing to write: no transaction (on SQLite, the write lock) over the network
    return [ref for ref in refs if ref.state == AccountState.ACTIVE]


class SyncView:
    """Texts of one sync in one language."""

    def __init__(self, translate: Translate, zone: ZoneInfo) -> None:
        self.tr = translate
        self.zone = zone

    def _target(self, target: SyncTarget) -> str:
        account = escape(target.label)
        report = target.report
        if target.state is TargetState.WAITING:
            return self.tr("sync-target-waiting", account=account)
        if target.state is TargetState.RUNNING:
            if not target.total:
                return self.tr("sync-target-starting", account=account)
            return self.tr("sync-target-running", account=account, done=target.done, total=target.total)
        if report is None or report.error:
            error = escape(report.error if report else "—")
            return self.tr("sync-target-failed", account=account, error=error)
        return self.tr(
            "sync-target-done",
            account=account,
            checked=report.checked,
            updated=report.updated,
            unchanged=report.unchanged,
            missing=report.missing,
            failed=report.failed,
        )

    def render(self, sync: ManualSync) -> tuple[str, InlineKeyboardMarkup | None]:
        lines = [self._target(target) for target in sync.targets]
        if sync.running:
            title = self.tr("sync-progress-title", started=format_time(sync.started_at, self.zone))
            return "\n".join([title, *lines]), None
        totals = sync.totals()
        problems = sync.problems()
        seconds = int(((sync.finished_at or sync.started_at) - sync.started_at).total_seconds())
        failed = any(target.state is not TargetState.DONE for target in sync.targets)
        title = self.tr("sync-report-problems" if failed else "sync-report-title", seconds=seconds)
        summary = self.tr(
            "sync-report-totals",
            checked=totals.checked,
            updated=totals.updated,
            unchanged=totals.unchanged,
            missing=totals.missing,
            failed=totals.failed,
        )
        markup = None
        if problems:
            button = InlineKeyboardButton(
                text=self.tr("sync-btn-problems", count=len(problems)),
                callback_data=SyncCb(action=SyncAction.PROBLEMS, sync_id=sync.id).pack(),
            )
            markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
        return "\n".join([title, summary, "", *lines]), markup


async def _edit(bot: Bot, chat_id: int, message_id: int, text: str, markup: Any) -> bool:
    """Edit the progress message; False when it cannot be edited any more (deleted, too old)."""
    try:
        await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
    except TelegramRetryAfter as exc:
        await asyncio.sleep(exc.retry_after)
        return await _edit(bot, chat_id, message_id, text, markup)
    except TelegramBadRequest as exc:
        if "message is not modified" in str(exc):
            return True
        log.info("sync progress: message %s can no longer be edited (%s)", message_id, exc)
        return False
    except TelegramAPIError as exc:
        log.warning("sync progress: edit failed (%s)", exc)
    return True


async def follow(
    bot: Bot, chat_id: int, message_id: int, sync: ManualSync, view: SyncView, shown: str | None = None
) -> None:
    """Keep one message in step with a sync, at most one edit per EDIT_INTERVAL, until its report.

    `shown`: what the message shows already (the handler's first render)."""
    last_edit = time.monotonic() if shown is not None else float("-inf")
    seen = -1
    while True:
        await sync.wait_change(seen, HEARTBEAT)
        pause = EDIT_INTERVAL - (time.monotonic() - last_edit)
        if pause > 0:
            await asyncio.sleep(pause)
        seen = sync.version
        finished = not sync.running
        text, markup = view.render(sync)
        if text != shown:
            if not await _edit(bot, chat_id, message_id, text, markup):
                return
            shown, last_edit = text, time.monotonic()
        if finished:
            return


def _view(i18n: I18nContext, settings: Settings) -> SyncView:
    core, locale = i18n.core, i18n.locale  # kept: the follower outlives the update

    def translate(key: str, **params: Any) -> str:
        return core.get(key, locale, **params)

    return SyncView(translate, settings.zone)


def _follow(
    bot: Bot, message: Message, sync: ManualSync, scheduler: BackgroundRunner, view: SyncView, shown: str
) -> None:
    following = follow(bot, message.chat.id, message.message_id, sync, view, shown)
    scheduler.syncs.track(asyncio.get_running_loop().create_task(following))


async def _show_running(
    message: Message, bot: Bot, sync: ManualSync, scheduler: BackgroundRunner, view: SyncView
) -> None:
    """A message of its own with the running sync's progress, kept live like the first one."""
    text, markup = view.render(sync)
    sent = await message.answer(text, reply_markup=markup)
    _follow(bot, sent, sync, scheduler, view, text)


@router.message(Command("sync"), AdminOnly())
async def sync_menu(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    scheduler: BackgroundRunner,
    settings: Settings,
    i18n: I18nContext,
) -> None:
    running = scheduler.syncs.current
    if running is not None:
        await message.answer(i18n.get("sync-running-already"))
        await _show_running(message, bot, running, scheduler, _view(i18n, settings))
        return
    refs = await _syncable(session, scheduler)
    if not refs:
        await message.answer(i18n.get("sync-no-channels"))
        return
    choices = [(i18n.get("sync-btn-all"), SyncCb(action=SyncAction.START))]
    choices += [
        (label_of(ref), SyncCb(action=SyncAction.START, channel=ref.channel, account_id=ref.account_id))
        for ref in refs
    ]
    rows = [[InlineKeyboardButton(text=text, callback_data=data.pack())] for text, data in choices]
    await message.answer(i18n.get("sync-choose"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


@router.callback_query(SyncCb.filter(F.action == SyncAction.START), AdminOnly())
async def sync_start(
    query: CallbackQuery,
    callback_data: SyncCb,
    bot: Bot,
    session: AsyncSession,
    scheduler: BackgroundRunner,
    settings: Settings,
    user: User,
    i18n: I18nContext,
) -> None:
    refs = await _syncable(session, scheduler)
    if callback_data.channel:
        wanted = (callback_data.channel, callback_data.account_id)
        refs = [ref for ref in refs if (ref.channel, ref.account_id) == wanted]
    if not refs or not isinstance(query.message, Message):
        await query.answer(i18n.get("button-outdated"), show_alert=True)
        return
    view = _view(i18n, settings)
    sync, started = scheduler.syncs.start(refs, started_by=user.telegram_id)
    await query.answer()
    if not started:
        await query.message.answer(i18n.get("sync-running-already"))
        await _show_running(query.message, bot, sync, scheduler, view)
        return
    text, markup = view.render(sync)
    await query.message.edit_text(text, reply_markup=markup)
    _follow(bot, query.message, sync, scheduler, view, text)


@router.callback_query(SyncCb.filter(F.action == SyncAction.PROBLEMS), AdminOnly())
async def sync_problems(
    query: CallbackQuery, callback_data: SyncCb, scheduler: BackgroundRunner, i18n: I18nContext
) -> None:
    sync = scheduler.syncs.get(callback_data.sync_id)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if sync is None or sync.running:
        await query.message.answer(i18n.get("sync-report-gone"))
        return
    lines = [i18n.get("sync-problems-title")]
    lines += [
        i18n.get("sync-problem-line", account=escape(account), sku=escape(sku), reason=escape(reason))
        for account, sku, reason in sync.problems()
    ]
    for chunk in split_text("\n".join(lines)):
        await query.message.answer(chunk)
