"""The background work as the bot process runs it: channels from the configuration, one guarded alert
path shared by the runner and the channels, start and graceful stop."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import SecretStr

from domain.channels import StockChannel
from domain.db import Database
from domain.notify import Notifier
from integrations.allegro.channel import AllegroChannel
from integrations.allegro.config import AllegroSettings, is_configured
from integrations.wix.channel import WixChannel
from integrations.wix.connect import WixSettings
from scheduler.config import RunnerConfig, SchedulingSettings
from scheduler.runner import BackgroundRunner, build_alerts

log = logging.getLogger(__name__)


class ServiceSettings(SchedulingSettings, AllegroSettings, WixSettings, Protocol):
    @property
    def bot_token(self) -> SecretStr | None: ...
    @property
    def webhook_secret(self) -> SecretStr | None: ...


def secrets_of(settings: ServiceSettings) -> list[str]:
    values = (
        settings.bot_token,
        settings.webhook_secret,
        settings.allegro_client_secret,
        settings.allegro_refresh_token,
        settings.wix_api_key,
    )
    return [value.get_secret_value() for value in values if value is not None]


def build_channels(settings: ServiceSettings, db: Database, notifier: Notifier) -> list[StockChannel]:
    """Wix always (its sites live in the database, added at run time); Allegro with an app configured."""
    channels: list[StockChannel] = [WixChannel.from_settings(settings, db, notifier)]
    if is_configured(settings):
        channels.append(AllegroChannel.from_settings(settings, db, notifier))
    else:
        log.info("Allegro is not configured (ALLEGRO_CLIENT_ID / ALLEGRO_CLIENT_SECRET): no Allegro jobs")
    return channels


# Builds the channels on the bot's own database, with the guarded notifier for their alerts.
ChannelFactory = Callable[[Database, Notifier], Sequence[StockChannel]]


@dataclass
class Background:
    runner: BackgroundRunner
    channels: list[StockChannel]

    async def stop(self) -> None:
        """Let running jobs finish (bounded), release the leader lock, close the channels' clients."""
        await self.runner.stop()
        for channel in self.channels:
            close = getattr(channel, "aclose", None)
            if close is not None:
                await close()


async def start_background(
    settings: ServiceSettings,
    db: Database,
    notifier: Notifier,
    *,
    channels: Sequence[StockChannel] | ChannelFactory | None = None,
    config: RunnerConfig | None = None,
) -> Background:
    """Start competing for leadership; `channels` replaces the configured ones (tests, tools)."""
    config = config or RunnerConfig.from_settings(settings)
    alerts = build_alerts(notifier, config)
    if channels is None:
        built = build_channels(settings, db, alerts.as_notifier())
    elif callable(channels):
        built = list(channels(db, alerts.as_notifier()))
    else:
        built = list(channels)
    runner = BackgroundRunner(db, built, alerts, config, secrets=secrets_of(settings))
    await runner.start()
    return Background(runner, built)
