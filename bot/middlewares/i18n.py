"""Translations: aiogram-i18n with Fluent catalogs in bot/locales/<lang>/*.ftl.

The locale is the user's saved choice, else their Telegram language when we speak it, else the
configured default. `i18n.set_locale(...)` (used by /language) saves the choice on the user row.
"""

from __future__ import annotations

from pathlib import Path

from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nMiddleware
from aiogram_i18n.cores import FluentRuntimeCore
from aiogram_i18n.managers import BaseManager
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax.ast import Resource
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import User
from domain.people import Users

LOCALES_PATH = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("en", "pl", "ru")


def telegram_language(telegram_user: TelegramUser | None) -> str | None:
    code = (telegram_user.language_code or "") if telegram_user else ""
    base = code.split("-")[0].lower()
    return base if base in LANGUAGES else None


class UserLocaleManager(BaseManager):
    async def get_locale(self, event_from_user: TelegramUser | None = None, user: User | None = None) -> str:
        if user is not None and user.language in LANGUAGES:
            return user.language
        return telegram_language(event_from_user) or self.default_locale or LANGUAGES[0]

    async def set_locale(self, locale: str, user: User, session: AsyncSession) -> None:
        Users(session).set_language(user, locale)


# Parsing the .ftl files is the slowest part of a start (~0.5 s); a process that builds a dispatcher
# again (a restart in place, the end-to-end tests) reuses the parsed files while they are unchanged.
_parsed: dict[Path, tuple[float, Resource]] = {}


def _resource(path: Path) -> Resource:
    mtime = path.stat().st_mtime
    cached = _parsed.get(path)
    if cached is None or cached[0] != mtime:
        cached = _parsed[path] = (mtime, FluentResource(path.read_text(encoding="utf-8")))
    return cached[1]


class CachedFluentCore(FluentRuntimeCore):
    def find_locales(self) -> dict[str, FluentBundle]:
        bundles: dict[str, FluentBundle] = {}
        for locale, paths in self._find_locales(self.path, self._extract_locales(self.path), ".ftl").items():
            bundle = FluentBundle(
                locales=[locale], use_isolating=self.use_isolating, functions=self.functions
            )
            for path in sorted(paths):
                bundle.add_resource(_resource(path))
            bundles[locale] = bundle
        return bundles


def build_core(default_language: str) -> FluentRuntimeCore:
    # Messages compile on first use: compiling every catalog up front costs ~0.2 s per start.
    return CachedFluentCore(
        path=LOCALES_PATH / "{locale}", default_locale=default_language, pre_compile=False
    )


def build_i18n(default_language: str) -> I18nMiddleware:
    return I18nMiddleware(
        core=build_core(default_language),
        manager=UserLocaleManager(default_locale=default_language),
        default_locale=default_language,
    )
