"""WixApiService against the fake Wix over real sockets: auth, versions, paging, pushes, faults, limits."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import httpx
import pytest

from integrations.wix import (
    BatchKind,
    CatalogVersion,
    RateLimit,
    RetryPolicy,
    WixApiService,
    WixAuthError,
    WixBadRequest,
    WixCatalogVersionMismatch,
    WixError,
    WixInventoryFilter,
    WixNetworkError,
    WixNotFound,
    WixProductFilter,
    WixProtocolError,
    WixRateLimited,
    WixServerError,
)
from integrations.wix.models import ZERO_VARIANT_ID, V1IncrementEntry, V3DecrementEntry, VariantQuantity
from tests.fakes import wix as endpoints
from tests.fakes.wix import FakeWix
from tests.fakes.wix_store import V1_CATALOG, V3_CATALOG, FakeWixSite

FAST_RETRY = RetryPolicy(attempts=4, initial_wait=0.005, max_wait=0.02, jitter=0.005)
Factory = Callable[..., WixApiService]


@pytest.fixture
async def fake() -> AsyncIterator[FakeWix]:
    async with FakeWix() as server:
        yield server
        assert server.contract_violations == []


@pytest.fixture
async def make_client(fake: FakeWix) -> AsyncIterator[Factory]:
    clients: list[WixApiService] = []

    def build(site: FakeWixSite, **options: object) -> WixApiService:
        settings: dict[str, object] = {"base_url": fake.base_url, "retry": FAST_RETRY, "rate_limit": None}
        settings.update(options)
        api_key = settings.pop("api_key", site.api_key)
        client = WixApiService(api_key, site.site_id, **settings)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()


# --- auth and secrets ---------------------------------------------------------------------------------


async def test_auth_errors(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site()
    other = fake.add_site()

    with pytest.raises(WixAuthError) as missing:
        await make_client(site, api_key="").get_catalog_version()
    assert missing.value.status == 401

    with pytest.raises(WixAuthError) as unknown:
        await make_client(site, api_key="not-a-key").get_catalog_version()
    assert (unknown.value.status, unknown.value.code) == (401, "UNAUTHENTICATED")

    foreign = WixApiService(
        site.api_key, other.site_id, base_url=fake.base_url, retry=FAST_RETRY, rate_limit=None
    )
    async with foreign:
        with pytest.raises(WixAuthError) as wrong_site:
            await foreign.get_catalog_version()
    assert (wrong_site.value.status, wrong_site.value.code) == (403, "PERMISSION_DENIED")
    assert fake.count(endpoints.VERSION) == 3  # auth errors are not retried


async def test_api_key_never_appears_in_logs_errors_or_reprs(
    fake: FakeWix, make_client: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    site = fake.add_site()
    site.add_product("A", 1)
    caplog.set_level(logging.DEBUG)
    client = make_client(site)
    errors: list[BaseException] = []

    site.fail_next(2, status=503)  # retried with warnings in the log
    await client.get_wix_products_info_by_sku_list(["A"])
    site.fail_next(FAST_RETRY.attempts, status=500, endpoint=endpoints.V1_PRODUCTS_QUERY)
    with pytest.raises(WixServerError) as server_error:
        await client.query_products()
    errors.append(server_error.value)
    with pytest.raises(WixCatalogVersionMismatch) as mismatch:
        await client.query_inventory_items()
    errors.append(mismatch.value)
    bad_key = site.api_key + "-revoked"
    with pytest.raises(WixAuthError) as auth:
        await make_client(site, api_key=bad_key).get_catalog_version()
    errors.append(auth.value)

    assert "retry" in caplog.text and "/stores/v1/products/query" in caplog.text
    for secret in (site.api_key, bad_key):
        assert secret not in caplog.text
        assert secret not in repr(client) and secret not in str(vars(client))
        for error in errors:
            assert secret not in str(error) and secret not in repr(error)


# --- catalog versions ---------------------------------------------------------------------------------


async def test_version_detection_and_428_switching(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site(catalog_version=V1_CATALOG)
    site.add_product("A", 5)
    client = make_client(site)
    assert await client.get_catalog_version() is CatalogVersion.V1
    await client.get_catalog_version()
    assert fake.count(endpoints.VERSION) == 1  # remembered

    with pytest.raises(WixCatalogVersionMismatch) as mismatch:
        await client.query_inventory_items({"product.variantSku": {"$in": ["A"]}})
    assert (mismatch.value.status, mismatch.value.code) == (428, "CATALOG_V1_SITE_CALLING_CATALOG_V3_API")
    assert mismatch.value.catalog_version is CatalogVersion.V1

    # A client that remembers the wrong version switches by itself in the SKU-level methods.
    stale = make_client(site, catalog_version="V3_CATALOG")
    report = await stale.update_inventory_by_sku_list({"A": 7})
    assert report.catalog_version is CatalogVersion.V1 and stale.catalog_version is CatalogVersion.V1
    assert site.quantity("A") == 7

    # The site migrates to V3: the next call gets 428 from a V1 route and follows it.
    site.catalog_version = V3_CATALOG
    report = await stale.update_inventory_by_sku_list({"A": 9})
    assert report.catalog_version is CatalogVersion.V3 and report.updated["A"].after == 9
    assert site.quantity("A") == 9


# --- lookups and paging -------------------------------------------------------------------------------


async def test_v1_lookup_of_10000_skus_crawls_products_with_variants(
    fake: FakeWix, make_client: Factory
) -> None:
    site = fake.add_site(catalog_version=V1_CATALOG)
    site.add_products(9_900)
    for number in range(50):  # managed variants: SKUs only at variant level
        site.add_product(variants=[(f"VAR-{number:03d}-S", 1), (f"VAR-{number:03d}-M", 2)])
    site.add_product("DUP-1", 1)
    site.add_product(variants=[("DUP-1", 2), ("SOLO", 3)])
    site.add_product("HIDDEN", 1, visible=False)
    wanted = [f"SKU-{n:05d}" for n in range(1, 9_901)] + [f"VAR-{n:03d}-{s}" for n in range(50) for s in "SM"]
    client = make_client(site)

    lookup = await client.get_wix_products_info_by_sku_list(
        [*wanted, "DUP-1", "SOLO", "HIDDEN", "NOPE", "x" * 41]
    )

    assert len(lookup) == 10_002 and set(wanted) | {"SOLO", "HIDDEN"} == set(lookup)
    assert lookup["SKU-00001"].variant_id == ZERO_VARIANT_ID and lookup["SKU-00001"].current_quantity == 10
    assert lookup["VAR-007-M"].variant_id != ZERO_VARIANT_ID and lookup["VAR-007-M"].current_quantity == 2
    assert lookup.missing == ["NOPE"]
    assert [info.current_quantity for info in lookup.duplicates["DUP-1"]] == [1, 2]
    assert lookup.invalid == {"x" * 41: "longer than 40 characters"}
    products = 9_900 + 50 + 3
    assert fake.count(endpoints.V1_PRODUCTS_QUERY) == math.ceil(products / 100)
    assert lookup.requests_made == math.ceil(products / 100) + 1  # + the version check


async def test_v3_lookup_of_10000_skus_takes_one_request_per_1000(
    fake: FakeWix, make_client: Factory
) -> None:
    site = fake.add_site(catalog_version=V3_CATALOG)
    site.add_products(10_000)
    client = make_client(site, catalog_version=CatalogVersion.V3)
    skus = [f"SKU-{n:05d}" for n in range(1, 10_001)]

    lookup = await client.get_wix_products_info_by_sku_list(skus)

    assert len(lookup) == 10_000 and not lookup.missing and not lookup.duplicates
    info = lookup["SKU-04242"]
    assert info.revision == "1" and info.inventory_item_id == site.variant("SKU-04242").item_id
    assert lookup.requests_made == fake.count(endpoints.V3_ITEMS_QUERY) == 10


async def test_known_mapping_lets_v1_read_only_those_products(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site()
    site.add_products(1_000)
    client = make_client(site, catalog_version="V1_CATALOG")
    full = await client.get_wix_products_info_by_sku_list(["SKU-00010", "SKU-00020"])
    fake.clear_log()

    lookup = await client.get_wix_products_info_by_sku_list(["SKU-00010", "SKU-00020"], known=full)
    assert dict(lookup) == dict(full) and fake.count() == 1

    stale = {"SKU-00010": full["SKU-00020"]}  # a mapping that no longer holds falls back to the crawl
    lookup = await client.get_wix_products_info_by_sku_list(["SKU-00010"], known=stale)
    assert lookup["SKU-00010"] == full["SKU-00010"] and fake.count() == 1 + 1 + 10


async def test_v1_low_level_queries_and_writes(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site()
    simple = site.add_product("SIMPLE", 4)
    managed = site.add_product(variants=[("M-1", 1), ("M-2", 2)])
    site.add_products(250, prefix="BULK-")
    client = make_client(site)

    by_sku = await client.get_products_by_skus(["SIMPLE", "M-1", " bad "])
    assert [p.id for p in by_sku] == [simple.id]  # variant SKUs are invisible to V1's sku filter
    page = await client.query_products(WixProductFilter(skus=["SIMPLE"]), include_variants=True)
    assert page.total_results == 1 and page.products[0].variants[0].id == ZERO_VARIANT_ID

    inventory = [item async for item in client.iter_inventory(WixInventoryFilter(product_ids=[managed.id]))]
    assert [v.quantity for v in inventory[0].variants] == [1, 2]
    assert len([item async for item in client.iter_inventory()]) == 252

    variant_ids = [v.id for v in managed.variants]
    await client.update_inventory(managed.id, [VariantQuantity(variant_id=variant_ids[1], quantity=20)])
    assert site.quantity("M-2") == 20 and site.quantity("M-1") == 1  # tracking kept: trackQuantity sent
    await client.increment_inventory(
        [V1IncrementEntry(product_id=simple.id, variant_id=ZERO_VARIANT_ID, increment_by=3)]
    )
    assert site.quantity("SIMPLE") == 7
    with pytest.raises(ValueError, match="1 to 300"):
        await client.increment_inventory([])

    with pytest.raises(WixBadRequest) as bad:
        await client.query_products({"warehouse": "x"})
    assert bad.value.field_violations[0].field == "warehouse"
    with pytest.raises(WixNotFound):
        await client.update_inventory("no-such-product", [])


# --- pushing levels -----------------------------------------------------------------------------------


async def test_v1_update_makes_exactly_the_minimum_requests(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site()
    site.add_products(1_500, quantity=10)
    site.add_product("UNTRACKED", 0, track=False)
    levels = {f"SKU-{n:05d}": 10 + (n % 3 == 0) * 5 - (n % 3 == 1) * 4 for n in range(1, 1_501)}
    increments = sum(1 for level in levels.values() if level > 10)
    decrements = sum(1 for level in levels.values() if level < 10)
    client = make_client(site, catalog_version="V1_CATALOG")

    report = await client.update_inventory_by_sku_list(
        {**levels, "UNTRACKED": 3, "GHOST": 1, "": 2, "A\tB": 1}
    )

    reads = math.ceil(1_501 / 100)
    assert (
        report.requests_made
        == reads + math.ceil(increments / 300) + math.ceil(decrements / 300)
        == 16 + 2 + 2
    )
    assert (
        fake.count(endpoints.V2_INVENTORY_INCREMENT) == 2
        and fake.count(endpoints.V2_INVENTORY_DECREMENT) == 2
    )
    assert len(report.updated) == increments + decrements and len(report.unchanged) == 500
    assert report.missing == ["GHOST"]
    assert set(report.failed) == {"UNTRACKED", "", "A\tB"}
    assert all(site.quantity(sku) == level for sku, level in levels.items())
    assert report.updated["SKU-00003"].before == 10 and report.updated["SKU-00003"].after == 15


async def test_v3_update_makes_exactly_the_minimum_requests(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site(catalog_version=V3_CATALOG)
    site.add_products(2_500, quantity=10)
    levels = {f"SKU-{n:05d}": 10 + (n % 2) for n in range(1, 2_501)}
    client = make_client(site, catalog_version="V3_CATALOG")

    report = await client.update_inventory_by_sku_list(levels)

    changed = sum(1 for level in levels.values() if level != 10)
    assert report.requests_made == math.ceil(2_500 / 1000) + math.ceil(changed / 1000) == 3 + 2
    assert len(report.updated) == changed and not report.failed
    assert all(site.quantity(sku) == level for sku, level in levels.items())
    assert site.variant("SKU-00001").revision == 2 and site.variant("SKU-00002").revision == 1


async def test_v1_sale_between_read_and_write_is_kept(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site()
    site.add_product("A", 10)
    site.add_product("B", 10)
    site.on_next_write(lambda s: (s.sell("A", 2), s.sell("B", 1)))
    client = make_client(site)

    report = await client.update_inventory_by_sku_list({"A": 15, "B": 4})

    assert site.quantity("A") == 13 and site.quantity("B") == 3  # our +5 / -6 on top of Wix's sales
    assert report.updated["A"].before == 10 and report.updated["A"].after == 15


async def test_v3_sale_between_read_and_write_is_handled_by_revision(
    fake: FakeWix, make_client: Factory
) -> None:
    site = fake.add_site(catalog_version=V3_CATALOG)
    site.add_product("A", 10)
    site.add_product("B", 10)
    site.on_next_write(lambda s: s.sell("A", 2))
    client = make_client(site)

    report = await client.update_inventory_by_sku_list({"A": 15, "B": 12})

    assert site.quantity("A") == 13 and site.quantity("B") == 12
    assert report.updated["A"].after == 13 and not report.failed
    assert fake.count(endpoints.V3_BULK_UPDATE) == 2 and fake.count(endpoints.V3_ITEMS_QUERY) == 2


async def test_per_item_failures_inside_a_200_are_reported(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site(catalog_version=V3_CATALOG)
    for sku in ("OK", "UNTRACK", "GONE"):
        site.add_product(sku, 5)

    def meddle(s: FakeWixSite) -> None:
        s.variant("UNTRACK").track = False
        del s.items_by_id[s.variant("GONE").item_id]

    site.on_next_write(meddle)
    client = make_client(site)
    report = await client.update_inventory_by_sku_list({"OK": 6, "UNTRACK": 6, "GONE": 6})

    assert list(report.updated) == ["OK"]
    assert report.failed["UNTRACK"].startswith("INVENTORY_QUANTITY_NOT_TRACKED")
    assert report.failed["GONE"].startswith("NOT_FOUND")

    item_id = site.variant("OK").item_id
    result = await client.bulk_decrement_inventory_items(
        [V3DecrementEntry(inventory_item_id=item_id, decrement_by=99)]
    )
    assert [failure.error.code for failure in result.failures if failure.error] == ["INSUFFICIENT_INVENTORY"]
    assert result.bulk_action_metadata.total_failures == 1 and site.quantity("OK") == 6


async def test_5xx_on_big_batches_halves_them_and_finishes(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site()
    site.add_products(1_000, quantity=50)
    site.fail_batches_over(endpoints.V2_INVENTORY_INCREMENT, 40)
    site.fail_batches_over(endpoints.V2_INVENTORY_DECREMENT, 40)
    levels = {f"SKU-{n:05d}": 50 + (1 if n % 2 else -1) * (n % 7 + 1) for n in range(1, 1_001)}
    client = make_client(site, catalog_version="V1_CATALOG")

    report = await client.update_inventory_by_sku_list(levels)

    assert not report.failed and len(report.updated) == 1_000
    assert all(site.quantity(sku) == level for sku, level in levels.items())  # nothing counted twice
    assert client.effective_batch_size[BatchKind.V1_INCREMENT] <= 40
    assert client.effective_batch_size["v1_decrement"] <= 40
    assert fake.count(endpoints.V2_INVENTORY_INCREMENT, status=500) >= 3

    # The size learned can be stored and passed back: the next run needs no failures.
    fake.clear_log()
    again = make_client(site, catalog_version="V1_CATALOG", batch_sizes=client.effective_batch_size)
    await again.update_inventory_by_sku_list({sku: level + 1 for sku, level in levels.items()})
    assert fake.count(status=500) == 0 and fake.count(endpoints.V2_INVENTORY_INCREMENT) == math.ceil(
        1_000 / again.effective_batch_size["v1_increment"]
    )


async def test_v3_halving_on_reads_and_bulk_updates(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site(catalog_version=V3_CATALOG)
    site.add_products(1_200, quantity=1)
    site.fail_batches_over(endpoints.V3_ITEMS_QUERY, 300)
    site.fail_batches_over(endpoints.V3_BULK_UPDATE, 400)
    client = make_client(site, catalog_version="V3_CATALOG")

    report = await client.update_inventory_by_sku_list({f"SKU-{n:05d}": 2 for n in range(1, 1_201)})

    assert len(report.updated) == 1_200 and not report.failed
    assert client.effective_batch_size["v3_inventory_query"] == 250
    assert client.effective_batch_size["v3_bulk_update"] == 250
    assert all(site.variant(f"SKU-{n:05d}").quantity == 2 for n in range(1, 1_201))


async def test_a_write_whose_answer_was_lost_is_not_applied_twice(
    fake: FakeWix, make_client: Factory
) -> None:
    site = fake.add_site()
    site.add_products(10, quantity=5)
    site.fail_next(1, status=500, endpoint=endpoints.V2_INVENTORY_INCREMENT, after_apply=True)
    client = make_client(site)

    report = await client.update_inventory_by_sku_list({f"SKU-{n:05d}": 8 for n in range(1, 11)})

    assert all(site.quantity(f"SKU-{n:05d}") == 8 for n in range(1, 11)) and len(report.updated) == 10
    assert fake.count(endpoints.V2_INVENTORY_INCREMENT) == 1  # the re-read showed it had landed


async def test_a_rejected_batch_is_bisected_to_the_bad_item(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site()
    site.add_products(8, quantity=5)
    site.on_next_write(lambda s: setattr(s.variant("SKU-00003"), "track", False))
    client = make_client(site)

    report = await client.update_inventory_by_sku_list({f"SKU-{n:05d}": 9 for n in range(1, 9)})

    assert set(report.failed) == {"SKU-00003"} and "INVENTORY_NOT_TRACKED" in report.failed["SKU-00003"]
    assert len(report.updated) == 7 and site.quantity("SKU-00008") == 9


# --- limits, retries, failures ------------------------------------------------------------------------


async def test_429_is_retried_with_backoff(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site(rate_limit=3, rate_window=0.2)
    site.add_product("A", 1)
    patient = RetryPolicy(attempts=12, initial_wait=0.02, max_wait=0.1, jitter=0.01)
    client = make_client(site, retry=patient)

    for _ in range(8):
        await client.query_products()

    assert fake.count(endpoints.V1_PRODUCTS_QUERY, status=200) == 8
    assert fake.count(status=429) >= 1

    # With Retry-After honoured, one 429 is enough; exponential waits of ~1 ms would hit it again and again.
    site.rate_limit, site.rate_window, site.retry_after = 1, 0.3, 0.3
    polite = make_client(site, retry=RetryPolicy(attempts=5, initial_wait=0.001, max_wait=1.0, jitter=0))
    await polite.query_products()
    refused = fake.count(status=429)
    started = time.monotonic()
    await polite.query_products()
    assert fake.count(status=429) == refused + 1 and time.monotonic() - started >= 0.3

    hopeless = make_client(site, retry=RetryPolicy(attempts=2, initial_wait=0.001, max_wait=0.001, jitter=0))
    site.rate_window, site.retry_after = 5.0, None
    with pytest.raises(WixRateLimited):
        await hopeless.query_products()


async def test_client_rate_limiter_spaces_requests(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site(rate_limit=None)
    limit = RateLimit(requests=10, per_seconds=0.25, burst=2)
    client = make_client(site, rate_limit=limit)
    started = time.monotonic()

    for _ in range(14):
        await client.get_catalog_version(refresh=True)

    elapsed = time.monotonic() - started
    assert elapsed >= (14 - 2) / limit.refill_per_second * 0.95
    arrivals = [record.at for record in fake.requests]
    busiest = max(sum(1 for t in arrivals if start <= t < start + 0.25) for start in arrivals)
    assert busiest <= 10 + 1  # one request of slack for delivery jitter


async def test_server_errors_timeouts_and_garbage(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site()
    site.add_product("A", 1)
    client = make_client(site)

    site.fail_next(2, status=502)
    assert (await client.query_products()).total_results == 1  # retried
    site.fail_next(4, status=503)
    with pytest.raises(WixServerError) as server_error:
        await client.query_products()
    assert server_error.value.status == 503 and server_error.value.message == ""

    site.garbage_next(1)
    with pytest.raises(WixProtocolError):
        await client.query_products()

    site.latency = 0.3
    slow = make_client(site, timeout=0.05, retry=RetryPolicy(attempts=2, initial_wait=0.001, max_wait=0.001))
    with pytest.raises(WixNetworkError) as timeout:
        await slow.query_products()
    assert timeout.value.maybe_applied
    site.latency = 0

    with pytest.raises(WixNotFound):
        await client.get_order("no-such-order")
    assert isinstance(server_error.value, WixError)


# --- orders -------------------------------------------------------------------------------------------


async def test_orders_search_pages_and_filters(fake: FakeWix, make_client: Factory) -> None:
    site = fake.add_site()
    site.add_product("A", 100)
    first = site.add_order([("A", 1)])
    orders = [site.add_order([("A", 1), ("B-UNKNOWN", 2)]) for _ in range(230)]
    site.add_order([("A", 1)], status="INITIALIZED")
    client = make_client(site)

    fake.clear_log()
    found = [order async for order in client.iter_orders(created_after=first.created)]
    assert [order.id for order in found] == [order.id for order in orders]  # oldest first, no INITIALIZED
    assert fake.count(endpoints.ORDERS_SEARCH) == 3
    assert found[0].line_items[0].sku == "A" and found[0].line_items[1].sku == "B-UNKNOWN"
    assert found[0].line_items[0].catalog_reference and found[0].line_items[0].catalog_reference.variant_id

    canceled = site.update_order(orders[5].id, status="CANCELED")
    changed = [order async for order in client.iter_orders(updated_after=orders[-1].updated)]
    assert [(order.id, order.status) for order in changed] == [(canceled.id, "CANCELED")]
    again = [o async for o in client.iter_orders(created_after=orders[-1].created, inclusive=True)]
    assert [order.id for order in again] == [orders[-1].id]

    newest = await client.search_orders(limit=2)
    assert [o.number for o in newest.orders] == [str(orders[-1].number), str(orders[-2].number)]
    assert newest.metadata.next_cursor
    assert (await client.get_order(first.id)).created_date == first.created
    assert orders[0].created - first.created >= timedelta(milliseconds=1)


# --- the fake's contract check ------------------------------------------------------------------------


async def test_the_fake_records_requests_that_break_the_contract(fake: FakeWix) -> None:
    site = fake.add_site()
    site.add_product("A", 1)
    headers = {"Authorization": site.api_key, "wix-site-id": site.site_id}
    async with httpx.AsyncClient(base_url=fake.base_url, headers=headers) as http:
        body = {"incrementData": [{"inventoryItemId": "x", "variantId": ZERO_VARIANT_ID, "incrementBy": 1}]}
        await http.post("/stores/v2/inventoryItems/increment", json=body)
        await http.post("/stores/v1/products/query", json={"query": {"filter": {"sku": "A"}}})
    assert fake.contract_violations == [
        "Increment Inventory: incrementData[0]: unknown field inventoryItemId",
        "Query Products: query.filter: expected string, got dict",
    ]
    fake.contract_violations.clear()
