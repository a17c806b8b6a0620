"""Wix orders → central stock over real sockets: each line once, cancels, unknown SKUs, oversells."""

from __future__ import annotations

from sqlalchemy import select

from domain.db import Database
from domain.models import Operation, OperationType, OrderLineState, Stock
from integrations.wix.channel import WixChannel
from tests.fakes import wix as endpoints
from tests.fakes.wix import FakeWix
from tests.integration.wix_support import (
    RecordingNotifier,
    available,
    connect,
    make_channel,
    order_lines,
    outbox,
    seed_products,
    warehouse_id,
)

pytest_plugins = ("tests.integration.wix_fixtures",)


async def _operations(db: Database) -> list[Operation]:
    async with db.sessions() as session:
        return list(await session.scalars(select(Operation).order_by(Operation.id)))


async def test_an_approved_order_is_deducted_once_across_warehouses(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 10)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 2})
    shop_wh = await warehouse_id(db, "SHOP")
    async with db.transaction() as session:
        session.add(Stock(product_id=ids["MUG"], warehouse_id=shop_wh, on_hand=5, reserved=0))
    order = site.sell("MUG", 4)
    assert order is not None

    counts = await channel.pull_orders(shop.id)
    again = await channel.pull_orders(shop.id)

    assert (counts.processed, counts.changed, counts.stock_changed) == (1, 1, True)
    assert (again.changed, again.stock_changed) == (0, False)
    assert await available(db, ids["MUG"]) == 3
    [line] = await order_lines(db, shop.id)
    assert (line.order_id, line.state, line.sku, line.quantity, line.shortage) == (
        order.id,
        OrderLineState.DEDUCTED,
        "MUG",
        4,
        0,
    )
    main_wh = await warehouse_id(db)
    assert line.allocations == {str(main_wh): 2, str(shop_wh): 2}  # the first warehouse first
    sales = [op for op in await _operations(db) if op.type is OperationType.SALE]
    assert [(op.actor, op.quantity_delta, op.external_ref) for op in sales] == [
        ("wix:shop", -2, order.id),
        ("wix:shop", -2, order.id),
    ]


async def test_orders_are_imported_exactly_once_across_restarts(
    db: Database, fake_wix: FakeWix, notifier: RecordingNotifier
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 100)
    first = make_channel(db, fake_wix, notifier)
    shop = await connect(first, site)
    ids = await seed_products(db, {"MUG": 100})
    for _ in range(5):
        site.sell("MUG", 1)
    await first.pull_orders(shop.id)
    await first.aclose()

    site.sell("MUG", 2)
    for _ in range(3):  # three restarts: new channels on the same database
        restarted = make_channel(db, fake_wix, notifier)
        await restarted.pull_orders(shop.id)
        await restarted.push_stock(shop.id)
        await restarted.aclose()

    assert await available(db, ids["MUG"]) == 93
    lines = await order_lines(db, shop.id)
    assert len(lines) == 6 and {line.state for line in lines} == {OrderLineState.DEDUCTED}
    assert len([op for op in await _operations(db) if op.type is OperationType.SALE]) == 6


async def test_a_big_backlog_is_applied_in_batches(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site(rate_limit=None)
    site.add_product("MUG", 1000)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 1000})
    for _ in range(250):
        site.sell("MUG", 1)

    counts = await channel.pull_orders(shop.id)

    assert (counts.processed, counts.changed) == (250, 250)
    assert await available(db, ids["MUG"]) == 750
    assert fake_wix.count(endpoints.ORDERS_SEARCH, site=site) == 3


