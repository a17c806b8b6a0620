"""Typed configuration from the environment (and `.env`).

Every variable is documented in the README's configuration table. `load_settings()` turns pydantic's
validation errors into one readable `ConfigError` naming the variables, never echoing their values
(a mistyped token must not end up in a terminal scroll-back or a log collector).
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from integrations.allegro.models import PublicationStatus

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/warehouse.db"
MARKETPLACE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class ConfigError(Exception):
    """Configuration cannot be used; the message names the variables and what is wrong."""


class ZeroStockPolicy(StrEnum):
    END = "end"  # PATCH stock.available = 0: Allegro ends the offer
    LEAVE = "leave"  # keep the last positive level on the offer


class AllegroDeductTrigger(StrEnum):
    READY_FOR_PROCESSING = "READY_FOR_PROCESSING"
    BOUGHT = "BOUGHT"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    telegram_api_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8080"
    timezone: str = "Europe/Warsaw"
    default_language: str = "en"
    log_level: str = "INFO"

    allegro_client_id: str | None = None
    allegro_client_secret: SecretStr | None = None
    allegro_sandbox: bool = False
    allegro_api_url: str | None = None
    allegro_auth_url: str | None = None
    allegro_refresh_token: SecretStr | None = None
    allegro_deduct_on: AllegroDeductTrigger = AllegroDeductTrigger.READY_FOR_PROCESSING
    allegro_zero_stock: ZeroStockPolicy = ZeroStockPolicy.END
    allegro_offer_statuses: Annotated[tuple[PublicationStatus, ...], NoDecode] = ()
    allegro_marketplace: str | None = None

    wix_api_url: str = "https://www.wixapis.com"
    wix_api_key: SecretStr | None = None
    wix_site_id: str | None = None
    wix_rate_limit_per_minute: int = Field(default=200, ge=0)
    wix_max_batch: int = Field(default=1000, ge=1, le=1000)

    allegro_poll_seconds: int = Field(default=60, ge=1)
    stock_push_seconds: int = Field(default=30, ge=1)
    wix_orders_seconds: int = Field(default=300, ge=1)
    wix_reconcile_seconds: int = Field(default=3600, ge=1)
    token_refresh_seconds: int = Field(default=3600, ge=1)

    low_stock_threshold: int = Field(default=2, ge=0)
    digest_time: time = time(8, 0)
    max_photo_mb: int = Field(default=20, ge=1, le=50)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            return [int(part) for part in parts if part]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("allegro_offer_statuses", mode="before")
    @classmethod
    def _offer_statuses(cls, value: object) -> object:
        """Comma-separated publication statuses (the spec's enum, any case); empty: every status."""
        if not isinstance(value, str):
            return value
        chosen: list[PublicationStatus] = []
        for part in (part.strip().upper() for part in value.split(",")):
            if not part:
                continue
            if part not in PublicationStatus.__members__:
                allowed = ", ".join(PublicationStatus)
                raise ValueError(f"use publication statuses from {allowed}, comma-separated (empty: all)")
            if PublicationStatus(part) not in chosen:
                chosen.append(PublicationStatus(part))
        return tuple(chosen)

    @field_validator("allegro_marketplace")
    @classmethod
    def _marketplace(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        marketplace = value.strip().lower()
        if not MARKETPLACE_ID.fullmatch(marketplace):
            raise ValueError("use a marketplace id such as allegro-pl (empty: every marketplace)")
        return marketplace

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone (use an IANA name such as Europe/Warsaw)") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith(("postgresql://", "postgres://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + value.split("://", 1)[1]
        if not value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            raise ValueError("use postgresql+asyncpg://… or sqlite+aiosqlite:///path")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return upper

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in {"en", "pl", "ru"}:
            raise ValueError("use en, pl or ru")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_bot_token(self) -> SecretStr:
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError("BOT_TOKEN is not set: get a token from @BotFather and export BOT_TOKEN=…")
        return self.bot_token


def describe_validation_error(error: ValidationError) -> str:
    """One line per bad variable; pydantic's own text would echo the offending (maybe secret) input."""
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        name = "_".join(str(part) for part in item["loc"] if isinstance(part, str)).upper() or "?"
        lines.append(f"{name}: {item['msg']}")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None
