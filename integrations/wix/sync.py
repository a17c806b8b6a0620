"""Central stock → one Wix site: the outbox push, the full reconcile, and their history.

Both send the *available-to-sell* level (on hand minus reserved over every warehouse) of each mapped
product through `WixApiService.update_inventory_by_sku_list`, which plans against a fresh read (V1:
grouped increments/decrements of the difference; V3: bulk updates guarded by revisions), so a sale
made in Wix meanwhile is never overwritten and a retry never counts twice. The caller imports the
site's orders first (invariant 4).

- `push_outbox`: the products in the site's outbox rows. A product that is not in the site's mapping
  is not in Wix (as of the last reconcile): there is nothing to tell, its row is cleared and it is
  counted as missing. Rows are cleared only for what Wix confirmed; the rest record their failure and
  stay for the next push.
- `reconcile`: one crawl of the whole site refreshes the mapping and is the read the writes are
  planned from: ⌈products/100⌉ (V1) or ⌈SKUs/1000⌉ (V3) reads, then as few writes as the API allows.
  It clears the outbox rows it covered as well. With `dry_run` nothing is written anywhere.

Every run that did something is a row of `wix_inventory_syncs` (trigger, start/end, counts, error text
and, in `details`, the problem SKUs and the mapping report).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.channels import Progress, RunCounts, SyncReport
from domain.db import Database, as_utc
from domain.inventory import read_levels
from domain.models import Channel, WixInventorySync, WixProductMapping
from domain.outbox import OutboxItem, acknowledge, pending, record_failure
from integrations.wix.alerts import WixAlerts
from integrations.wix.client import WixApiService
from integrations.wix.crawl import together
from integrations.wix.mapping import (
    DETAILS_LIMIT,
    MappingReport,
    ProductRef,
    StoredReport,
    crawl,
    match,
    note_pushed,
    product_refs,
    store_mapping,
    stored_mapping,
)
from integrations.wix.results import SkuLookup, UpdateReport, WixProductInfo
from integrations.wix.sites import CHANNEL, Site

TRIGGER_OUTBOX = "outbox"
TRIGGER_RECONCILE = "reconcile"
TRIGGER_MANUAL = "manual"
TRIGGER_CLI = "cli"
TRIGGER_MAP = "map"
MAX_ERROR_CHARS = 2000
_NOT_TRACKED = "Wix does not track this item's quantity"


@dataclass
class SyncOutcome:
    """What one run did (or, dry, would do) on one site."""

    site: str
    trigger: str
    dry_run: bool = False
    checked: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    failed: int = 0
    changes: dict[str, tuple[int | None, int]] = field(default_factory=dict)  # SKU -> (before, after)
    failures: dict[str, str] = field(default_factory=dict)  # SKU -> why Wix did not take it
    mapping: MappingReport | None = None
    requests: int = 0
    catalog_version: str | None = None

    @property
    def status(self) -> str:
        return "partial" if self.failed else "done"

    def problems(self) -> dict[str, str]:
        found = self.mapping.problems() if self.mapping else {}
        found.update(self.failures)
        return found

    def details(self) -> dict[str, Any]:
        details: dict[str, Any] = {
            "requests": self.requests,
            "catalog_version": self.catalog_version,
            "failed": dict(list(self.failures.items())[:DETAILS_LIMIT]),
            "changed": {
                sku: [before, after] for sku, (before, after) in list(self.changes.items())[:DETAILS_LIMIT]
            },
        }
        if self.mapping is not None:
            details["mapping"] = self.mapping.as_details()
        return details

    def report(self) -> SyncReport:
        return SyncReport(
            channel=CHANNEL,
            account_name=self.site,
            checked=self.checked,
            updated=self.updated,
            unchanged=self.unchanged,
            missing=self.missing,
            failed=self.failed,
            problem_skus=self.problems(),
        )

    def counts(self) -> RunCounts:
        return RunCounts(
            processed=self.checked,
            changed=self.updated,
            failed=self.failed,
            notes={"unchanged": self.unchanged, "missing": self.missing, "requests": self.requests},
        )

    def took(self, report: UpdateReport) -> None:
        self.updated = len(report.updated)
        self.unchanged = len(report.unchanged)
        self.missing += len(report.missing)
        self.failed = len(report.failed)
        self.failures = dict(report.failed)
        self.changes = {sku: (change.before, change.after) for sku, change in report.updated.items()}


def plan_only(lookup: SkuLookup, desired: Mapping[str, int], outcome: SyncOutcome) -> None:
    """A dry run: what a push planned from this read would change (nothing is sent)."""
    outcome.missing += len(lookup.missing)
    for sku, info in lookup.found.items():
        if not info.track_quantity or info.current_quantity is None:
            outcome.failures[sku] = _NOT_TRACKED
        elif info.current_quantity == desired[sku]:
            outcome.unchanged += 1
        else:
            outcome.changes[sku] = (info.current_quantity, desired[sku])
    outcome.updated = len(outcome.changes)
    outcome.failed = len(outcome.failures)


async def start_run(db: Database, account_id: int, trigger: str) -> int:
    async with db.transaction() as session:
        run = WixInventorySync(
            account_id=account_id, trigger=trigger, started_at=datetime.now(UTC), status="running", details={}
        )
        session.add(run)
        await session.flush()
        return run.id


async def finish_run(db: Database, run_id: int, outcome: SyncOutcome | None, error: str | None) -> None:
    async with db.transaction() as session:
        run = await session.get(WixInventorySync, run_id)
        if run is None:
            return
        run.finished_at = datetime.now(UTC)
        if outcome is not None:
            run.checked, run.updated, run.unchanged = outcome.checked, outcome.updated, outcome.unchanged
            run.missing, run.failed = outcome.missing, outcome.failed
            run.details = outcome.details()
            run.status = outcome.status
        if error is not None:
            run.status = "failed"
            run.error_text = error[:MAX_ERROR_CHARS]


async def last_mapping_report(session: AsyncSession, account_id: int) -> StoredReport | None:
    """The mapping report of the site's latest finished crawl, as stored (None: never mapped)."""
    runs = await session.scalars(
        select(WixInventorySync)
        .where(
            WixInventorySync.account_id == account_id,
            WixInventorySync.finished_at.is_not(None),
            WixInventorySync.trigger != TRIGGER_OUTBOX,  # outbox pushes do not crawl
        )
        .order_by(WixInventorySync.id.desc())
        .limit(20)
    )
    for run in runs:
        mapping = (run.details or {}).get("mapping")
        if mapping:
            return StoredReport.of(mapping, as_utc(run.finished_at) if run.finished_at else None)
    return None


