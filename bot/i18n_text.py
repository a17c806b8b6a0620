"""Looking up translations that may not exist, and turning domain errors into user text."""

from __future__ import annotations

from typing import Any

from aiogram_i18n import I18nContext
from aiogram_i18n.cores import FluentRuntimeCore
from aiogram_i18n.exceptions import FluentMessageError, KeyNotFoundError

from bot.views.format import escape
from domain.errors import DomainError


def has_key(core: FluentRuntimeCore, key: str, locale: str) -> bool:
    bundle = core.locales.get(core.get_locale(locale))
    return bundle is not None and bundle.has_message(key)


def error_text(i18n: I18nContext, error: DomainError) -> str:
    """`error-<reason>` when the catalog has it, else `error-<code>`, else a generic sentence.

    Parameters are escaped (they carry what the user typed); a message that needs a parameter the
    error lacks falls back to the next candidate instead of failing."""
    params: dict[str, Any] = {
        key: value if isinstance(value, int) and not isinstance(value, bool) else escape(value)
        for key, value in error.params.items()
    }
    reason = params.get("reason")
    candidates = [f"error-{reason}"] if reason else []
    candidates += [f"error-{error.code}", "error-domain"]
    for key in candidates:
        if not has_key(i18n.core, key, i18n.locale):  # type: ignore[arg-type]
            continue
        try:
            return i18n.get(key, **params)
        except (FluentMessageError, KeyNotFoundError):
            continue
    return escape(error.message)