async def test_a_cancelled_order_returns_its_stock(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 10)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 10})
    sold = site.sell("MUG", 3)
    assert sold is not None
    await channel.pull_orders(shop.id)
    assert await available(db, ids["MUG"]) == 7

    site.update_order(sold.id, status="CANCELED")
    never_seen = site.add_order([("MUG", 5)], status="CANCELED")
    await channel.pull_orders(shop.id)
    await channel.pull_orders(shop.id)

    assert await available(db, ids["MUG"]) == 10
    states = {line.order_id: line.state for line in await order_lines(db, shop.id)}
    assert states == {sold.id: OrderLineState.RETURNED, never_seen.id: OrderLineState.CANCELLED}
    returns = [op for op in await _operations(db) if op.type is OperationType.RETURN]
    assert [(op.actor, op.quantity_delta, op.external_ref) for op in returns] == [("wix:shop", 3, sold.id)]


async def test_unknown_skus_wait_and_are_applied_when_the_product_appears(
    db: Database, fake_wix: FakeWix, channel: WixChannel, notifier: RecordingNotifier
) -> None:
    site = fake_wix.add_site()
    site.add_product("NEW-1", 10)
    shop = await connect(channel, site)
    first = site.sell("NEW-1", 2)
    site.sell("NEW-1", 1)
    cancelled = site.sell("NEW-1", 4)
    assert first is not None and cancelled is not None

    await channel.pull_orders(shop.id)
    site.update_order(cancelled.id, status="CANCELED")
    await channel.pull_orders(shop.id)

    lines = await order_lines(db, shop.id)
    assert [line.state for line in lines] == [
        OrderLineState.UNMATCHED,
        OrderLineState.UNMATCHED,
        OrderLineState.CANCELLED,
    ]
    unknown = notifier.of("unknown_sku")
    assert len(unknown) == 1 and unknown[0]["sku"] == "NEW-1" and unknown[0]["site"] == "shop"

    ids = await seed_products(db, {"new-1": 10})  # the same SKU, typed in lower case here
    counts = await channel.pull_orders(shop.id)

    assert counts.notes["applied_unmatched"] == 2 and counts.stock_changed
    assert await available(db, ids["new-1"]) == 7
    assert [line.state for line in await order_lines(db, shop.id)] == [
        OrderLineState.DEDUCTED,
        OrderLineState.DEDUCTED,
        OrderLineState.CANCELLED,
    ]
    assert len(notifier.of("unknown_sku")) == 1


async def test_an_oversell_records_the_shortage_and_alerts(
    db: Database, fake_wix: FakeWix, channel: WixChannel, notifier: RecordingNotifier
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 10)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 2})
    order = site.sell("MUG", 5)
    assert order is not None

    await channel.pull_orders(shop.id)

    assert await available(db, ids["MUG"]) == 0
    [line] = await order_lines(db, shop.id)
    assert (line.state, line.shortage) == (OrderLineState.DEDUCTED, 3)
    [alert] = notifier.of("oversell")
    assert alert == {"site": "shop", "sku": "MUG", "order": order.id, "quantity": 5, "shortage": 3}


async def test_orders_placed_before_the_site_was_added_are_skipped(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 10)
    old = site.sell("MUG", 1)
    assert old is not None
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 10})
    site.update_order(old.id, fulfillment_status="FULFILLED")  # updated after, placed before

    counts = await channel.pull_orders(shop.id)

    assert counts.notes["skipped_old"] == 1 and await available(db, ids["MUG"]) == 10
    assert await order_lines(db, shop.id) == []


async def test_importing_a_wix_sale_sends_wix_nothing(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 10)
    shop = await connect(channel, site)
    ids = await seed_products(db, {"MUG": 10})
    await channel.reconcile(shop.id)  # mapped, in step
    site.sell("MUG", 3)
    fake_wix.clear_log()

    counts = await channel.push_stock(shop.id)

    assert counts.notes["orders_imported"] == 1 and (counts.changed, counts.notes["unchanged"]) == (0, 1)
    writes = [
        record for record in fake_wix.requests if record.method != "GET" and "query" not in record.endpoint
    ]
    assert [record.endpoint for record in writes] == [endpoints.ORDERS_SEARCH]
    assert site.quantity("MUG") == 7 and await available(db, ids["MUG"]) == 7
    assert await outbox(db, shop.id) == {}
