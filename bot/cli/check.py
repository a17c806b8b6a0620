"""`warehouse-bot check [--quick]`: configuration and connectivity, one line per check, exit 1 if any
fails. `--quick` (the container's health check) stops after the configuration and the database.

Checks: the configuration loads; the database answers and its schema is current; Telegram's getMe
with BOT_TOKEN; each Allegro account's /me with its stored access token (never refreshed here: a
refresh rotates the token under the running bot's feet); each Wix site's catalog-version endpoint.
No secret is ever printed: URLs hide passwords and error texts are scrubbed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli.common import CliError, _check_schema, safe_url
from bot.settings import ConfigError, Settings, load_settings
from domain.db import Database

OK, FAIL, SKIP = "ok", "FAIL", "skip"
TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class Line:
    status: str
    name: str
    detail: str

    def render(self) -> str:
        return f"{self.status:<4}  {self.name:<28}  {self.detail}"


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    quick: Annotated[bool, typer.Option("--quick", help="Only the configuration and the database.")] = False,
) -> None:
    """Check configuration and connectivity: database, Telegram, Allegro accounts, Wix sites."""
    failed = False
    for line in asyncio.run(run_checks(quick=quick)):
        typer.echo(line.render())
        failed = failed or line.status == FAIL
    raise typer.Exit(1 if failed else 0)


async def run_checks(*, quick: bool = False, settings: Settings | None = None) -> list[Line]:
    if settings is None:
        try:
            settings = load_settings()
        except ConfigError as error:
            return [Line(FAIL, "configuration", str(error).replace("\n", " "))]
    secrets = _secrets(settings)
    lines = [
        Line(OK, "configuration", f"time zone {settings.timezone}, language {settings.default_language}")
    ]
    db = Database(settings.database_url)
    try:
        database = await _guarded("database", secrets, lambda: _database(db))
        lines.append(database)
        if quick:
            return lines
        lines.append(await _guarded("telegram", secrets, lambda: _telegram(settings)))
        if database.status == OK:
            lines += await _allegro(settings, db, secrets)
            lines += await _wix(settings, db, secrets)
    finally:
        await db.dispose()
    return lines


def _secrets(settings: Settings) -> list[str]:
    from scheduler.service import secrets_of

    return secrets_of(settings)


async def _guarded(name: str, secrets: list[str], work: Callable[[], Awaitable[str]]) -> Line:
    """One check: its detail on success, the scrubbed first line of the error on failure."""
    from scheduler.scrub import describe, scrub

    try:
        return Line(OK, name, await asyncio.wait_for(work(), TIMEOUT))
    except CliError as error:
        return Line(FAIL, name, scrub(str(error), secrets))
    except Exception as error:
        return Line(FAIL, name, describe(error, secrets))


async def _database(db: Database) -> str:
    await _check_schema(db, require_head=True)
    return f"{safe_url(db.url)} (schema current)"


async def _telegram(settings: Settings) -> str:
    from bot.app import build_bot

    bot = build_bot(settings)
    try:
        me = await bot.get_me()
    finally:
        await bot.session.close()
    return f"@{me.username} via {settings.telegram_api_url}"


async def _allegro(settings: Settings, db: Database, secrets: list[str]) -> list[Line]:
    import httpx
    from sqlalchemy import select

    from domain.models import AccountState, AllegroAccount
    from integrations.allegro.client import VENDOR_JSON
    from integrations.allegro.config import is_configured
    from integrations.allegro.hosts import resolve_hosts
    from scheduler.runs import as_utc

    async with db.sessions() as session:
        accounts = list(await session.scalars(select(AllegroAccount).order_by(AllegroAccount.name)))
    if not is_configured(settings):
        detail = "ALLEGRO_CLIENT_ID / ALLEGRO_CLIENT_SECRET not set"
        return [Line(FAIL if accounts else SKIP, "allegro", detail)]
    if not accounts:
        return [Line(SKIP, "allegro", "no account connected yet (/allegro in the bot)")]
    api_url = resolve_hosts(
        settings.allegro_sandbox, settings.allegro_api_url, settings.allegro_auth_url
    ).api_url
    lines = []
    async with httpx.AsyncClient(base_url=api_url, timeout=TIMEOUT) as http:
        for account in accounts:
            name = f"allegro · {account.name}"
            expires = as_utc(account.access_expires_at) if account.access_expires_at else None
            if account.state != AccountState.ACTIVE:
                lines.append(Line(FAIL, name, f"account is {account.state.value}"))
            elif not account.access_token or expires is None or expires <= datetime.now(UTC):
                lines.append(Line(SKIP, name, "access token expired: the running bot renews it"))
            else:
                token = account.access_token

                async def me(token: str = token) -> str:
                    response = await http.get(
                        "/me", headers={"Authorization": f"Bearer {token}", "Accept": VENDOR_JSON}
                    )
                    response.raise_for_status()
                    return f"seller {response.json().get('login', '?')}"

                lines.append(await _guarded(name, [*secrets, token], me))
    return lines


async def _wix(settings: Settings, db: Database, secrets: list[str]) -> list[Line]:
    from domain.models import AccountState
    from integrations.wix.client import WixApiService
    from integrations.wix.sites import all_sites
    from integrations.wix.transport import RetryPolicy

    sites = await all_sites(db)
    if not sites:
        return [Line(SKIP, "wix", "no site added yet (warehouse-bot wix add-site)")]
    lines = []
    for site in sites:
        name = f"wix · {site.name}"
        if site.state != AccountState.ACTIVE:
            lines.append(Line(FAIL, name, f"site is {site.state.value}"))
            continue

        async def version(key: str = site.api_key.get_secret_value(), site_id: str = site.site_id) -> str:
            async with WixApiService(
                key, site_id, base_url=settings.wix_api_url, retry=RetryPolicy(attempts=1), rate_limit=None
            ) as wix:
                return f"catalog {(await wix.get_catalog_version(refresh=True)).value}"

        lines.append(await _guarded(name, [*secrets, site.api_key.get_secret_value()], version))
    return lines
