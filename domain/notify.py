"""How background work and the bot tell the admins that something needs attention.

The protocol lives in the domain so the scheduler can report without knowing Telegram; the bot
implements it (`bot.notify.TelegramNotifier`) by messaging every active admin in their language.
`text_key` names a translation; `params` fill it. `kind` is what an admin can mute (users.muted_alerts).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Protocol

_MAX_LISTED = 20


class AlertKind(StrEnum):
    """What an admin can mute. A recovery shares its failure's kind: muting one mutes both."""

    JOB_FAILED = "job_failed"
    RECONNECT = "token_reconnect"
    UNKNOWN_SKU = "unknown_sku"
    OVERSELL = "oversell"
    LOW_STOCK = "low_stock"
    PUSH_FAILED = "push_failed"
    DIGEST = "digest"
    SUMMARY = "alert_summary"  # never offered for muting: it stands for alerts already held back


class Notifier(Protocol):
    async def alert(self, kind: str, text_key: str, **params: Any) -> None: ...


def listed(values: Sequence[str]) -> str:
    """At most twenty values, then how many more: an alert must stay one readable message."""
    shown = ", ".join(values[:_MAX_LISTED])
    return shown if len(values) <= _MAX_LISTED else f"{shown} (+{len(values) - _MAX_LISTED})"


class AlertSender:
    """Base of a channel's alerts: sends through an optional Notifier, and a notifier that fails never
    fails the work that raised the alert (the failure is logged under `logger_name`)."""

    def __init__(self, notifier: Notifier | None, logger_name: str) -> None:
        self._notifier = notifier
        self._log = logging.getLogger(logger_name)

    async def _send(self, kind: str, text_key: str, **params: Any) -> None:
        if self._notifier is None:
            return
        try:
            await self._notifier.alert(kind, text_key, **params)
        except Exception:
            self._log.exception("the %s alert could not be delivered", kind)
