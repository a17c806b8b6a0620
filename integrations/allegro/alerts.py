"""Alerts to the admins about one Allegro account, through the domain's `Notifier` protocol.

Kinds are what an admin can mute (``users.muted_alerts``); text keys are translations in
``bot/locales/*/allegro.ftl``. A notifier that fails never fails the work that raised the alert.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.notify import AlertKind, AlertSender, Notifier, listed


class ChannelAlerts(AlertSender):
    def __init__(self, notifier: Notifier | None) -> None:
        super().__init__(notifier, "integrations.allegro")

    async def reconnect(self, account: str, account_id: int) -> None:
        await self._send(
            AlertKind.RECONNECT, "alert-allegro-reconnect", account=account, account_id=account_id
        )

    async def unknown_sku(
        self, account: str, *, sku: str | None, offer_id: str, offer_name: str | None, order_id: str
    ) -> None:
        await self._send(
            AlertKind.UNKNOWN_SKU,
            "alert-allegro-unknown-sku" if sku else "alert-allegro-no-sku",
            account=account,
            sku=sku or "—",
            offer=offer_id,
            offer_name=offer_name or "—",
            order=order_id,
        )

    async def oversell(self, account: str, *, sku: str, order_id: str, quantity: int, shortage: int) -> None:
        await self._send(
            AlertKind.OVERSELL,
            "alert-allegro-oversell",
            account=account,
            sku=sku,
            order=order_id,
            quantity=quantity,
            shortage=shortage,
        )

    async def push_failed(self, account: str, skus: Sequence[str], error: str) -> None:
        await self._send(
            AlertKind.PUSH_FAILED,
            "alert-allegro-push-failed",
            account=account,
            count=len(skus),
            skus=listed(list(skus)),
            error=error,
        )
