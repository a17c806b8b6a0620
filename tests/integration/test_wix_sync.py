"""Central stock → Wix over real sockets on both catalog versions: reconcile at the API's minimum,
outbox pushes acknowledged only for what Wix confirmed, sales in between kept, faults survived."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from domain.db import Database
from domain.models import Product, WixAccount, WixProductMapping
from integrations.wix.channel import WixChannel
from integrations.wix.models import CatalogVersion
from tests.fakes import wix as endpoints
from tests.fakes.wix import FakeWix
from tests.fakes.wix_store import V1_CATALOG, V3_CATALOG, FakeWixSite
from tests.integration.wix_support import (
    RecordingNotifier,
    available,
    connect,
    outbox,
    receive,
    seed_products,
    sync_runs,
    write_off,
)

SKUS = 10_000
CHANGED = SKUS // 10

pytest_plugins = ("tests.integration.wix_fixtures",)


def _skus(count: int) -> list[str]:
    return [f"SKU-{number:05d}" for number in range(1, count + 1)]


async def _mappings(db: Database, account_id: int) -> dict[int, WixProductMapping]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(WixProductMapping).where(WixProductMapping.account_id == account_id)
        )
        return {row.product_id: row for row in rows}


async def _account(db: Database, account_id: int) -> WixAccount:
    async with db.sessions() as session:
        account = await session.get(WixAccount, account_id)
        assert account is not None
        return account


def _requests(fake: FakeWix, site: FakeWixSite) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in fake.requests:
        if record.site_id == site.site_id:
            counts[record.endpoint] = counts.get(record.endpoint, 0) + 1
    return counts


# --- full reconcile at the API's minimum ----------------------------------------------------------


@pytest.mark.parametrize("version", [V1_CATALOG, V3_CATALOG])
async def test_reconcile_of_10000_skus_makes_the_minimum_requests(
    db: Database, fake_wix: FakeWix, channel: WixChannel, version: str
) -> None:
    site = fake_wix.add_site(catalog_version=version, rate_limit=None)
    site.add_products(SKUS, quantity=10)
    shop = await connect(channel, site)
    levels = dict.fromkeys(_skus(SKUS), 10)
    ups, downs = _skus(CHANGED // 2), _skus(CHANGED)[CHANGED // 2 :]
    levels.update(dict.fromkeys(ups, 13))
    levels.update(dict.fromkeys(downs, 6))
    ids = await seed_products(db, levels)
    fake_wix.clear_log()
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    report = await channel.reconcile(shop.id, progress)

    if version == V1_CATALOG:
        minimum = {
            endpoints.V1_PRODUCTS_QUERY: math.ceil(SKUS / 100),
            endpoints.V2_INVENTORY_INCREMENT: math.ceil(len(ups) / 300),
            endpoints.V2_INVENTORY_DECREMENT: math.ceil(len(downs) / 300),
        }
    else:
        minimum = {endpoints.V3_ITEMS_QUERY: math.ceil(SKUS / 1000), endpoints.V3_BULK_UPDATE: 1}
    assert _requests(fake_wix, site) == {endpoints.ORDERS_SEARCH: 1, **minimum}
    assert (report.checked, report.updated, report.unchanged, report.missing, report.failed) == (
        SKUS,
        CHANGED,
        SKUS - CHANGED,
        0,
        0,
    )
    assert report.error is None and report.problem_skus == {}
    assert (
        site.quantity("SKU-00001") == 13
        and site.quantity(downs[-1]) == 6
        and site.quantity("SKU-09999") == 10
    )
    assert seen[-1] == (SKUS, SKUS)
    mappings = await _mappings(db, shop.id)
    assert len(mappings) == SKUS and mappings[ids["SKU-00001"]].last_pushed_quantity == 13
    [run] = await sync_runs(db, shop.id)
    assert (run.trigger, run.status, run.checked, run.updated, run.unchanged) == (
        "manual",
        "done",
        SKUS,
        CHANGED,
        SKUS - CHANGED,
    )
    assert run.details["requests"] == sum(minimum.values()) and run.finished_at is not None

    fake_wix.clear_log()
    again = await channel.reconcile(shop.id, trigger="cli")
    reads = {endpoint: count for endpoint, count in minimum.items() if "query" in endpoint}
    assert _requests(fake_wix, site) == {endpoints.ORDERS_SEARCH: 1, **reads}
    assert (again.updated, again.unchanged) == (0, SKUS)
    assert [run.trigger for run in await sync_runs(db, shop.id)] == ["manual", "cli"]


async def test_reconcile_reports_missing_duplicated_and_unknown_skus(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    site.add_product(variants=[("TEE-S", 1), ("TEE-M", 2)])
    site.add_product("TWICE", 1)
    site.add_product(variants=[("TWICE", 2), ("ONLY-WIX", 3)])
    site.add_product("UNTRACKED", 4, track=False)
    shop = await connect(channel, site)
    await seed_products(db, {"mug": 5, "TEE-S": 3, "TEE-M": 2, "TWICE": 1, "UNTRACKED": 4, "ONLY-HERE": 9})

    report = await channel.reconcile(shop.id)

    assert (report.checked, report.updated, report.unchanged, report.missing, report.failed) == (
        4,
        1,
        2,
        1,
        1,
    )
    assert report.problem_skus == {
        "ONLY-HERE": "not in Wix",
        "TWICE": "held by 2 Wix variants",
        "ONLY-WIX": "in Wix, not here",
        "UNTRACKED": "Wix does not track this item's quantity",
    }
    assert site.quantity("TEE-S") == 3 and [v.quantity for v in site.variants_by_sku["TWICE"]] == [1, 2]
    stored = await channel.mapping_report(shop.id)
    assert stored is not None and stored.at is not None
    assert (stored.report.missing, stored.report.duplicates, stored.report.unknown) == (
        ["ONLY-HERE"],
        {"TWICE": 2},
        ["ONLY-WIX"],
    )
    assert (stored.report.mapped, stored.missing_count, stored.report.catalog_version) == (4, 1, "V1_CATALOG")
    [run] = await sync_runs(db, shop.id)
    assert run.status == "partial" and run.details["failed"] == {
        "UNTRACKED": "Wix does not track this item's quantity"
    }


async def test_refresh_mapping_sends_no_stock(db: Database, fake_wix: FakeWix, channel: WixChannel) -> None:
    site = fake_wix.add_site(catalog_version=V3_CATALOG)
    site.add_product("MUG", 5)
    site.add_product("ONLY-WIX", 5)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 2, "ONLY-HERE": 1})

    report = await channel.refresh_mapping(shop.id)

    assert (report.mapped, report.missing, report.unknown) == (1, ["ONLY-HERE"], ["ONLY-WIX"])
    assert site.quantity("MUG") == 5 and fake_wix.count(endpoints.V3_BULK_UPDATE) == 0
    mapping = (await _mappings(db, shop.id))[ids["MUG"]]
    assert (mapping.sku, mapping.inventory_item_id) == ("MUG", site.variant("MUG").item_id)
    assert [(run.trigger, run.status, run.updated) for run in await sync_runs(db, shop.id)] == [
        ("map", "done", 0)
    ]


async def test_a_dry_run_writes_nothing_anywhere(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    site.add_product("PLATE", 1)
    shop = await connect(channel, site)
    await seed_products(db, {"MUG": 8, "PLATE": 1})

    outcome = await channel.sync_site(shop.id, trigger="cli", dry_run=True)

    assert outcome.changes == {"MUG": (5, 8)} and (outcome.updated, outcome.unchanged) == (1, 1)
    assert site.quantity("MUG") == 5
    assert await sync_runs(db, shop.id) == [] and await _mappings(db, shop.id) == {}
    assert fake_wix.count(endpoints.ORDERS_SEARCH) == 0


@pytest.mark.parametrize("products", [1, 100, 101, 250, 1001])
async def test_the_v1_crawl_from_both_ends_reads_each_product_once_in_the_fewest_pages(
    db: Database, fake_wix: FakeWix, channel: WixChannel, products: int
) -> None:
    site = fake_wix.add_site(rate_limit=None)
    site.add_products(products)
    shop = await connect(channel, site)
    await seed_products(db, dict.fromkeys(_skus(products), 10))

    report = await channel.refresh_mapping(shop.id)

    assert (report.mapped, report.missing, report.unknown) == (products, [], [])
    assert fake_wix.count(endpoints.V1_PRODUCTS_QUERY) == math.ceil(products / 100)


async def test_the_v1_crawl_survives_halving_and_a_catalog_changing_under_it(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site(rate_limit=None)
    site.add_products(1_000)
    shop = await connect(channel, site)
    await seed_products(db, dict.fromkeys(_skus(1_000), 10))
    site.fail_batches_over(endpoints.V1_PRODUCTS_QUERY, 40)
    doomed = site.products[500]
    edits: list[int] = []

    async def merchant(done: int, total: int) -> None:  # halfway: removes an unread product, adds one
        if not edits:
            edits.append(done)
            site.products.remove(doomed)
            site.numeric_ids.remove(doomed.numeric_id)
            del site.products_by_id[doomed.id]
            site.variants_by_sku.pop(doomed.sku)
            site.add_product("ADDED", 1)

    report = await channel.refresh_mapping(shop.id, merchant)

    assert edits == [500]
    assert report.missing == [doomed.sku] and report.mapped == 999
    assert (await _account(db, shop.id)).batch_sizes["v1_product_query"] <= 40
    assert fake_wix.count(endpoints.V1_PRODUCTS_QUERY, status=200) <= math.ceil(1_000 / 25) + 1


# --- outbox pushes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [V1_CATALOG, V3_CATALOG])
async def test_outbox_push_sends_levels_and_clears_what_wix_confirmed(
    db: Database, fake_wix: FakeWix, channel: WixChannel, version: str
) -> None:
    site = fake_wix.add_site(catalog_version=version)
    for sku in ("MUG", "PLATE", "BOWL"):
        site.add_product(sku, 5)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 5, "PLATE": 5, "BOWL": 5, "LOCAL": 1})
    await channel.refresh_mapping(shop.id)
    await receive(db, ids["MUG"], 3)
    await write_off(db, ids["PLATE"], 2)
    await receive(db, ids["LOCAL"], 1)  # not in Wix: nothing to tell
    assert set(await outbox(db, shop.id)) == {ids["MUG"], ids["PLATE"], ids["LOCAL"]}
    fake_wix.clear_log()

    counts = await channel.push_stock(shop.id)

    assert (counts.processed, counts.changed, counts.failed, counts.notes["missing"]) == (2, 2, 0, 1)
    assert (site.quantity("MUG"), site.quantity("PLATE"), site.quantity("BOWL")) == (8, 3, 5)
    assert await outbox(db, shop.id) == {}
    mappings = await _mappings(db, shop.id)
    assert (mappings[ids["MUG"]].last_pushed_quantity, mappings[ids["BOWL"]].last_pushed_quantity) == (
        8,
        None,
    )
    writes = {endpoints.V2_INVENTORY_INCREMENT, endpoints.V2_INVENTORY_DECREMENT, endpoints.V3_BULK_UPDATE}
    assert sum(count for endpoint, count in _requests(fake_wix, site).items() if endpoint in writes) == (
        2 if version == V1_CATALOG else 1
    )
    runs = await sync_runs(db, shop.id)
    assert [(run.trigger, run.status, run.checked, run.updated, run.missing) for run in runs[-1:]] == [
        ("outbox", "done", 2, 2, 1)
    ]

    idle = await channel.push_stock(shop.id)
    assert (idle.processed, idle.changed) == (0, 0) and len(await sync_runs(db, shop.id)) == len(runs)


async def test_the_first_push_to_a_new_site_maps_it_with_a_full_sync(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    site.add_product("PLATE", 5)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 5, "PLATE": 2})
    await receive(db, ids["MUG"], 1)

    counts = await channel.push_stock(shop.id)

    assert (counts.processed, counts.changed) == (2, 2)
    assert (site.quantity("MUG"), site.quantity("PLATE")) == (6, 2)
    assert await outbox(db, shop.id) == {} and len(await _mappings(db, shop.id)) == 2
    await receive(db, ids["PLATE"], 1)
    await channel.push_stock(shop.id)
    assert site.quantity("PLATE") == 3
    assert [run.trigger for run in await sync_runs(db, shop.id)] == ["reconcile", "outbox"]


async def test_a_product_whose_sku_was_edited_is_not_pushed_to_its_old_listing(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 5})
    await channel.refresh_mapping(shop.id)
    async with db.transaction() as session:
        product = await session.get(Product, ids["MUG"])
        assert product is not None
        product.sku, product.sku_key = "CUP", "CUP"
    await receive(db, ids["MUG"], 3)

    counts = await channel.push_stock(shop.id)

    assert (counts.changed, counts.notes["missing"]) == (0, 1) and site.quantity("MUG") == 5
    report = await channel.reconcile(shop.id)
    assert report.problem_skus == {"CUP": "not in Wix", "MUG": "in Wix, not here"}
    assert await _mappings(db, shop.id) == {}


async def test_only_confirmed_items_leave_the_outbox(
    db: Database, fake_wix: FakeWix, channel: WixChannel, notifier: RecordingNotifier
) -> None:
    site = fake_wix.add_site(catalog_version=V3_CATALOG)
    for sku in ("MUG", "PLATE", "BOWL"):
        site.add_product(sku, 5)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 5, "PLATE": 5, "BOWL": 5})
    await channel.refresh_mapping(shop.id)
    for sku in ("MUG", "PLATE", "BOWL"):
        await receive(db, ids[sku], 1)

    def stop_tracking(wix: FakeWixSite) -> None:  # a merchant switches tracking off as we write
        wix.variant("PLATE").track = False

    site.on_next_write(stop_tracking)
    counts = await channel.push_stock(shop.id)

    assert (counts.changed, counts.failed) == (2, 1)
    rows = await outbox(db, shop.id)
    assert set(rows) == {ids["PLATE"]}
    assert rows[ids["PLATE"]].attempts == 1 and "INVENTORY_QUANTITY_NOT_TRACKED" in (
        rows[ids["PLATE"]].last_error or ""
    )
    [alert] = notifier.of("push_failed")
    assert (alert["site"], alert["count"], alert["skus"]) == ("shop", 1, "PLATE")
    assert (await sync_runs(db, shop.id))[-1].status == "partial"

    site.variant("PLATE").track = True
    await channel.push_stock(shop.id)
    assert await outbox(db, shop.id) == {} and site.quantity("PLATE") == 6


async def test_a_change_made_during_a_push_is_pushed_next_time(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 5})
    await channel.refresh_mapping(shop.id)
    await receive(db, ids["MUG"], 1)

    async def staff_receives(_: FakeWixSite) -> None:
        await receive(db, ids["MUG"], 4)

    site.on_next_write(staff_receives)
    await channel.push_stock(shop.id)
    assert site.quantity("MUG") == 6 and set(await outbox(db, shop.id)) == {ids["MUG"]}

    await channel.push_stock(shop.id)
    assert site.quantity("MUG") == 10 and await outbox(db, shop.id) == {}


@pytest.mark.parametrize("version", [V1_CATALOG, V3_CATALOG])
async def test_a_wix_sale_between_our_read_and_our_write_is_not_overwritten(
    db: Database, fake_wix: FakeWix, channel: WixChannel, version: str
) -> None:
    site = fake_wix.add_site(catalog_version=version)
    site.add_product("MUG", 10)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 10})
    await channel.refresh_mapping(shop.id)
    await write_off(db, ids["MUG"], 2)  # ours 8: Wix is to go down by 2

    def wix_sale(wix: FakeWixSite) -> None:
        wix.sell("MUG", 1)

    site.on_next_write(wix_sale)
    await channel.push_stock(shop.id)
    assert site.quantity("MUG") == 7  # 10 - 1 sold - 2 ours: the sale was not overwritten

    await channel.push_stock(shop.id)  # imports that sale, then finds both sides at 7
    assert await available(db, ids["MUG"]) == 7 and site.quantity("MUG") == 7
    assert await outbox(db, shop.id) == {}


# --- faults ------------------------------------------------------------------------------------------


async def test_a_5xx_storm_halves_batches_finishes_and_remembers_the_size(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site(rate_limit=None)
    site.add_products(1_000, quantity=10)
    shop = await connect(channel, site)
    ids = await seed_products(db, dict.fromkeys(_skus(1_000), 11))
    site.fail_batches_over(endpoints.V2_INVENTORY_INCREMENT, 60)

    report = await channel.reconcile(shop.id)

    assert (report.updated, report.failed) == (1_000, 0)
    assert all(site.quantity(sku) == 11 for sku in _skus(1_000))
    remembered = (await _account(db, shop.id)).batch_sizes["v1_increment"]
    assert remembered <= 60
    assert fake_wix.count(endpoints.V2_INVENTORY_INCREMENT, status=500) > 0

    fake_wix.clear_log()
    await receive(db, list(ids.values())[:100], 1)
    await channel.push_stock(shop.id)
    assert fake_wix.count(endpoints.V2_INVENTORY_INCREMENT, status=500) == 0  # starts at the size that worked
    assert fake_wix.count(endpoints.V2_INVENTORY_INCREMENT) == math.ceil(100 / remembered)


async def test_one_site_failing_does_not_stop_another(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    good = fake_wix.add_site()
    revoked = fake_wix.add_site()
    broken = fake_wix.add_site()
    for site in (good, revoked, broken):
        site.add_product("MUG", 1)
    shops = {
        name: await connect(channel, site, name)
        for name, site in [("good", good), ("revoked", revoked), ("broken", broken)]
    }
    ids = await seed_products(db, {"MUG": 1})
    for shop in shops.values():
        await channel.refresh_mapping(shop.id)
    await receive(db, ids["MUG"], 4)
    revoked.api_key = "IST.revoked"
    broken.fail_next(100, status=503)

    results: dict[str, int | str] = {}
    for name, shop in shops.items():
        try:
            results[name] = (await channel.push_stock(shop.id)).changed
        except Exception as exc:
            results[name] = type(exc).__name__

    assert results == {"good": 1, "revoked": "WixAuthError", "broken": "WixServerError"}
    assert good.quantity("MUG") == 5 and broken.quantity("MUG") == 1
    assert (await _account(db, shops["good"].id)).last_error is None
    assert "401" in ((await _account(db, shops["revoked"].id)).last_error or "")
    assert set(await outbox(db, shops["broken"].id)) == {ids["MUG"]}  # kept for the next push
    broken_runs = await sync_runs(db, shops["broken"].id)
    assert all(run.status != "running" for run in broken_runs)


async def test_a_site_that_moved_to_catalog_v3_is_rechecked_on_428(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site(catalog_version=V1_CATALOG)
    site.add_product("MUG", 1)
    shop = await connect(channel, site)
    await seed_products(db, {"MUG": 4})
    site.catalog_version = V3_CATALOG

    report = await channel.reconcile(shop.id)

    assert (report.updated, report.error) == (1, None) and site.quantity("MUG") == 4
    assert (await _account(db, shop.id)).catalog_version == CatalogVersion.V3.value
    assert fake_wix.count(endpoints.VERSION, site=site) == 2  # when added, and after the 428
