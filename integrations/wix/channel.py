"""`WixChannel`: the `domain.channels.StockChannel` of Wix, for every site.

Composition (the bot's composition root, the CLI, the scheduler)::

    channel = WixChannel.from_settings(settings, db, notifier)   # owns its HTTP connection pool
    await channel.accounts()          # first call: adds the WIX_API_KEY + WIX_SITE_ID site if new
    await channel.push_stock(site_id_pk)
    ...
    await channel.aclose()

One channel serves every site: one connection pool, one rate limiter per site (shared by all jobs of
that site). Each method opens its own short transactions and never holds one across an HTTP call; it
remembers what the client learned (catalog version, the batch sizes that worked, the last error) in
`wix_accounts` whether it succeeded or not, and raises `WixError` on failure (auth, 5xx after
retries, Stores not installed), so one failing site fails only its own run. Sites that are not active
are left alone (an idle result). API keys never need refreshing: `refresh_credentials` does nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from pydantic import SecretStr

from domain.channels import AccountRef, Progress, RunCounts, SyncReport
from domain.db import Database
from domain.errors import DomainError, ValidationError
from domain.notify import Notifier
from integrations.wix.alerts import WixAlerts
from integrations.wix.client import WixApiService
from integrations.wix.connect import WixClients, WixConfig, WixSettings
from integrations.wix.errors import WixAuthError, WixError
from integrations.wix.mapping import MappingReport, StoredReport
from integrations.wix.models import CatalogVersion
from integrations.wix.orders import OVERLAP, OrderImport
from integrations.wix.sites import (
    CHANNEL,
    Site,
    all_sites,
    bootstrap_site,
    check_key,
    check_name,
    check_site_id,
    load_site,
    remember,
    save_site,
)
from integrations.wix.sync import (
    TRIGGER_MANUAL,
    TRIGGER_MAP,
    TRIGGER_RECONCILE,
    SyncOutcome,
    WixSync,
    last_mapping_report,
)
from integrations.wix.transport import RetryPolicy

log = logging.getLogger("integrations.wix")

T = TypeVar("T")


class WixChannel:
    name = CHANNEL

    def __init__(
        self,
        db: Database,
        config: WixConfig | None = None,
        notifier: Notifier | None = None,
        *,
        bootstrap_key: SecretStr | None = None,
        bootstrap_site_id: str | None = None,
        order_overlap: timedelta = OVERLAP,
    ) -> None:
        self.db = db
        self.config = config or WixConfig()
        self.alerts = WixAlerts(notifier)
        self.clients = WixClients(self.config)
        self.orders = OrderImport(db, self.alerts, overlap=order_overlap)
        self.sync = WixSync(db, self.alerts)
        self._bootstrap: tuple[SecretStr | None, str | None] | None = (bootstrap_key, bootstrap_site_id)
        self._bootstrap_lock = asyncio.Lock()

    @classmethod
    def from_settings(
        cls,
        settings: WixSettings,
        db: Database,
        notifier: Notifier | None = None,
        *,
        retry: RetryPolicy | None = None,
        order_overlap: timedelta = OVERLAP,
    ) -> WixChannel:
        """The channel the configuration describes (WIX_API_URL, WIX_RATE_LIMIT_PER_MINUTE,
        WIX_MAX_BATCH, and the WIX_API_KEY + WIX_SITE_ID site to bootstrap)."""
        return cls(
            db,
            WixConfig.from_settings(settings, retry=retry),
            notifier,
            bootstrap_key=settings.wix_api_key,
            bootstrap_site_id=settings.wix_site_id,
            order_overlap=order_overlap,
        )

    async def aclose(self) -> None:
        await self.clients.aclose()

    async def __aenter__(self) -> WixChannel:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # --- StockChannel --------------------------------------------------------------------------------

    async def accounts(self) -> list[AccountRef]:
        """Every site with its state; the first call also runs the WIX_API_KEY + WIX_SITE_ID bootstrap."""
        await self.bootstrap()
        return [AccountRef(CHANNEL, site.id, site.name, site.state) for site in await all_sites(self.db)]

    async def pull_orders(self, account_id: int) -> RunCounts:
        """Apply the site's new orders to central stock (each line exactly once)."""

        async def work(site: Site, wix: WixApiService) -> RunCounts:
            return (await self.orders.pull(wix, site)).counts()

        return await self._run(account_id, work, _idle_counts)

    async def push_stock(self, account_id: int) -> RunCounts:
        """Import the site's new orders, then send the levels of its outbox products; clears only the
        rows Wix confirmed."""

        async def work(site: Site, wix: WixApiService) -> RunCounts:
            pulled = await self.orders.pull(wix, site)
            async with self.db.sessions() as session:
                mapped = await last_mapping_report(session, site.id) is not None
            if mapped:
                outcome = await self.sync.push_outbox(wix, site)
            else:  # a new site: its first push is a full sync, which maps it (and clears the outbox)
                outcome = await self.sync.reconcile(wix, site, trigger=TRIGGER_RECONCILE)
            counts = outcome.counts() if outcome is not None else RunCounts()
            counts.notes["orders_imported"] = pulled.effects + pulled.applied_unmatched
            return counts

        return await self._run(account_id, work, _idle_counts)

    async def reconcile(
        self,
        account_id: int,
        progress: Progress | None = None,
        *,
        trigger: str | None = None,
    ) -> SyncReport:
        """Import orders, refresh the mapping, compare every mapped SKU and repair drift.

        `trigger` names the run in `wix_inventory_syncs`; by default "manual" when someone watches the
        progress (/sync), else "reconcile" (the periodic job)."""
        chosen = trigger or (TRIGGER_MANUAL if progress is not None else TRIGGER_RECONCILE)

        async def idle(site: Site) -> SyncReport:
            return SyncReport(CHANNEL, site.name, error=site.state.value)

        async def work(site: Site, wix: WixApiService) -> SyncReport:
            return (await self._sync(site, wix, chosen, progress, dry_run=False)).report()

        return await self._run(account_id, work, idle)

    async def refresh_credentials(self, account_id: int) -> None:
        """Wix API keys do not expire: nothing to refresh."""

    # --- for the bot and the CLI ----------------------------------------------------------------------

    async def bootstrap(self) -> Site | None:
        """Add (or re-key) the site of WIX_API_KEY + WIX_SITE_ID, once per process. A bad value is
        logged, not raised: the other sites and the bot keep working."""
        async with self._bootstrap_lock:
            if self._bootstrap is None:
                return None
            key, site_id = self._bootstrap
            self._bootstrap = None
            try:
                return await bootstrap_site(self.db, key, site_id)
            except DomainError as exc:
                log.error("wix: WIX_API_KEY + WIX_SITE_ID could not add a site: %s", exc)
                return None

    async def add_site(self, name: str, site_id: str, api_key: str | SecretStr) -> tuple[Site, bool]:
        """Check the key with Wix (and learn the catalog version), then store the site; a known site
        id gets the new key. Returns (site, created). Refusals are `ValidationError`s with a reason."""
        name, site_id = check_name(name), check_site_id(site_id)
        key = check_key(api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key)
        async with self.clients.open(key, site_id) as wix:
            try:
                version = await wix.get_catalog_version()
            except WixAuthError:
                raise ValidationError(
                    "Wix refused this API key for this site (wrong key, wrong site, or missing permissions)",
                    reason="wix_key_refused",
                ) from None
            except WixError as exc:
                raise ValidationError(f"Wix could not be asked: {exc}", reason="wix_unreachable") from None
        if version is CatalogVersion.STORES_NOT_INSTALLED:
            raise ValidationError("Wix Stores is not installed on this site", reason="wix_no_stores")
        site, created = await save_site(self.db, name, site_id, key, version)
        log.info("wix: site %s %s (%s)", site.name, "added" if created else "given a new key", version.value)
        return site, created

    async def sync_site(
        self,
        account_id: int,
        *,
        trigger: str,
        progress: Progress | None = None,
        dry_run: bool = False,
    ) -> SyncOutcome:
        """A reconcile with its full outcome (each change and problem), for the CLI. A dry run writes
        nothing and imports no orders, so Wix sales not yet imported show as increases."""

        async def idle(site: Site) -> SyncOutcome:
            return SyncOutcome(site.name, trigger, dry_run=dry_run)

        async def work(site: Site, wix: WixApiService) -> SyncOutcome:
            return await self._sync(site, wix, trigger, progress, dry_run=dry_run)

        return await self._run(account_id, work, idle)

    async def refresh_mapping(self, account_id: int, progress: Progress | None = None) -> MappingReport:
        """Crawl the site and store its SKU mapping (no stock is sent); recorded as a "map" run."""

        async def idle(site: Site) -> MappingReport:
            return MappingReport()

        async def work(site: Site, wix: WixApiService) -> MappingReport:
            outcome = await self.sync.reconcile(wix, site, trigger=TRIGGER_MAP, progress=progress, push=False)
            assert outcome.mapping is not None
            return outcome.mapping

        return await self._run(account_id, work, idle)

    async def mapping_report(self, account_id: int) -> StoredReport | None:
        """The latest stored mapping report of the site (no request to Wix)."""
        async with self.db.sessions() as session:
            return await last_mapping_report(session, account_id)

    # --- plumbing ------------------------------------------------------------------------------------

    async def _sync(
        self, site: Site, wix: WixApiService, trigger: str, progress: Progress | None, *, dry_run: bool
    ) -> SyncOutcome:
        if not dry_run:
            await self.orders.pull(wix, site)
        return await self.sync.reconcile(wix, site, trigger=trigger, progress=progress, dry_run=dry_run)

    async def _run(
        self,
        account_id: int,
        work: Callable[[Site, WixApiService], Awaitable[T]],
        idle: Callable[[Site], Awaitable[T]],
    ) -> T:
        site = await load_site(self.db, account_id)
        if not site.active:
            return await idle(site)
        version = site.catalog_version.value if site.catalog_version else None
        async with self.clients.open(
            site.api_key, site.site_id, catalog_version=version, batch_sizes=site.batch_sizes
        ) as wix:
            error: str | None = None
            try:
                return await work(site, wix)
            except WixError as exc:
                error = str(exc)
                raise
            finally:
                await remember(
                    self.db,
                    site.id,
                    catalog_version=wix.catalog_version,
                    batch_sizes=wix.effective_batch_size.as_dict(),
                    error=error,
                )


async def _idle_counts(site: Site) -> RunCounts:
    """A run of a site that is not active: nothing done, its state noted."""
    return RunCounts(notes={site.state.value: 1})
