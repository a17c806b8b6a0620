"""Composition root: settings → database → Bot → Dispatcher (middlewares, routers, errors) → polling
or webhook, until SIGINT/SIGTERM (or a test's stop event)."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import secrets
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetUpdates,
    SendMessage,
    SendPhoto,
)
from aiogram.methods.base import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.commands import menu_commands, register_commands
from bot.errors import setup_errors
from bot.fsm_storage import DatabaseStorage, UpdateIsolation
from bot.logs import install_redaction
from bot.middlewares import ThrottleLimits, setup_middlewares
from bot.middlewares.i18n import build_i18n
from bot.notify import TelegramNotifier
from bot.routers import FEATURE_MODULES, feature_routers, release_routers
from bot.routers.alerts import alert_buttons
from bot.settings import Settings
from bot.telegram_models import warm_up
from bot.telegram_session import BotSession
from domain.channels import StockChannel
from domain.db import Database
from domain.notify import Notifier
from domain.people import Users
from domain.schema_version import ensure_newest_schema
from scheduler.service import ChannelFactory, start_background

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
FINISH_UPDATES_SECONDS = 10.0
# Every update holds a connection while it is handled: room for a few dozen people at once without
# opening and closing overflow connections (each costs several round trips on PostgreSQL).
POOL_SIZE = 20
EVERYDAY_METHODS: tuple[type[TelegramMethod[Any]], ...] = (
    GetUpdates,
    SendMessage,
    SendPhoto,
    EditMessageText,
    EditMessageReplyMarkup,
    AnswerCallbackQuery,
    DeleteMessage,
    GetFile,
)


def build_bot(settings: Settings) -> Bot:
    token = settings.require_bot_token().get_secret_value()
    session = BotSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def build_dispatcher(
    settings: Settings,
    db: Database,
    *,
    bot: Bot,
    notifier: Notifier | None = None,
    throttle: ThrottleLimits | None = None,
) -> Dispatcher:
    """A Dispatcher with workflow data `settings`, `db`, `notifier` and every feature router."""
    i18n = build_i18n(settings.default_language)
    storage = DatabaseStorage(db)
    dp = Dispatcher(storage=storage, events_isolation=UpdateIsolation(storage))
    dp["settings"] = settings
    dp["db"] = db
    dp["notifier"] = notifier or TelegramNotifier(
        bot,
        db,
        i18n.core,
        settings.default_language,
        buttons=alert_buttons,  # type: ignore[arg-type]
    )
    # Registered before the translations' own shutdown: updates still in flight finish first.
    dp.shutdown.register(_finish_updates)
    setup_middlewares(dp, db, i18n, throttle or ThrottleLimits(), settings.default_language)
    setup_errors(dp)
    dp.include_routers(*feature_routers())
    commands = menu_commands(FEATURE_MODULES)

    async def on_startup(bot: Bot) -> None:
        await register_commands(bot, i18n.core, commands, settings.default_language)  # type: ignore[arg-type]

    dp.startup.register(on_startup)
    return dp


async def _finish_updates(dispatcher: Dispatcher) -> None:
    # aiogram keeps the tasks of updates being handled in polling mode but offers no public handle.
    pending = set(getattr(dispatcher, "_handle_update_tasks", ()))
    if pending:
        await asyncio.wait(pending, timeout=FINISH_UPDATES_SECONDS)


def build_everyday_models() -> None:
    """Build now the aiogram models that nearly every update needs (bot/telegram_models.py defers
    them to first use; the first user would wait ~0.5 s for them)."""
    warm_up([Update, *EVERYDAY_METHODS])
    for method in EVERYDAY_METHODS:  # their answers' models: Update, Message, File
        BotSession.result_parser(method.__returning__)


async def _settle_heap() -> None:
    build_everyday_models()
    # What is loaded by now (the models above, SQLAlchemy, the translations) lives as long as the
    # process; a full garbage collection walking it takes ~0.3 s and stalls every update in flight,
    # so it is moved out of the collector's sight.
    gc.collect()
    gc.freeze()


async def prepare_database(settings: Settings) -> Database:
    db = Database(settings.database_url, pool_size=POOL_SIZE)
    if await ensure_newest_schema(db):
        log.info("database upgraded to the newest schema")
    async with db.transaction() as session:
        await Users(session).ensure_admins(settings.admin_ids)
    return db


@contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    # asyncio installs signal handlers only on POSIX and from the main thread; elsewhere (a test's
    # worker thread, Windows) the caller stops the bot through `stop`.
    can_install = os.name == "posix" and threading.current_thread() is threading.main_thread()
    installed = (signal.SIGINT, signal.SIGTERM) if can_install else ()
    for sig in installed:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def _poll(dp: Dispatcher, bot: Bot, stop: asyncio.Event) -> None:
    await bot.delete_webhook(drop_pending_updates=False)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, close_bot_session=False))
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not polling.done():
            try:
                await dp.stop_polling()
            except RuntimeError:  # stopped before polling had started
                polling.cancel()
        with suppress(asyncio.CancelledError):
            await polling


def _listen_address(settings: Settings) -> tuple[str, int]:
    host, _, port = settings.webhook_listen.rpartition(":")
    return host or "0.0.0.0", int(port)


async def _serve_webhook(dp: Dispatcher, bot: Bot, settings: Settings, stop: asyncio.Event) -> None:
    assert settings.webhook_url is not None
    # Without a configured secret a random one still keeps strangers from posting fake updates.
    secret = (
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
    )
    install_redaction([secret])
    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(app, path=WEBHOOK_PATH)
    setup_application(app, dp, bot=bot)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    host, port = _listen_address(settings)
    try:
        await web.TCPSite(runner, host, port).start()
        url = settings.webhook_url.rstrip("/")
        if not url.endswith(WEBHOOK_PATH):
            url += WEBHOOK_PATH
        await bot.set_webhook(url, secret_token=secret, allowed_updates=dp.resolve_used_update_types())
        log.info("webhook mode: listening on %s:%s", host, port)
        await stop.wait()
    finally:
        await runner.cleanup()


async def run_bot(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    handle_signals: bool = True,
    channels: Sequence[StockChannel] | ChannelFactory | None = None,
) -> None:
    """Migrate, bootstrap the admins, then answer Telegram until `stop` is set (or SIGINT/SIGTERM).

    The background jobs run in the same process (`scheduler.service`); `channels` replaces the
    configured sales channels (tests)."""
    install_redaction([settings.require_bot_token(), settings.webhook_secret])
    stop = stop or asyncio.Event()
    db = await prepare_database(settings)
    bot = build_bot(settings)
    dp = build_dispatcher(settings, db, bot=bot)
    # --- background work (scheduler/): jobs start once this instance holds the leader lock ---
    background = await start_background(settings, db, dp["notifier"], channels=channels)
    dp["scheduler"], dp["channels"] = background.runner, background.channels
    dp.startup.register(_settle_heap)  # last: after the translations and the menu are loaded
    try:
        with _stop_on_signals(stop) if handle_signals else _no_signals():
            if settings.webhook_url:
                await _serve_webhook(dp, bot, settings, stop)
            else:
                await _poll(dp, bot, stop)
    finally:
        await background.stop()  # running jobs finish (bounded), the leader lock is released
        release_routers(dp)
        await bot.session.close()
        await db.dispose()
        gc.unfreeze()
        log.info("bot stopped")


@contextmanager
def _no_signals() -> Iterator[None]:
    yield
