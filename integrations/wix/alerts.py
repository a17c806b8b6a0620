"""Alerts to the admins about one Wix site, through the domain's `Notifier` protocol.

Kinds are what an admin can mute (`users.muted_alerts`, the same kinds as the scheduler's); text keys
are translations in `bot/locales/*/wix.ftl`. A notifier that fails never fails the work that raised
the alert.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.notify import AlertKind, AlertSender, Notifier, listed


class WixAlerts(AlertSender):
    def __init__(self, notifier: Notifier | None) -> None:
        super().__init__(notifier, "integrations.wix")

    async def unknown_sku(
        self, site: str, *, sku: str | None, item_id: str | None, name: str | None, order_id: str
    ) -> None:
        key = "alert-wix-unknown-sku" if sku else "alert-wix-no-sku"
        await self._send(
            AlertKind.UNKNOWN_SKU,
            key,
            site=site,
            sku=sku or "—",
            item=item_id or "—",
            name=name or "—",
            order=order_id,
        )

    async def oversell(self, site: str, *, sku: str, order_id: str, quantity: int, shortage: int) -> None:
        await self._send(
            AlertKind.OVERSELL,
            "alert-wix-oversell",
            site=site,
            sku=sku,
            order=order_id,
            quantity=quantity,
            shortage=shortage,
        )

    async def push_failed(self, site: str, failed: dict[str, str]) -> None:
        """`failed`: {SKU: why}; the first reason stands for all (they usually share one cause)."""
        skus: Sequence[str] = sorted(failed)
        await self._send(
            AlertKind.PUSH_FAILED,
            "alert-wix-push-failed",
            site=site,
            count=len(skus),
            skus=listed(list(skus)),
            error=failed[skus[0]],
        )
