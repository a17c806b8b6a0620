"""Stock → offers: links by SKU, batch quantity commands, task reports, zero stock, reconcile report."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from bot.settings import ConfigError, load_settings
from domain.actors import Actor
from domain.catalog import Catalog
from domain.inventory import Inventory
from domain.models import AllegroOffer, Channel, StockOutbox
from integrations.allegro.channel import AllegroChannel
from integrations.allegro.config import ChannelRules
from tests.integration.allegro_world import FAST, World, allegro, line, settings_for, world

__all__ = ["allegro", "world"]  # fixtures


async def offer_rows(world: World, account: int) -> dict[str, AllegroOffer]:
    async with world.db.sessions() as session:
        rows = await session.scalars(select(AllegroOffer).where(AllegroOffer.account_id == account))
        return {row.offer_id: row for row in rows}


async def outbox_rows(world: World, account: int) -> dict[int, StockOutbox]:
    async with world.db.sessions() as session:
        rows = await session.scalars(
            select(StockOutbox).where(
                StockOutbox.channel == Channel.ALLEGRO, StockOutbox.account_id == account
            )
        )
        return {row.product_id: row for row in rows}


def commands(world: World) -> list[tuple[int, list[str]]]:
    """(value, offer ids) of every quantity command the fake received, in order."""
    found = []
    for command in world.fake.seller().commands.values():
        found.append((command.value, sorted(command.offer_ids)))
    return found


async def test_push_sends_one_fixed_command_per_level_and_acknowledges(world: World) -> None:
    account = await world.account()  # before the stock: the outbox is written for active accounts
    mug = await world.product("MUG-1", {world.main: 3, world.shop: 2})
    cup = await world.product("CUP-1", {world.main: 5})
    plate = await world.product("PLATE-1", {world.main: 3})
    mug_a, mug_b = world.fake.add_offer("MUG-1"), world.fake.add_offer("MUG-1")
    cup_offer = world.fake.add_offer("CUP-1")
    plate_offer = world.fake.add_offer("PLATE-1", available=3)  # already right
    world.fake.add_offer("OTHER-9")

    counts = await world.channel.push_stock(account)

    assert sorted(commands(world)) == [(5, sorted([mug_a, mug_b, cup_offer]))]
    assert [world.fake.offer(o).available for o in (mug_a, mug_b, cup_offer, plate_offer)] == [5, 5, 5, 3]
    assert (counts.processed, counts.changed, counts.failed) == (3, 3, 0)
    assert counts.notes["unchanged"] == 1 and counts.notes["commands"] == 1
    assert await outbox_rows(world, account) == {}
    links = await offer_rows(world, account)
    assert {offer_id: row.product_id for offer_id, row in links.items()} == {
        mug_a: mug,
        mug_b: mug,
        cup_offer: cup,
        plate_offer: plate,
    }
    assert links[mug_a].last_pushed_quantity == 5 and links[mug_a].last_pushed_at is not None

    again = await world.channel.push_stock(account)
    assert again.processed == 0 and len(world.fake.seller().commands) == 1


async def test_failed_tasks_keep_their_outbox_rows_and_alert_with_the_skus(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 4})
    cup = await world.product("CUP-1", {world.main: 4})
    bad = world.fake.add_offer("MUG-1")
    good = world.fake.add_offer("CUP-1")
    world.fake.quantity_failures[bad] = "The offer is being edited."

    counts = await world.channel.push_stock(account)

    assert (counts.changed, counts.failed) == (1, 1)
    assert world.fake.offer(good).available == 4
    left = await outbox_rows(world, account)
    assert list(left) == [mug] and left[mug].attempts == 1
    assert "being edited" in (left[mug].last_error or "")
    assert (await offer_rows(world, account))[bad].last_error == "The offer is being edited."
    alerts = [alert for alert in world.notifier.sent if alert.kind == "push_failed"]
    assert [(a.text_key, a.params["skus"], a.params["count"]) for a in alerts] == [
        ("alert-allegro-push-failed", "MUG-1", 1)
    ]

    world.fake.quantity_failures.clear()
    retried = await world.channel.push_stock(account)
    assert (retried.changed, retried.failed) == (1, 0)
    assert await outbox_rows(world, account) == {}
    assert cup not in await outbox_rows(world, account)


async def test_zero_stock_ends_the_offer_or_leaves_it_as_configured(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 2})
    offer = world.fake.add_offer("MUG-1", available=2)
    await world.channel.push_stock(account)  # level 2: unchanged, nothing sent
    async with world.db.transaction() as session:
        await Inventory(session).write_off(Actor.cli(), mug, world.main, 2, "damaged")

    leave = world.channel_with(zero_stock="leave")
    try:
        left = await leave.push_stock(account)
    finally:
        await leave.aclose()
    assert world.fake.offer(offer).available == 2 and left.notes["unchanged"] == 1
    assert world.fake.count("/sale/product-offers", method="PATCH") == 0

    async with world.db.transaction() as session:  # a new change: the outbox row comes back
        await Inventory(session).receive(Actor.cli(), mug, world.main, 1)
        await Inventory(session).write_off(Actor.cli(), mug, world.main, 1, "lost")
    ended = await world.channel.push_stock(account)

    assert (ended.changed, ended.notes["patches"]) == (1, 1)
    assert (world.fake.offer(offer).available, world.fake.offer(offer).status) == (0, "ENDED")
    assert world.fake.count("/sale/product-offers", method="PATCH") == 1
    assert await outbox_rows(world, account) == {}
    assert world.fake.seller().commands == {}


async def test_push_imports_new_sales_before_it_sends_levels(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 5})
    offer = world.fake.add_offer("MUG-1", available=5)
    world.fake.add_order_event("BOUGHT", str(uuid.uuid4()), [line(offer, "MUG-1", 2)])

    counts = await world.channel.push_stock(account)

    assert counts.notes["orders_imported"] == 1
    assert await world.levels(mug) == {world.main: (5, 2)}
    assert world.fake.offer(offer).available == 3


async def test_an_unconfirmed_command_is_not_acknowledged(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 4})
    world.fake.add_offer("MUG-1")
    world.fake.command_delay = 30.0
    impatient = world.channel_with(command_wait=0.05)
    try:
        counts = await impatient.push_stock(account)
    finally:
        await impatient.aclose()

    assert counts.failed == 1
    assert list(await outbox_rows(world, account)) == [mug]


async def test_reconcile_relinks_pushes_drift_and_reports_problems(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 4})
    cup_product = await world.product("CUP-1", {world.main: 2})
    await world.product("BOWL-1", {world.main: 1})  # no offer: missing
    mug_a, mug_b = world.fake.add_offer("MUG-1", available=4), world.fake.add_offer("MUG-1", available=9)
    cup = world.fake.add_offer("cup-1", available=2)  # SKUs compare without case
    stranger = world.fake.add_offer("GHOST-7", name="Ghost mug")
    no_sku = world.fake.add_offer(None, name="Mug without SKU")
    steps: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        steps.append((done, total))

    report = await world.channel.reconcile(account, progress)

    assert (report.checked, report.updated, report.unchanged, report.missing, report.failed) == (
        2,
        1,
        1,
        1,
        0,
    )
    assert world.fake.offer(mug_b).available == 4
    assert report.problem_skus == {
        "MUG-1": f"2 offers: {mug_a}, {mug_b}",
        "GHOST-7": f"no product with this SKU (offer {stranger} “Ghost mug”)",
        f"offer {no_sku}": "the offer “Mug without SKU” has no SKU (external id)",
    }
    assert steps and steps[-1][0] == steps[-1][1] == 3
    links = await offer_rows(world, account)
    assert {o: row.product_id for o, row in links.items()} == {mug_a: mug, mug_b: mug, cup: cup_product}
    assert await outbox_rows(world, account) == {}  # everything confirmed

    world.fake.seller().offers[mug_b].external_id = "MUG-2"  # the seller moved the offer to another SKU
    await world.channel.reconcile(account)
    assert mug_b not in await offer_rows(world, account)


async def test_a_sku_edit_moves_the_link_to_the_offers_of_the_new_sku(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 3})
    old_offer, new_offer = world.fake.add_offer("MUG-1"), world.fake.add_offer("MUG-2")
    await world.channel.push_stock(account)
    assert list(await offer_rows(world, account)) == [old_offer]

    async with world.db.transaction() as session:
        await Catalog(session).edit(Actor.cli(), mug, None, sku="MUG-2")  # tells the channels again
    await world.channel.push_stock(account)

    assert {o: row.product_id for o, row in (await offer_rows(world, account)).items()} == {new_offer: mug}
    assert world.fake.offer(new_offer).available == 3


async def test_configured_offer_filters_reach_every_offer_search(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLEGRO_OFFER_STATUSES", " active,Activating, ACTIVE")
    monkeypatch.setenv("ALLEGRO_MARKETPLACE", "allegro-cz")
    settings = settings_for(world.fake, world.db.url)
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 3})
    linked = world.fake.add_offer("MUG-1", marketplace="allegro-cz")
    activating = world.fake.add_offer("MUG-1", status="ACTIVATING", marketplace="allegro-cz")
    ended = world.fake.add_offer("MUG-1", status="ENDED", marketplace="allegro-cz")
    polish = world.fake.add_offer("MUG-1")  # allegro-pl

    async with AllegroChannel.from_settings(settings, world.db, world.notifier, policy=FAST) as channel:
        counts = await channel.push_stock(account)  # searches the pushed SKUs
        report = await channel.link_offers(account)  # lists every offer

    searches = world.fake.requests_to("/sale/offers", method="GET")
    assert [bool(search.params("external.id")) for search in searches] == [True, False]
    for search in searches:
        assert search.params("publication.status") == ["ACTIVE", "ACTIVATING"]
        assert search.params("publication.marketplace") == ["allegro-cz"]
    assert counts.changed == 2 and (report.offers, report.linked) == (2, 2)
    assert [world.fake.offer(o).available for o in (linked, activating, ended, polish)] == [3, 3, 1, 1]
    assert {o: row.product_id for o, row in (await offer_rows(world, account)).items()} == {
        linked: mug,
        activating: mug,
    }


async def test_without_offer_filters_every_status_and_marketplace_is_searched(world: World) -> None:
    settings = settings_for(world.fake, world.db.url)
    assert (settings.allegro_offer_statuses, settings.allegro_marketplace) == ((), None)
    assert ChannelRules.from_settings(settings) == ChannelRules()
    account = await world.account()
    world.fake.add_offer("MUG-1", status="ENDED", marketplace="allegro-sk")

    async with AllegroChannel.from_settings(settings, world.db, world.notifier, policy=FAST) as channel:
        report = await channel.link_offers(account)

    (search,) = world.fake.requests_to("/sale/offers", method="GET")
    assert search.params("publication.status") == search.params("publication.marketplace") == []
    assert report.offers == 1


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ALLEGRO_OFFER_STATUSES", "ACTIVE,SOLD-OUT"),
        ("ALLEGRO_MARKETPLACE", "allegro pl!"),
    ],
)
def test_a_bad_offer_filter_fails_at_load_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.count("\n") == 1 and message.splitlines()[1].strip().startswith(f"{variable}: ")
    assert value not in message
