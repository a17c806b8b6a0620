"""How background work and the bot tell the admins that something needs attention.

The protocol lives in the domain so the scheduler can report without knowing Telegram; the bot
implements it (`bot.notify.TelegramNotifier`) by messaging every active admin in their language.
`text_key` names a translation; `params` fill it. `kind` is what an admin can mute (users.muted_alerts).
"""

from __future__ import annotations

from typing import Any, Protocol


class Notifier(Protocol):
    async def alert(self, kind: str, text_key: str, **params: Any) -> None: ...