class WixSync:
    def __init__(self, db: Database, alerts: WixAlerts) -> None:
        self._db = db
        self._alerts = alerts

    async def push_outbox(self, wix: WixApiService, site: Site) -> SyncOutcome | None:
        """Push the site's outbox products; None when the outbox is empty (no run is recorded then)."""
        async with self._db.sessions() as session:
            items = await pending(session, Channel.WIX, site.id)
        if not items:
            return None
        outcome = SyncOutcome(site.name, TRIGGER_OUTBOX)

        async def work() -> None:
            async with self._db.sessions() as session:
                mapping = await stored_mapping(session, site.id, [item.product_id for item in items])
                levels = await read_levels(session, mapping)
            outcome.missing = len({item.product_id for item in items} - set(mapping))
            desired = {info.sku: levels[product_id] for product_id, info in mapping.items()}
            outcome.checked = len(desired)
            started = wix.requests_made
            report = await wix.update_inventory_by_sku_list(
                desired, known={i.sku: i for i in mapping.values()}
            )
            outcome.requests = wix.requests_made - started
            outcome.catalog_version = report.catalog_version.value if report.catalog_version else None
            outcome.took(report)
            await self._settle(site, items, mapping, levels, report)

        await self._recorded(site, outcome, work)
        return outcome

    async def reconcile(
        self,
        wix: WixApiService,
        site: Site,
        *,
        trigger: str = TRIGGER_RECONCILE,
        progress: Progress | None = None,
        dry_run: bool = False,
        push: bool = True,
    ) -> SyncOutcome:
        """Refresh the mapping from one crawl and repair every mapped SKU's level from the same read.

        `push=False` refreshes the mapping only (the `map` reports); `dry_run` writes nothing at all.
        """
        outcome = SyncOutcome(site.name, trigger, dry_run=dry_run)

        async def here() -> tuple[list[ProductRef], dict[int, int]]:
            async with self._db.sessions() as session:
                products = await product_refs(session)
                return products, await read_levels(session, [product.id for product in products])

        async def work() -> None:
            async with self._db.sessions() as session:
                # Read before the levels: a row changed after this has a newer generation, kept.
                items = await pending(session, Channel.WIX, site.id)
                expected = await session.scalar(
                    select(func.count()).where(WixProductMapping.account_id == site.id)
                )
            started = wix.requests_made
            # Our side is read while Wix is: the crawl waits on the network most of the time.
            catalog, (products, levels) = await together(crawl(wix, progress, int(expected or 0)), here())
            outcome.catalog_version = catalog.version.value
            matches, outcome.mapping = match(catalog, products)
            if not dry_run:
                async with self._db.transaction() as session:
                    await store_mapping(session, site.id, matches)
            outcome.missing = len(outcome.mapping.missing)
            desired = {info.sku: levels[product_id] for product_id, info in matches.items()}
            outcome.checked = len(desired) if push else 0
            fresh = catalog.lookup(desired)
            if push and dry_run:
                plan_only(fresh, desired, outcome)
            elif push:
                report = await wix.update_inventory_by_sku_list(desired, fresh=fresh)
                outcome.took(report)
                await self._settle(site, items, matches, levels, report)
            outcome.requests = wix.requests_made - started

        if dry_run:
            await work()
        else:
            await self._recorded(site, outcome, work)
        return outcome

    async def _recorded(self, site: Site, outcome: SyncOutcome, work: Callable[[], Awaitable[None]]) -> None:
        run_id = await start_run(self._db, site.id, outcome.trigger)
        try:
            await work()
        except BaseException as exc:
            await finish_run(self._db, run_id, outcome, f"{type(exc).__name__}: {exc}")
            raise
        await finish_run(self._db, run_id, outcome, None)

    async def _settle(
        self,
        site: Site,
        items: list[OutboxItem],
        mapping: Mapping[int, WixProductInfo],
        levels: Mapping[int, int],
        report: UpdateReport,
    ) -> None:
        """Remember what Wix confirmed, clear those outbox rows, keep the others with their failure."""
        product_of = {info.sku: product_id for product_id, info in mapping.items()}
        failed = {product_of[sku]: why for sku, why in report.failed.items() if sku in product_of}
        confirmed = {product_of[sku] for sku in [*report.updated, *report.unchanged] if sku in product_of}
        async with self._db.transaction() as session:
            await note_pushed(session, site.id, {pid: levels[pid] for pid in confirmed}, datetime.now(UTC))
            await acknowledge(session, [item for item in items if item.product_id not in failed])
            for item in items:
                if item.product_id in failed:
                    await record_failure(session, item, failed[item.product_id])
        if report.failed:
            await self._alerts.push_failed(site.name, report.failed)
