"""Per-update middlewares, in the order they run (each may rely on those before it)."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram_i18n import I18nMiddleware

from bot.middlewares.access import AccessMiddleware, StrangerMemory
from bot.middlewares.database import UnitOfWorkMiddleware, UnitOfWorkMode
from bot.middlewares.private_chats import setup_private_chats
from bot.middlewares.serial import PerUserSerialMiddleware
from bot.middlewares.throttling import ThrottleLimits, ThrottlingMiddleware
from bot.middlewares.users import UserMiddleware
from domain.db import Database


def setup_middlewares(
    dp: Dispatcher, db: Database, i18n: I18nMiddleware, limits: ThrottleLimits, default_language: str
) -> None:
    core = i18n.core  # the Fluent core (typed as the base class by aiogram-i18n)
    strangers = StrangerMemory()
    # Groups stop here, first; aiogram's FSM middleware (it reads the database) is moved right after.
    setup_private_chats(dp, core, default_language)  # type: ignore[arg-type]
    dp.update.outer_middleware(
        ThrottlingMiddleware(limits, core, default_language, quiet=strangers.told)  # type: ignore[arg-type]
    )
    dp.update.outer_middleware(PerUserSerialMiddleware())  # one update at a time per user
    dp.update.outer_middleware(UnitOfWorkMiddleware(db))  # -> session
    dp.update.outer_middleware(UserMiddleware())  # -> user, actor
    i18n.setup(dp)  # -> i18n (needs user for the saved language)
    dp.update.outer_middleware(AccessMiddleware(strangers))  # strangers stop here
    # Inner: run once the handler is known (they apply to the handlers of every included router).
    dp.message.middleware(UnitOfWorkMode())
    dp.callback_query.middleware(UnitOfWorkMode())


__all__ = ["ThrottleLimits", "setup_middlewares"]
