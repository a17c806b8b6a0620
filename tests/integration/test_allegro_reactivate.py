"""Ended offers and returning stock: what our zero ended is listed again, what the seller ended is not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.actors import Actor
from domain.inventory import Inventory
from domain.models import AllegroOffer
from tests.integration.allegro_world import World, allegro, world

__all__ = ["allegro", "world"]  # fixtures


async def stored_offer(world: World, account: int, offer_id: str) -> AllegroOffer:
    async with world.db.sessions() as session:
        row = await session.scalar(
            select(AllegroOffer).where(AllegroOffer.account_id == account, AllegroOffer.offer_id == offer_id)
        )
        assert row is not None
        return row


async def write_off(world: World, product: int, quantity: int) -> None:
    async with world.db.transaction() as session:
        await Inventory(session).write_off(Actor.cli(), product, world.main, quantity, "damaged")


async def receive(world: World, product: int, quantity: int) -> None:
    async with world.db.transaction() as session:
        await Inventory(session).receive(Actor.cli(), product, world.main, quantity)


def patches(world: World, offer_id: str) -> int:
    return world.fake.count(f"/sale/product-offers/{offer_id}", method="PATCH")


async def test_an_offer_our_zero_ended_is_listed_again_when_stock_returns(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 2})
    offer = world.fake.add_offer("MUG-1", available=2)
    await world.channel.push_stock(account)

    await write_off(world, mug, 2)
    await world.channel.push_stock(account)
    assert (world.fake.offer(offer).available, world.fake.offer(offer).status) == (0, "ENDED")
    row = await stored_offer(world, account, offer)
    assert (row.status, row.last_pushed_quantity) == ("ENDED", 0)

    await receive(world, mug, 3)
    counts = await world.channel.push_stock(account)

    assert (world.fake.offer(offer).available, world.fake.offer(offer).status) == (3, "ACTIVE")
    assert (counts.changed, counts.failed, counts.notes["patches"], counts.notes["commands"]) == (1, 0, 1, 0)
    assert world.fake.seller().commands == {} and patches(world, offer) == 2
    row = await stored_offer(world, account, offer)
    assert (row.status, row.last_pushed_quantity, row.last_error) == ("ACTIVE", 3, None)
    assert await world.outbox(account) == {}

    await receive(world, mug, 1)  # listed again: back to batch commands
    await world.channel.push_stock(account)
    assert world.fake.offer(offer).available == 4 and patches(world, offer) == 2


async def test_an_asynchronous_reactivation_is_followed_to_the_end(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 1})
    offer = world.fake.add_offer("MUG-1", available=1)
    world.fake.patch_async = True
    world.fake.operation_polls = 1
    world.fake.operation_retry_after = 0
    await write_off(world, mug, 1)
    await world.channel.push_stock(account)
    assert world.fake.offer(offer).status == "ENDED"

    await receive(world, mug, 5)
    await world.channel.push_stock(account)

    assert (world.fake.offer(offer).available, world.fake.offer(offer).status) == (5, "ACTIVE")
    assert (await stored_offer(world, account, offer)).status == "ACTIVE"


async def test_an_offer_the_seller_ended_is_not_listed_again(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 4})
    offer = world.fake.add_offer("MUG-1", available=4, status="ENDED")  # ended by hand, stock left

    await world.channel.push_stock(account)  # found ended at linking
    await write_off(world, mug, 4)
    zero = await world.channel.push_stock(account)
    assert zero.notes["patches"] == 0 and patches(world, offer) == 0
    row = await stored_offer(world, account, offer)
    assert row.status == "ENDED" and row.last_pushed_quantity != 0

    await receive(world, mug, 3)
    back = await world.channel.push_stock(account)

    assert (world.fake.offer(offer).available, world.fake.offer(offer).status) == (3, "ENDED")
    assert back.notes["patches"] == 0 and patches(world, offer) == 0
    assert (await stored_offer(world, account, offer)).status == "ENDED"
    assert await world.outbox(account) == {}


async def test_a_refused_reactivation_stays_in_the_outbox_and_alerts(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 1})
    offer = world.fake.add_offer("MUG-1", available=1)
    await write_off(world, mug, 1)
    await world.channel.push_stock(account)
    await receive(world, mug, 2)
    world.fake.fail(422, times=None, path=f"/sale/product-offers/{offer}")

    counts = await world.channel.push_stock(account)

    assert counts.failed == 1 and world.fake.offer(offer).status == "ENDED"
    assert list(await world.outbox(account)) == [mug]
    row = await stored_offer(world, account, offer)
    assert (row.status, row.last_pushed_quantity) == ("ENDED", 0) and row.last_error
    assert [alert.params["skus"] for alert in world.notifier.sent if alert.kind == "push_failed"] == ["MUG-1"]

    world.fake.clear_faults()
    retried = await world.channel.push_stock(account)
    assert (retried.changed, retried.failed) == (1, 0)
    assert (world.fake.offer(offer).available, world.fake.offer(offer).status) == (2, "ACTIVE")
    assert await world.outbox(account) == {}


async def test_the_client_does_not_ask_to_list_an_offer_without_stock(world: World) -> None:
    account = await world.account()
    offer = world.fake.add_offer("MUG-1", available=0, status="ENDED")

    with pytest.raises(ValueError, match="available"):
        await world.channel.client(account).patch_offer_stock(offer, 0, activate=True)

    assert patches(world, offer) == 0


async def test_an_offer_that_sold_out_on_allegro_is_listed_again(world: World) -> None:
    account = await world.account()
    mug = await world.product("MUG-1", {world.main: 1})
    offer = world.fake.add_offer("MUG-1", available=1)
    await world.channel.push_stock(account)
    sold_out = world.fake.seller().offers[offer]
    sold_out.available, sold_out.status = 0, "ENDED"  # Allegro ends an offer whose last unit sells
    await write_off(world, mug, 1)
    await world.channel.push_stock(account)
    assert patches(world, offer) == 0
    assert (await stored_offer(world, account, offer)).last_pushed_quantity == 0

    await receive(world, mug, 2)
    await world.channel.push_stock(account)

    assert (world.fake.offer(offer).available, world.fake.offer(offer).status) == (2, "ACTIVE")
