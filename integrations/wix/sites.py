"""Wix sites (`wix_accounts`): add one, bootstrap one from the environment, load, remember what a run learned,
disable or enable one, remove one.

A site's API key is a secret. It is stored in the database (Wix keys do not expire) and leaves it only as
a `SecretStr` inside a client; nothing here logs it, shows it in a repr or puts it in an error text.

A site imports only the orders placed after it was added (`added_at`): the stock counted before then
already reflects older sales, and replaying them would deduct them twice.

A disabled site keeps everything but is left alone by every job. Removing a site deletes its row, its
SKU mappings, its sync history and its queued pushes; stock, and the order lines already applied to it,
stay (they are the history of what was sold).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.db import Database, as_utc
from domain.errors import NotFoundError, ValidationError
from domain.models import AccountState, Channel, StockOutbox, WixAccount, WixInventorySync, WixProductMapping
from integrations.wix.models import CatalogVersion

log = logging.getLogger("integrations.wix")

CHANNEL = "wix"
BOOTSTRAP_NAME = "default"
SITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
# Wix site ids are GUIDs; anything of letters, digits and dashes is let through to Wix to judge.
SITE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
MAX_KEY_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class Site:
    """One Wix site as a run needs it (a snapshot; the row may change meanwhile)."""

    id: int
    name: str
    site_id: str
    api_key: SecretStr = field(repr=False)
    catalog_version: CatalogVersion | None
    batch_sizes: dict[str, int]
    state: AccountState
    added_at: datetime

    @property
    def actor(self) -> Actor:
        return Actor.channel(CHANNEL, self.name)

    @property
    def active(self) -> bool:
        return self.state == AccountState.ACTIVE

    @classmethod
    def of(cls, row: WixAccount) -> Site:
        try:
            version = CatalogVersion(row.catalog_version) if row.catalog_version else None
        except ValueError:
            version = None
        sizes = {str(kind): int(size) for kind, size in (row.batch_sizes or {}).items()}
        return cls(
            row.id,
            row.name,
            row.site_id,
            SecretStr(row.api_key),
            version,
            sizes,
            row.state,
            as_utc(row.created_at),
        )


@dataclass(frozen=True, slots=True)
class SiteOverview:
    """A line of the sites list: what admins see in the bot and the CLI (never the key)."""

    id: int
    name: str
    site_id: str
    catalog_version: str | None
    state: AccountState
    last_error: str | None
    last_sync_at: datetime | None
    last_sync_status: str | None
    last_sync_trigger: str | None


@dataclass(frozen=True, slots=True)
class Removal:
    """What removing a site takes with it (shown before, and reported after)."""

    id: int
    name: str
    mappings: int
    syncs: int


def check_name(name: str) -> str:
    name = name.strip()
    if not SITE_NAME.fullmatch(name):
        raise ValidationError(
            f"site name {name!r} is not valid: 1-64 letters, digits, '.', '-' or '_'",
            reason="wix_site_name",
            value=name[:64],
        )
    return name


def check_site_id(site_id: str) -> str:
    site_id = site_id.strip()
    if not SITE_ID.fullmatch(site_id):
        raise ValidationError(
            "a Wix site id is the GUID after /dashboard/ in the site's dashboard address",
            reason="wix_site_id",
        )
    return site_id


def check_key(api_key: str) -> SecretStr:
    key = api_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or any(char.isspace() for char in key):
        raise ValidationError("a Wix API key is one word of up to 4096 characters", reason="wix_api_key")
    return SecretStr(key)


async def load_site(db: Database, account_id: int) -> Site:
    async with db.sessions() as session:
        row = await session.get(WixAccount, account_id)
        if row is None:
            raise NotFoundError(f"Wix site {account_id} does not exist", entity="wix_site", id=account_id)
        return Site.of(row)


async def site_by_name(db: Database, name: str) -> Site:
    async with db.sessions() as session:
        row = await session.scalar(select(WixAccount).where(WixAccount.name == name.strip()))
        if row is None:
            raise NotFoundError(f"there is no Wix site named {name!r}", entity="wix_site", name=name)
        return Site.of(row)


async def all_sites(db: Database) -> list[Site]:
    async with db.sessions() as session:
        return [Site.of(row) for row in await session.scalars(select(WixAccount).order_by(WixAccount.name))]


async def overviews(session: AsyncSession) -> list[SiteOverview]:
    """Every site with its catalog version and its latest sync run."""
    latest = (
        select(WixInventorySync.account_id, func.max(WixInventorySync.id).label("sync_id"))
        .group_by(WixInventorySync.account_id)
        .subquery()
    )
    rows = await session.execute(
        select(WixAccount, WixInventorySync)
        .outerjoin(latest, latest.c.account_id == WixAccount.id)
        .outerjoin(WixInventorySync, WixInventorySync.id == latest.c.sync_id)
        .order_by(WixAccount.name)
    )
    result = []
    for account, sync in rows.all():
        moment = (sync.finished_at or sync.started_at) if sync else None
        result.append(
            SiteOverview(
                account.id,
                account.name,
                account.site_id,
                account.catalog_version,
                account.state,
                account.last_error,
                as_utc(moment) if moment else None,
                sync.status if sync else None,
                sync.trigger if sync else None,
            )
        )
    return result


async def save_site(
    db: Database, name: str, site_id: str, api_key: SecretStr, catalog_version: CatalogVersion | None
) -> tuple[Site, bool]:
    """Store a new site, or give a known site id its new key (and name). Returns (site, created).

    A name already used by another site is refused. The checks and the write share one transaction.
    """
    async with db.transaction() as session:
        by_name = await session.scalar(select(WixAccount).where(WixAccount.name == name))
        row = await session.scalar(select(WixAccount).where(WixAccount.site_id == site_id))
        if by_name is not None and by_name is not row:
            raise ValidationError(
                f"another Wix site is already called {name!r}", reason="wix_site_name_taken", value=name
            )
        created = row is None
        if row is None:
            now = datetime.now(UTC)
            row = WixAccount(name=name, site_id=site_id, batch_sizes={}, created_at=now, orders_cursor=now)
            session.add(row)
        row.name = name
        row.api_key = api_key.get_secret_value()
        row.state = AccountState.ACTIVE
        row.last_error = None
        if catalog_version is not None:
            row.catalog_version = catalog_version.value
        try:
            await session.flush()
        except IntegrityError:  # another add of the same name or site won the race; its text quotes the key
            raise ValidationError(
                f"another Wix site is already called {name!r}", reason="wix_site_name_taken", value=name
            ) from None
        return Site.of(row), created


async def bootstrap_site(db: Database, api_key: SecretStr | None, site_id: str | None) -> Site | None:
    """The site of WIX_API_KEY + WIX_SITE_ID: added on first start, its key kept in step afterwards.

    Idempotent and offline (Wix is asked nothing: the catalog version is learned on first use). Returns
    None when the variables are not both set.
    """
    if api_key is None or not site_id:
        return None
    key = check_key(api_key.get_secret_value())
    site_id = check_site_id(site_id)
    async with db.transaction() as session:
        row = await session.scalar(select(WixAccount).where(WixAccount.site_id == site_id))
        if row is not None:
            if row.api_key != key.get_secret_value():
                row.api_key = key.get_secret_value()
                row.last_error = None
                log.info("wix: the key of site %s was replaced from WIX_API_KEY", row.name)
            await session.flush()
            return Site.of(row)
        taken = set(await session.scalars(select(WixAccount.name)))
        name = BOOTSTRAP_NAME
        number = 2
        while name in taken:
            name, number = f"{BOOTSTRAP_NAME}-{number}", number + 1
    site, _ = await save_site(db, name, site_id, key, None)
    log.info("wix: site %s added from WIX_SITE_ID", site.name)
    return site


async def remember(
    db: Database,
    account_id: int,
    *,
    catalog_version: CatalogVersion | None,
    batch_sizes: dict[str, int],
    error: str | None,
) -> None:
    """What a run learned about the site: its catalog version, the batch sizes that worked, the error."""
    async with db.transaction() as session:
        row = await session.get(WixAccount, account_id, with_for_update=True)
        if row is None:
            return
        changes: dict[str, Any] = {"batch_sizes": batch_sizes, "last_error": error}
        if catalog_version is not None:
            changes["catalog_version"] = catalog_version.value
        for name, value in changes.items():
            if getattr(row, name) != value:
                setattr(row, name, value)


async def _row(session: AsyncSession, account_id: int) -> WixAccount:
    row = await session.get(WixAccount, account_id)
    if row is None:
        raise NotFoundError(f"Wix site {account_id} does not exist", entity="wix_site", id=account_id)
    return row


async def find_site_id(session: AsyncSession, site: str) -> int:
    """The row id of the site named `site`, or whose row id or Wix site id it is."""
    key = site.strip()
    found = await session.scalar(
        select(WixAccount.id).where((WixAccount.name == key) | (WixAccount.site_id == key))
    )
    if found is None and key.isdigit():
        found = await session.scalar(select(WixAccount.id).where(WixAccount.id == int(key)))
    if found is None:
        raise NotFoundError(f"there is no Wix site {key!r}", entity="wix_site", name=key)
    return found


async def set_site_state(session: AsyncSession, account_id: int, state: AccountState) -> Site:
    """Disable (`DISABLED`) or enable (`ACTIVE`) a site; the caller commits and refreshes the jobs."""
    row = await _row(session, account_id)
    if row.state != state:
        row.state = state
        if state == AccountState.ACTIVE:
            row.last_error = None
        await session.flush()
        log.info("wix: site %s is now %s", row.name, state.value)
    return Site.of(row)


async def removal(session: AsyncSession, account_id: int) -> Removal:
    """What removing the site would delete."""
    row = await _row(session, account_id)
    mappings = await session.scalar(
        select(func.count()).select_from(WixProductMapping).where(WixProductMapping.account_id == account_id)
    )
    syncs = await session.scalar(
        select(func.count()).select_from(WixInventorySync).where(WixInventorySync.account_id == account_id)
    )
    return Removal(row.id, row.name, mappings or 0, syncs or 0)


async def remove_site(session: AsyncSession, account_id: int) -> Removal:
    """Delete the site with its mappings, sync history and queued pushes; the caller commits."""
    gone = await removal(session, account_id)
    for statement in (
        delete(WixProductMapping).where(WixProductMapping.account_id == account_id),
        delete(WixInventorySync).where(WixInventorySync.account_id == account_id),
        delete(StockOutbox).where(StockOutbox.channel == Channel.WIX, StockOutbox.account_id == account_id),
        delete(WixAccount).where(WixAccount.id == account_id),
    ):
        await session.execute(statement)
    log.info("wix: site %s removed", gone.name)
    return gone
