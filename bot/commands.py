"""The command menu (setMyCommands), one per language, gathered from the feature modules.

A feature module lists its commands in `COMMANDS: tuple[MenuCommand, ...]`; the description is a
translation key in that feature's .ftl file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import ModuleType

from aiogram import Bot
from aiogram.types import BotCommand
from aiogram_i18n.cores import FluentRuntimeCore
from aiogram_i18n.exceptions import KeyNotFoundError

from bot.middlewares.i18n import LANGUAGES

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MenuCommand:
    command: str
    description_key: str


def menu_commands(modules: tuple[ModuleType, ...]) -> list[MenuCommand]:
    return [command for module in modules for command in getattr(module, "COMMANDS", ())]


async def register_commands(
    bot: Bot, core: FluentRuntimeCore, commands: list[MenuCommand], default_language: str
) -> None:
    def describe(item: MenuCommand, language: str) -> str:
        try:
            return core.get(item.description_key, language)
        except KeyNotFoundError:  # a menu entry is cosmetic: a missing text must not stop the bot
            log.warning(
                "no %s text for the /%s menu entry (%s)", language, item.command, item.description_key
            )
            return item.command

    def translated(language: str) -> list[BotCommand]:
        return [BotCommand(command=item.command, description=describe(item, language)) for item in commands]

    for language in LANGUAGES:
        await bot.set_my_commands(translated(language), language_code=language)
    await bot.set_my_commands(translated(default_language))
