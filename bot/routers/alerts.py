"""Alerts as admins see them: the buttons under an alert (Retry; Reconnect opens the Allegro connect
flow of /allegro) and /alerts, where each admin mutes or unmutes each kind of alert for themselves
(users.muted_alerts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import MenuCommand
from bot.filters import AdminOnly
from bot.routers.allegro import AllegroAction, AllegroCb
from domain.models import User
from domain.notify import AlertKind
from scheduler.alerts import MUTABLE_KINDS
from scheduler.runner import BackgroundRunner

router = Router(name=__name__)
COMMANDS = (MenuCommand("alerts", "alerts-command"),)


class AlertAction(StrEnum):
    TOGGLE = "t"
    RETRY = "r"


class AlertCb(CallbackData, prefix="al"):
    action: AlertAction
    kind: str = ""


def alert_buttons(
    kind: str, params: Mapping[str, Any], translate: Callable[[str], str]
) -> InlineKeyboardMarkup | None:
    """The buttons under an alert, by its kind (`bot.notify.TelegramNotifier` asks for them)."""
    data: CallbackData
    if kind == AlertKind.PUSH_FAILED:
        data = AlertCb(action=AlertAction.RETRY)
        label = translate("alerts-btn-retry")
    elif kind == AlertKind.RECONNECT and params.get("channel", "allegro") == "allegro":
        data = AllegroCb(action=AllegroAction.RECONNECT, account_id=int(params.get("account_id", 0)))
        label = translate("alerts-btn-reconnect")
    else:
        return None
    button = InlineKeyboardButton(text=label, callback_data=data.pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def _settings_view(i18n: I18nContext, user: User) -> tuple[str, InlineKeyboardMarkup]:
    muted = set(user.muted_alerts or [])
    rows = [
        [
            InlineKeyboardButton(
                text=("🔕 " if kind in muted else "🔔 ") + i18n.get(f"alerts-kind-{kind}"),
                callback_data=AlertCb(action=AlertAction.TOGGLE, kind=kind).pack(),
            )
        ]
        for kind in MUTABLE_KINDS
    ]
    return i18n.get("alerts-settings"), InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(Command("alerts"), AdminOnly())
async def alerts_settings(message: Message, user: User, i18n: I18nContext) -> None:
    text, keyboard = _settings_view(i18n, user)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(AlertCb.filter(F.action == AlertAction.TOGGLE), AdminOnly())
async def toggle_kind(
    query: CallbackQuery, callback_data: AlertCb, user: User, session: AsyncSession, i18n: I18nContext
) -> None:
    if callback_data.kind not in MUTABLE_KINDS:
        await query.answer(i18n.get("button-outdated"), show_alert=True)
        return
    muted = set(user.muted_alerts or [])
    now_muted = callback_data.kind not in muted
    muted.symmetric_difference_update({callback_data.kind})
    user.muted_alerts = sorted(muted)  # a new list: the JSON column sees the change
    await session.commit()  # saved before talking to Telegram: no transaction open meanwhile
    name = i18n.get(f"alerts-kind-{callback_data.kind}")
    await query.answer(i18n.get("alerts-muted" if now_muted else "alerts-unmuted", kind=name))
    if isinstance(query.message, Message):
        text, keyboard = _settings_view(i18n, user)
        await query.message.edit_text(text, reply_markup=keyboard)


@router.callback_query(AlertCb.filter(F.action == AlertAction.RETRY), AdminOnly())
async def retry_push(query: CallbackQuery, scheduler: BackgroundRunner, i18n: I18nContext) -> None:
    scheduler.push_now()
    await query.answer(i18n.get("alerts-retrying"))
