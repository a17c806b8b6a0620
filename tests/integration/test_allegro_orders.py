"""Order events → central stock through the real AllegroChannel, FakeAllegro over sockets, both engines."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from sqlalchemy import delete

from domain.actors import Actor
from domain.catalog import Catalog, InitialStock
from domain.models import AllegroEventTracker, OperationType, OrderLineState, Stock
from integrations.allegro.errors import AllegroServerError
from tests.integration.allegro_world import World, allegro, line, world

__all__ = ["allegro", "world"]  # fixtures

BOUGHT, FILLED_IN, READY = "BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING"
CANCELLED, AUTO_CANCELLED, MODIFIED = "BUYER_CANCELLED", "AUTO_CANCELLED", "BUYER_MODIFIED"


def order() -> str:
    return str(uuid.uuid4())


async def test_buy_reserves_and_payment_turns_the_reservation_into_a_sale(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 5})
    account = await world.account()
    form = order()
    world.fake.add_order_event(BOUGHT, form, [line("111", "MUG-1", 2)])

    bought = await world.channel.pull_orders(account)

    assert await world.levels(product) == {world.main: (5, 2)}
    assert (await world.line_of(form)).state == OrderLineState.RESERVED
    assert (bought.processed, bought.changed, bought.stock_changed) == (1, 1, True)

    world.fake.add_order_event(FILLED_IN, form)
    last = world.fake.add_order_event(READY, form)
    paid = await world.channel.pull_orders(account)

    assert await world.levels(product) == {world.main: (3, 0)}
    assert (await world.line_of(form)).state == OrderLineState.DEDUCTED
    assert paid.stock_changed is False  # a reservation becoming a sale changes nothing available
    operations = await world.operations(OperationType.RESERVE, OperationType.SALE)
    assert [(op.type, op.quantity_delta, op.actor, op.external_ref) for op in operations] == [
        (OperationType.RESERVE, -2, "allegro:shop", form),
        (OperationType.SALE, -2, "allegro:shop", form),
    ]
    assert await world.tracker(account) == last
    assert world.fake.count("/order/events") == 2


async def test_duplicate_events_apply_once(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 5})
    account = await world.account()
    form = order()
    items = [line("111", "MUG-1", 1)]
    for kind in (BOUGHT, BOUGHT, FILLED_IN, READY, READY, BOUGHT):
        world.fake.add_order_event(kind, form, items)

    await world.channel.pull_orders(account)
    await world.channel.pull_orders(account)

    assert await world.levels(product) == {world.main: (4, 0)}
    kinds = Counter(op.type for op in await world.operations(OperationType.RESERVE, OperationType.SALE))
    assert kinds == {OperationType.RESERVE: 1, OperationType.SALE: 1}


async def test_a_cancellation_seen_before_the_purchase_makes_later_events_no_ops(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 5})
    account = await world.account()
    form = order()
    items = [line("111", "MUG-1", 3)]
    world.fake.add_order_event(CANCELLED, form, items)
    world.fake.add_order_event(BOUGHT, form, items)
    world.fake.add_order_event(READY, form, items)

    await world.channel.pull_orders(account)

    assert await world.levels(product) == {world.main: (5, 0)}
    row = await world.line_of(form)
    assert (row.state, row.product_id) == (OrderLineState.CANCELLED, product)
    assert await world.operations(OperationType.RESERVE, OperationType.SALE) == []


async def test_payment_seen_first_sells_without_a_reservation(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 5})
    account = await world.account()
    form = order()
    items = [line("111", "MUG-1", 2)]
    world.fake.add_order_event(READY, form, items)
    world.fake.add_order_event(BOUGHT, form, items)

    await world.channel.pull_orders(account)

    assert await world.levels(product) == {world.main: (3, 0)}
    assert [op.type for op in await world.operations(OperationType.RESERVE, OperationType.SALE)] == [
        OperationType.SALE
    ]


@pytest.mark.parametrize("kind", [CANCELLED, AUTO_CANCELLED])
async def test_cancellation_after_payment_returns_the_stock(world: World, kind: str) -> None:
    product = await world.product("MUG-1", {world.main: 5})
    account = await world.account()
    form = order()
    world.fake.add_order_event(BOUGHT, form, [line("111", "MUG-1", 2)])
    world.fake.add_order_event(READY, form)
    await world.channel.pull_orders(account)
    world.fake.add_order_event(kind, form)

    counts = await world.channel.pull_orders(account)

    assert await world.levels(product) == {world.main: (5, 0)}
    assert (await world.line_of(form)).state == OrderLineState.RETURNED
    assert counts.stock_changed
    returned = await world.operations(OperationType.RETURN)
    assert [(op.quantity_delta, op.external_ref) for op in returned] == [(2, form)]


async def test_cancellation_before_payment_releases_the_reservation(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 5})
    account = await world.account()
    form = order()
    world.fake.add_order_event(BOUGHT, form, [line("111", "MUG-1", 2)])
    world.fake.add_order_event(AUTO_CANCELLED, form)
    world.fake.add_order_event(READY, form)  # after the cancellation: must not sell

    await world.channel.pull_orders(account)

    assert await world.levels(product) == {world.main: (5, 0)}
    assert (await world.line_of(form)).state == OrderLineState.RELEASED


async def test_buyer_modified_reconciles_the_lines_with_the_checkout_form(world: World) -> None:
    mug = await world.product("MUG-1", {world.main: 10})
    cup = await world.product("CUP-1", {world.main: 10})
    plate = await world.product("PLATE-1", {world.main: 10})
    account = await world.account()
    form = order()
    mug_line, cup_line = str(uuid.uuid4()), str(uuid.uuid4())
    world.fake.add_order_event(
        BOUGHT, form, [line("111", "MUG-1", 2, mug_line), line("222", "CUP-1", 3, cup_line)]
    )
    await world.channel.pull_orders(account)
    # The buyer takes one more mug, drops the cups and adds a plate.
    world.fake.add_order_event(MODIFIED, form, [line("111", "MUG-1", 3, mug_line), line("333", "PLATE-1", 1)])

    counts = await world.channel.pull_orders(account)

    assert await world.levels(mug) == {world.main: (10, 3)}
    assert await world.levels(cup) == {world.main: (10, 0)}
    assert await world.levels(plate) == {world.main: (10, 1)}
    states = {row.sku: (row.state, row.quantity) for row in await world.lines()}
    assert states == {
        "MUG-1": (OrderLineState.RESERVED, 3),
        "CUP-1": (OrderLineState.RELEASED, 3),
        "PLATE-1": (OrderLineState.RESERVED, 1),
    }
    assert counts.notes["forms_read"] == 1
    assert world.fake.count("/order/checkout-forms") == 1

    world.fake.add_order_event(MODIFIED, form, [line("111", "MUG-1", 1, mug_line)])
    world.fake.add_order_event(READY, form)
    await world.channel.pull_orders(account)

    assert await world.levels(mug) == {world.main: (9, 0)}
    assert await world.levels(plate) == {world.main: (10, 0)}


async def test_unknown_sku_waits_and_is_applied_once_the_product_exists(world: World) -> None:
    account = await world.account()
    first, second, third = order(), order(), order()
    world.fake.add_order_event(BOUGHT, first, [line("901", "NEW-1", 2)])
    world.fake.add_order_event(READY, first)
    world.fake.add_order_event(BOUGHT, second, [line("901", "NEW-1", 1)])
    world.fake.add_order_event(BOUGHT, third, [line("902", "new-2", 1)])

    counts = await world.channel.pull_orders(account)

    rows = await world.lines()
    assert {row.state for row in rows} == {OrderLineState.UNMATCHED}
    assert counts.notes["unmatched"] == 3
    alerts = [alert for alert in world.notifier.sent if alert.kind == "unknown_sku"]
    assert [(a.params["sku"], a.params["offer"], a.params["offer_name"]) for a in alerts] == [
        ("NEW-1", "901", "Offer 901"),
        ("new-2", "902", "Offer 902"),
    ]
    world.fake.add_order_event(BOUGHT, order(), [line("901", "NEW-1", 1)])
    await world.channel.pull_orders(account)
    assert len([alert for alert in world.notifier.sent if alert.kind == "unknown_sku"]) == 2  # once per SKU

    product = await world.product("NEW-1", {world.main: 10})
    async with world.db.transaction() as session:  # a product created as NEW-3, then renamed to NEW-2
        renamed = await Catalog(session).create(
            Actor.cli(), sku="NEW-3", name="Plate", initial_stock=[InitialStock(world.main, 1)]
        )
        renamed_id = renamed.id
    await world.channel.pull_orders(account)  # NEW-1 applied; NEW-3 matches nothing yet
    async with world.db.transaction() as session:
        await Catalog(session).edit(Actor.cli(), renamed_id, None, sku="NEW-2")
    counts = await world.channel.pull_orders(account)

    assert counts.notes["applied_unmatched"] == 1
    by_order = {row.order_id: row for row in await world.lines()}
    assert by_order[first].state == OrderLineState.DEDUCTED  # its payment was seen while unmatched
    assert by_order[second].state == OrderLineState.RESERVED
    assert (by_order[third].state, by_order[third].product_id) == (OrderLineState.RESERVED, renamed_id)
    assert await world.levels(product) == {world.main: (8, 2)}
    sales = await world.operations(OperationType.SALE)
    assert [(op.sku, op.quantity_delta, op.external_ref) for op in sales] == [("NEW-1", -2, first)]
    await world.channel.pull_orders(account)
    assert len(await world.operations(OperationType.SALE, OperationType.RESERVE)) == 4  # nothing twice


async def test_a_line_without_sku_is_matched_through_its_linked_offer(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 4})
    account = await world.account()
    offer = world.fake.add_offer(None, available=4, offer_id="555")
    world.fake.add_order_event(BOUGHT, order(), [line(offer, None, 1)])
    await world.channel.pull_orders(account)
    assert [a.text_key for a in world.notifier.sent] == ["alert-allegro-no-sku"]

    world.fake.seller().offers[offer].external_id = "MUG-1"  # the seller fills in the SKU
    await world.channel.reconcile(account)

    row = (await world.lines())[0]
    assert (row.state, row.product_id, row.sku) == (OrderLineState.RESERVED, product, "MUG-1")
    assert await world.levels(product) == {world.main: (4, 1)}


async def test_oversell_takes_what_there_is_records_the_shortage_and_alerts(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 2, world.shop: 1})
    account = await world.account(priority=[world.shop, world.main])
    form = order()
    world.fake.add_order_event(BOUGHT, form, [line("111", "MUG-1", 5)])
    world.fake.add_order_event(READY, form)

    await world.channel.pull_orders(account)

    assert await world.levels(product) == {world.main: (0, 0), world.shop: (0, 0)}
    row = await world.line_of(form)
    assert (row.state, row.shortage, row.allocations) == (
        OrderLineState.DEDUCTED,
        2,
        {str(world.main): 2, str(world.shop): 1},
    )
    reserves = await world.operations(OperationType.RESERVE)
    assert [(op.warehouse_id, op.quantity_delta) for op in reserves] == [(world.shop, -1), (world.main, -2)]
    alerts = [alert for alert in world.notifier.sent if alert.kind == "oversell"]
    assert len(alerts) == 1
    assert alerts[0].params | {"order": form} == {
        "account": "shop",
        "sku": "MUG-1",
        "order": form,
        "quantity": 5,
        "shortage": 2,
    }


async def test_deduct_on_bought_sells_at_once(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 5})
    account = await world.account()
    channel = world.channel_with(deduct_on="BOUGHT")
    form = order()
    world.fake.add_order_event(BOUGHT, form, [line("111", "MUG-1", 2)])
    world.fake.add_order_event(READY, form)
    try:
        await channel.pull_orders(account)
    finally:
        await channel.aclose()

    assert await world.levels(product) == {world.main: (3, 0)}
    assert [op.type for op in await world.operations(OperationType.RESERVE, OperationType.SALE)] == [
        OperationType.SALE
    ]


async def test_ten_thousand_events_over_ten_pages_apply_once(world: World) -> None:
    products = [await world.product(f"SKU-{i}", {world.main: 10_000}) for i in range(50)]
    account = await world.account()
    forms = [order() for _ in range(5_000)]
    for number, form in enumerate(forms):
        world.fake.add_order_event(BOUGHT, form, [line(str(1000 + number % 50), f"SKU-{number % 50}", 1)])
    for form in forms:
        last = world.fake.add_order_event(READY, form)

    counts = await world.channel.pull_orders(account)

    assert counts.processed == 10_000
    assert counts.notes["pages"] == 10
    assert world.fake.count("/order/events") == 11  # ten full pages, then an empty one: "no more"
    assert await world.tracker(account) == last
    assert await world.count_lines() == 5_000
    assert [await world.levels(pid) for pid in products[:3]] == [{world.main: (9_900, 0)}] * 3
    sales = Counter(op.external_ref for op in await world.operations(OperationType.SALE))
    assert len(sales) == 5_000 and set(sales.values()) == {1}

    again = await world.channel.pull_orders(account)
    assert again.processed == 0


async def test_a_failure_inside_a_page_applies_nothing_of_it_and_the_next_run_resumes(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 100})
    account = await world.account()
    channel = world.channel_with(page_size=10)
    try:
        forms = [order() for _ in range(25)]
        for form in forms:
            world.fake.add_order_event(BOUGHT, form, [line("111", "MUG-1", 1)])
        world.fake.add_order_event(MODIFIED, forms[15], [line("111", "MUG-1", 2)])
        world.fake.fail(503, times=None, path="/order/checkout-forms")  # the third page needs the form

        with pytest.raises(AllegroServerError):
            await channel.pull_orders(account)
        assert await world.levels(product) == {world.main: (100, 20)}  # two whole pages, nothing more
        assert await world.count_lines() == 20

        world.fake.clear_faults()
        world.fake.rate_limit(0.05)  # and a 429 block to wait out
        await channel.pull_orders(account)
    finally:
        await channel.aclose()

    assert await world.levels(product) == {world.main: (100, 26)}
    assert Counter(op.external_ref for op in await world.operations(OperationType.RESERVE)) == {
        form: 1 for form in forms
    } | {forms[15]: 2}


async def test_a_return_to_a_warehouse_whose_stock_row_is_gone_recreates_it(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 2})
    account = await world.account()
    form = order()
    world.fake.add_order_event(READY, form, [line("111", "MUG-1", 2)])
    await world.channel.pull_orders(account)
    async with world.db.transaction() as session:  # an empty row, removed by hand meanwhile
        await session.execute(delete(Stock).where(Stock.product_id == product))
    world.fake.add_order_event(CANCELLED, form)

    await world.channel.pull_orders(account)

    assert await world.levels(product) == {world.main: (2, 0)}
    assert (await world.line_of(form)).state == OrderLineState.RETURNED


async def test_an_account_without_a_tracker_starts_at_the_newest_event(world: World) -> None:
    await world.product("MUG-1", {world.main: 5})
    world.fake.add_order_event(BOUGHT, order(), [line("111", "MUG-1", 1)])
    account = await world.account()
    async with world.db.transaction() as session:
        await session.execute(delete(AllegroEventTracker).where(AllegroEventTracker.token_id == account))
    latest = world.fake.seller().events[-1]["id"]

    counts = await world.channel.pull_orders(account)

    assert counts.processed == 0 and await world.tracker(account) == latest
    assert await world.count_lines() == 0
