"""How background work and the bot tell the admins that something needs attention.

The protocol lives in the domain so the scheduler can report without knowing Telegram; the bot
implements it (`bot.notify.TelegramNotifier`) by messaging every active admin in their language.
`text_key` names a translation; `params` fill it. `kind` is what an admin can mute (users.muted_alerts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

_MAX_LISTED = 20


class Notifier(Protocol):
    async def alert(self, kind: str, text_key: str, **params: Any) -> None: ...


def listed(values: Sequence[str]) -> str:
    """At most twenty values, then how many more: an alert must stay one readable message."""
    shown = ", ".join(values[:_MAX_LISTED])
    return shown if len(values) <= _MAX_LISTED else f"{shown} (+{len(values) - _MAX_LISTED})"
