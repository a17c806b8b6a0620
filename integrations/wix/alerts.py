"""Alerts to the admins about one Wix site, through the domain's `Notifier` protocol.

Kinds are what an admin can mute (`users.muted_alerts`, the same kinds as the scheduler's); text keys
are translations in `bot/locales/*/wix.ftl`. A notifier that fails never fails the work that raised
the alert.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from domain.notify import Notifier, listed

log = logging.getLogger("integrations.wix")

KIND_UNKNOWN_SKU = "unknown_sku"
KIND_OVERSELL = "oversell"
KIND_PUSH_FAILED = "push_failed"


class WixAlerts:
    def __init__(self, notifier: Notifier | None) -> None:
        self._notifier = notifier

    async def unknown_sku(
        self, site: str, *, sku: str | None, item_id: str | None, name: str | None, order_id: str
    ) -> None:
        key = "alert-wix-unknown-sku" if sku else "alert-wix-no-sku"
        await self._send(
            KIND_UNKNOWN_SKU,
            key,
            site=site,
            sku=sku or "—",
            item=item_id or "—",
            name=name or "—",
            order=order_id,
        )

    async def oversell(self, site: str, *, sku: str, order_id: str, quantity: int, shortage: int) -> None:
        await self._send(
            KIND_OVERSELL,
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
            KIND_PUSH_FAILED,
            "alert-wix-push-failed",
            site=site,
            count=len(skus),
            skus=listed(list(skus)),
            error=failed[skus[0]],
        )

    async def _send(self, kind: str, text_key: str, **params: Any) -> None:
        if self._notifier is None:
            return
        try:
            await self._notifier.alert(kind, text_key, **params)
        except Exception:
            log.exception("wix: the %s alert could not be delivered", kind)
