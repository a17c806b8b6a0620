"""Errors in one place: domain errors become translated messages; anything else becomes a generic
"something went wrong" for the user (no internals) and an alert to the admins."""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Dispatcher
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, Update
from aiogram_i18n import I18nContext

from bot.i18n_text import error_text
from domain.errors import DomainError
from domain.notify import Notifier

log = logging.getLogger(__name__)
CALLBACK_ANSWER_LIMIT = 200


async def reply_to_update(update: Update, text: str, *, alert: bool = True) -> None:
    """Tell the user: a message in the chat, and for a button also the callback answer (a toast)."""
    with suppress(TelegramAPIError):
        if update.callback_query is not None:
            query = update.callback_query
            short = text if len(text) <= CALLBACK_ANSWER_LIMIT else text[: CALLBACK_ANSWER_LIMIT - 1] + "…"
            with suppress(TelegramBadRequest):  # the handler may have answered it already
                await query.answer(_plain(short), show_alert=alert)
            if query.message is not None and query.from_user is not None:
                await query.bot.send_message(query.from_user.id, text)  # type: ignore[union-attr]
        elif update.message is not None:
            await update.message.answer(text)


def _plain(text: str) -> str:
    """Callback answers are plain text: drop the few tags our messages use."""
    for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>"):
        text = text.replace(tag, "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _update_kind(update: Update) -> str:
    return update.event_type


async def on_domain_error(event: ErrorEvent, i18n: I18nContext | None = None) -> None:
    assert isinstance(event.exception, DomainError)
    if i18n is None:
        log.warning("domain error before translations were ready: %s", event.exception)
        return
    await reply_to_update(event.update, error_text(i18n, event.exception))


async def on_harmless_telegram_error(event: ErrorEvent) -> None:
    """A user who blocked the bot, an edit that changes nothing: nothing to tell anybody."""
    exc = event.exception
    if not (isinstance(exc, TelegramForbiddenError) or "message is not modified" in str(exc)):
        raise SkipHandler
    log.info("ignored Telegram refusal: %s", exc)


async def on_unexpected(event: ErrorEvent, notifier: Notifier, i18n: I18nContext | None = None) -> None:
    exc = event.exception
    log.error("handler failed on update %s", event.update.update_id, exc_info=exc)
    if i18n is not None:
        await reply_to_update(event.update, i18n.get("error-unexpected"))
    user = event.update.event.from_user if hasattr(event.update.event, "from_user") else None
    try:
        await notifier.alert(
            "bot_error",
            "alert-bot-error",
            error=type(exc).__name__,
            update_kind=_update_kind(event.update),
            user=str(user.id) if user is not None else "—",
        )
    except Exception:  # an alert that fails must not hide the original error in the logs
        log.exception("could not alert admins about a handler failure")


def setup_errors(dp: Dispatcher) -> None:
    dp.errors.register(on_domain_error, ExceptionTypeFilter(DomainError))
    dp.errors.register(
        on_harmless_telegram_error, ExceptionTypeFilter(TelegramForbiddenError, TelegramBadRequest)
    )
    dp.errors.register(on_unexpected)
