"""The stock outbox on both engines: written with the change, drained by generation, failures counted."""

from __future__ import annotations

from domain import outbox as stock_outbox
from domain.catalog import Catalog
from domain.db import Database
from domain.inventory import Inventory
from domain.models import Channel
from tests.integration.seed import ACTOR, add_channel_accounts, outbox, seed


async def test_pending_and_acknowledge_drain_what_was_pushed(db: Database) -> None:
    s = await seed(db)
    allegro, wix = await add_channel_accounts(db)
    async with db.transaction() as session:
        await Inventory(session).receive(ACTOR, s.product_id, s.main, 3)
        other = await Catalog(session).create(ACTOR, sku="CUP-2", name="Cup")
        await Inventory(session).receive(ACTOR, other.id, s.main, 1)
    async with db.transaction() as session:
        items = await stock_outbox.pending(session, Channel.WIX, wix)
        assert sorted(item.product_id for item in items) == [s.product_id, other.id]
        assert await stock_outbox.backlog(session) == {(Channel.ALLEGRO, allegro): 2, (Channel.WIX, wix): 2}
        assert await stock_outbox.acknowledge(session, items) == 2
        assert await stock_outbox.acknowledge(session, []) == 0
    assert [row[1] for row in await outbox(db)] == ["allegro", "allegro"]


async def test_a_change_during_the_push_is_not_lost(db: Database) -> None:
    s = await seed(db)
    _allegro, wix = await add_channel_accounts(db)
    async with db.transaction() as session:
        await Inventory(session).receive(ACTOR, s.product_id, s.main, 3)
    async with db.transaction() as session:
        (seen,) = await stock_outbox.pending(session, Channel.WIX, wix)
        assert seen.generation == 1
    # The pusher talks to Wix outside any transaction; meanwhile a sale changes the stock again.
    async with db.transaction() as session:
        await Inventory(session).write_off(ACTOR, s.product_id, s.main, 1, "sold at the counter")
    async with db.transaction() as session:
        assert await stock_outbox.acknowledge(session, [seen]) == 0
        (again,) = await stock_outbox.pending(session, Channel.WIX, wix)
        assert again.generation == 2
        assert await stock_outbox.acknowledge(session, [again]) == 1


async def test_record_failure_counts_attempts_and_a_new_change_resets_them(db: Database) -> None:
    s = await seed(db)
    _allegro, wix = await add_channel_accounts(db)
    async with db.transaction() as session:
        await Inventory(session).receive(ACTOR, s.product_id, s.main, 3)
    for _ in range(2):
        async with db.transaction() as session:
            (item,) = await stock_outbox.pending(session, Channel.WIX, wix)
            await stock_outbox.record_failure(session, item, "HTTP 503 " + "x" * 3000)
    async with db.transaction() as session:
        (item,) = await stock_outbox.pending(session, Channel.WIX, wix)
        assert item.attempts == 2
    async with db.transaction() as session:
        await Inventory(session).receive(ACTOR, s.product_id, s.main, 1)
    async with db.transaction() as session:
        (item,) = await stock_outbox.pending(session, Channel.WIX, wix)
        assert (item.attempts, item.generation) == (0, 2)


async def test_product_edits_tell_channels_only_when_the_sku_changes(db: Database) -> None:
    s = await seed(db)
    await add_channel_accounts(db)
    async with db.transaction() as session:
        await Catalog(session).edit(ACTOR, s.product_id, None, name="Renamed")
    assert await outbox(db) == []
    async with db.transaction() as session:
        await Catalog(session).edit(ACTOR, s.product_id, None, sku="MUG-NEW")
    assert len(await outbox(db)) == 2
