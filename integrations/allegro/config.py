"""What the Allegro channel reads from the configuration, and the rules derived from it.

The integration never imports ``bot.settings`` (the bot is the composition root); it reads the few
attributes named by `AllegroSettings`, which ``bot.settings.Settings`` has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from pydantic import SecretStr

from integrations.allegro.models import OrderEventType, PublicationStatus

ZERO_STOCK_END = "end"
"""A level of 0 ends the offer (PATCH ``stock.available: 0``)."""
ZERO_STOCK_LEAVE = "leave"
"""A level of 0 is not sent: the offer keeps its last positive quantity."""


class AllegroSettings(Protocol):
    @property
    def allegro_client_id(self) -> str | None: ...
    @property
    def allegro_client_secret(self) -> SecretStr | None: ...
    @property
    def allegro_sandbox(self) -> bool: ...
    @property
    def allegro_api_url(self) -> str | None: ...
    @property
    def allegro_auth_url(self) -> str | None: ...
    @property
    def allegro_refresh_token(self) -> SecretStr | None: ...
    @property
    def allegro_deduct_on(self) -> str: ...
    @property
    def allegro_zero_stock(self) -> str: ...
    @property
    def allegro_offer_statuses(self) -> Sequence[str]: ...
    @property
    def allegro_marketplace(self) -> str | None: ...


class AllegroNotConfigured(Exception):
    """ALLEGRO_CLIENT_ID / ALLEGRO_CLIENT_SECRET are missing."""


def is_configured(settings: AllegroSettings) -> bool:
    secret = settings.allegro_client_secret
    return bool(settings.allegro_client_id) and secret is not None and bool(secret.get_secret_value())


@dataclass(frozen=True, slots=True)
class ChannelRules:
    """How orders move stock and how levels reach offers (defaults: the documented behaviour)."""

    deduct_on: str = OrderEventType.READY_FOR_PROCESSING
    """The event that turns an order line into a sale: READY_FOR_PROCESSING (paid) or BOUGHT."""
    zero_stock: str = ZERO_STOCK_END
    page_size: int = 1000
    """Order events per request (Allegro allows 1..1000)."""
    offer_statuses: tuple[str, ...] = ()
    """Publication statuses of the offers that are linked to products (empty: every status)."""
    marketplace: str | None = None
    """Only offers of this marketplace (e.g. ``allegro-pl``) are linked; None: all of them."""
    command_wait: float = 60.0
    """How long to wait for Allegro to finish a batch quantity command before reporting it unconfirmed."""
    command_poll: float = 0.5
    refresh_margin: timedelta = timedelta(hours=3)
    """`refresh_credentials` renews a token that expires within this margin (tokens live 12 h)."""

    def __post_init__(self) -> None:
        if self.deduct_on not in (OrderEventType.READY_FOR_PROCESSING, OrderEventType.BOUGHT):
            raise ValueError(f"deduct_on must be READY_FOR_PROCESSING or BOUGHT, got {self.deduct_on!r}")
        if self.zero_stock not in (ZERO_STOCK_END, ZERO_STOCK_LEAVE):
            raise ValueError(f"zero_stock must be {ZERO_STOCK_END!r} or {ZERO_STOCK_LEAVE!r}")
        if not 1 <= self.page_size <= 1000:
            raise ValueError("page_size must be within 1..1000")
        unknown = [status for status in self.offer_statuses if status not in PublicationStatus.__members__]
        if unknown:
            raise ValueError(f"offer_statuses must be publication statuses, got {unknown!r}")

    @classmethod
    def from_settings(cls, settings: AllegroSettings, **overrides: object) -> ChannelRules:
        values: dict[str, object] = {
            "deduct_on": str(settings.allegro_deduct_on),
            "zero_stock": str(settings.allegro_zero_stock),
            "offer_statuses": tuple(str(status) for status in settings.allegro_offer_statuses),
            "marketplace": settings.allegro_marketplace,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
