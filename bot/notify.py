"""The Telegram side of `domain.notify.Notifier`: a message to every active admin, in their language,
unless they muted that kind of alert (users.muted_alerts)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup
from aiogram_i18n.cores import FluentRuntimeCore

from bot.views.format import escape
from domain.db import Database
from domain.people import Users

log = logging.getLogger(__name__)
# The buttons under an alert, by kind (Retry, Reconnect): (kind, params, translate) -> keyboard or None.
AlertButtons = Callable[[str, Mapping[str, Any], Callable[[str], str]], InlineKeyboardMarkup | None]


class TelegramNotifier:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        core: FluentRuntimeCore,
        default_language: str,
        buttons: AlertButtons | None = None,
    ) -> None:
        self.bot = bot
        self.db = db
        self.core = core
        self.default_language = default_language
        self.buttons = buttons

    async def alert(self, kind: str, text_key: str, **params: Any) -> None:
        async with self.db.transaction() as session:
            admins = [
                (admin.telegram_id, admin.language or self.default_language)
                for admin in await Users(session).active_admins()
                if kind not in (admin.muted_alerts or [])
            ]
        values = {
            key: value if isinstance(value, int | float) and not isinstance(value, bool) else escape(value)
            for key, value in params.items()
        }
        if not self.core.locales:  # shutting down: the translations are gone with the dispatcher
            log.warning("alert %s not sent: the bot is stopping (%s)", kind, text_key)
            return
        for telegram_id, language in admins:
            text = self.core.get(text_key, language, **values)
            markup = self._markup(kind, params, language)
            try:
                await self.bot.send_message(telegram_id, text, reply_markup=markup)
            except TelegramAPIError as exc:
                log.warning("alert %s not delivered to admin %s: %s", kind, telegram_id, exc)

    def _markup(self, kind: str, params: Mapping[str, Any], language: str) -> InlineKeyboardMarkup | None:
        if self.buttons is None:
            return None
        return self.buttons(kind, params, lambda key: self.core.get(key, language))
