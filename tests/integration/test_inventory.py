"""Inventory on both engines: levels after each movement, one operation per change, the outbox, errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from domain.db import Database
from domain.errors import InsufficientStockError, NotFoundError, ValidationError
from domain.inventory import MAX_QUANTITY, Inventory
from domain.models import OperationType
from tests.integration.seed import (
    ACTOR,
    Seeded,
    add_channel_accounts,
    levels,
    operations,
    outbox,
    seed,
    stock,
)

Movement = Callable[[Inventory, Seeded, Any], Awaitable[object]]

MOVEMENTS: dict[str, Movement] = {
    "receive": lambda inv, s, q: inv.receive(ACTOR, s.product_id, s.main, q),
    "transfer": lambda inv, s, q: inv.transfer(ACTOR, s.product_id, s.main, s.second, q),
    "write_off": lambda inv, s, q: inv.write_off(ACTOR, s.product_id, s.main, q, "damaged"),
    "reserve": lambda inv, s, q: inv.reserve(ACTOR, s.product_id, s.main, q, external_ref="o-1"),
    "release": lambda inv, s, q: inv.release(ACTOR, s.product_id, s.main, q, external_ref="o-1"),
    "deduct": lambda inv, s, q: inv.deduct(ACTOR, s.product_id, s.main, q, external_ref="o-1"),
    "return_stock": lambda inv, s, q: inv.return_stock(ACTOR, s.product_id, s.main, q, external_ref="o-1"),
}


async def _run(db: Database, work: Callable[[Inventory], Awaitable[Any]]) -> Any:
    async with db.transaction() as session:
        return await work(Inventory(session))


async def _movements(db: Database) -> list[tuple[OperationType, int | None, int | None, int | None]]:
    """(type, warehouse, to_warehouse, delta) of every stock operation (product creation excluded)."""
    return [
        (op.type, op.warehouse_id, op.to_warehouse_id, op.quantity_delta)
        for op in await operations(db)
        if op.type != OperationType.PRODUCT_CREATE
    ]


async def test_receive_adds_stock_logs_once_and_marks_every_active_channel(db: Database) -> None:
    s = await seed(db)
    allegro, wix = await add_channel_accounts(db)
    after = await _run(db, lambda inv: inv.receive(ACTOR, s.product_id, s.main, 5, external_ref="PO-7"))
    assert levels(after) == {s.main: (5, 0)}
    assert after.on_hand == after.available == 5
    (receipt,) = await operations(db, OperationType.RECEIPT)
    assert (receipt.warehouse_id, receipt.quantity_delta, receipt.external_ref, receipt.sku) == (
        s.main,
        5,
        "PO-7",
        "MUG-1",
    )
    assert await outbox(db) == [(s.product_id, "allegro", allegro, 1), (s.product_id, "wix", wix, 1)]

    await _run(db, lambda inv: inv.receive(ACTOR, s.product_id, s.main, 2))
    assert levels(await stock(db, s.product_id)) == {s.main: (7, 0)}
    # One row per product and account; the generation counts the changes the pusher has not seen.
    assert await outbox(db) == [(s.product_id, "allegro", allegro, 2), (s.product_id, "wix", wix, 2)]


async def test_no_channel_accounts_means_no_outbox_rows(db: Database) -> None:
    s = await seed(db, on_hand=3)
    await _run(db, lambda inv: inv.write_off(ACTOR, s.product_id, s.main, 1, "lost"))
    assert await outbox(db) == []
    assert levels(await stock(db, s.product_id)) == {s.main: (2, 0)}


async def test_transfer_moves_units_between_warehouses(db: Database) -> None:
    s = await seed(db, on_hand=5)
    await add_channel_accounts(db)
    after = await _run(db, lambda inv: inv.transfer(ACTOR, s.product_id, s.main, s.second, 3))
    assert levels(after) == {s.main: (2, 0), s.second: (3, 0)}
    assert (await _movements(db))[-1] == (OperationType.TRANSFER, s.main, s.second, 3)
    assert len(await outbox(db)) == 2


async def test_transfer_refuses_missing_units_and_the_same_warehouse(db: Database) -> None:
    s = await seed(db, on_hand=5)
    await _run(db, lambda inv: inv.reserve(ACTOR, s.product_id, s.main, 4, external_ref="o-1"))
    async with db.transaction() as session:
        inventory = Inventory(session)
        with pytest.raises(InsufficientStockError, match="only 1 of MUG-1 available in MAIN") as caught:
            await inventory.transfer(ACTOR, s.product_id, s.main, s.second, 2)
        assert caught.value.params == {"sku": "MUG-1", "warehouse": "MAIN", "available": 1, "requested": 2}
        with pytest.raises(ValidationError, match="two different warehouses"):
            await inventory.transfer(ACTOR, s.product_id, s.main, s.main, 1)
    assert levels(await stock(db, s.product_id))[s.main] == (5, 4)
    assert await operations(db, OperationType.TRANSFER) == []


async def test_write_off_needs_a_reason_and_enough_stock(db: Database) -> None:
    s = await seed(db, on_hand=3)
    after = await _run(db, lambda inv: inv.write_off(ACTOR, s.product_id, s.main, 2, "  broken in transit "))
    assert levels(after) == {s.main: (1, 0)}
    (write_off,) = await operations(db, OperationType.WRITE_OFF)
    assert (write_off.quantity_delta, write_off.reason) == (-2, "broken in transit")
    async with db.transaction() as session:
        inventory = Inventory(session)
        with pytest.raises(ValidationError, match="reason"):
            await inventory.write_off(ACTOR, s.product_id, s.main, 1, "   ")
        with pytest.raises(InsufficientStockError, match="cannot write off 2"):
            await inventory.write_off(ACTOR, s.product_id, s.main, 2, "lost")
    assert len(await operations(db, OperationType.WRITE_OFF)) == 1


async def test_count_sets_the_level_and_logs_the_delta(db: Database) -> None:
    s = await seed(db, on_hand=5)
    allegro, _wix = await add_channel_accounts(db)
    delta, after = await _run(db, lambda inv: inv.count(ACTOR, s.product_id, s.main, 8))
    assert (delta, levels(after)) == (3, {s.main: (8, 0)})
    delta, _ = await _run(db, lambda inv: inv.count(ACTOR, s.product_id, s.second, 0))
    assert delta == 0
    counts = await operations(db, OperationType.COUNT)
    assert [(op.warehouse_id, op.quantity_delta, op.changes) for op in counts] == [
        (s.main, 3, {"on_hand": [5, 8]}),
        (s.second, 0, {"on_hand": [0, 0]}),  # "counted, no difference" is history too
    ]
    # Only the real change reached the outbox (generation 1, not 2).
    assert (s.product_id, "allegro", allegro, 1) in await outbox(db)


async def test_count_cannot_go_below_reserved_or_be_invalid(db: Database) -> None:
    s = await seed(db, on_hand=5)
    await _run(db, lambda inv: inv.reserve(ACTOR, s.product_id, s.main, 3, external_ref="o-1"))
    async with db.transaction() as session:
        inventory = Inventory(session)
        with pytest.raises(InsufficientStockError, match="3 of MUG-1 in MAIN are reserved"):
            await inventory.count(ACTOR, s.product_id, s.main, 2)
        for bad in (-1, MAX_QUANTITY + 1, 1.5, True):
            with pytest.raises(ValidationError):
                await inventory.count(ACTOR, s.product_id, s.main, bad)  # type: ignore[arg-type]
    assert await operations(db, OperationType.COUNT) == []


async def test_reserve_release_and_deduct_from_the_reservation(db: Database) -> None:
    s = await seed(db, on_hand=5)
    await add_channel_accounts(db)
    assert await _run(db, lambda inv: inv.reserve(ACTOR, s.product_id, s.main, 2, external_ref="A-1")) == 2
    assert levels(await stock(db, s.product_id)) == {s.main: (5, 2)}
    assert (await stock(db, s.product_id)).available == 3
    assert await _run(db, lambda inv: inv.release(ACTOR, s.product_id, s.main, 1, external_ref="A-1")) == 1
    taken = await _run(
        db, lambda inv: inv.deduct(ACTOR, s.product_id, s.main, 3, reserved=1, external_ref="A-1")
    )
    assert taken == 3
    assert levels(await stock(db, s.product_id)) == {s.main: (2, 0)}
    assert (await _movements(db))[1:] == [
        (OperationType.RESERVE, s.main, None, -2),
        (OperationType.RELEASE, s.main, None, 1),
        (OperationType.SALE, s.main, None, -3),
    ]
    assert {op.external_ref for op in await operations(db, OperationType.SALE)} == {"A-1"}


async def test_reserve_and_release_take_only_what_there_is(db: Database) -> None:
    s = await seed(db, on_hand=2)
    assert await _run(db, lambda inv: inv.reserve(ACTOR, s.product_id, s.main, 5, external_ref="A-1")) == 2
    assert await _run(db, lambda inv: inv.reserve(ACTOR, s.product_id, s.main, 1, external_ref="A-2")) == 0
    assert await _run(db, lambda inv: inv.release(ACTOR, s.product_id, s.main, 9, external_ref="A-1")) == 2
    assert await _run(db, lambda inv: inv.release(ACTOR, s.product_id, s.main, 1, external_ref="A-1")) == 0
    # Nothing taken or given back → nothing logged.
    assert [op[0] for op in await _movements(db)] == [
        OperationType.RECEIPT,
        OperationType.RESERVE,
        OperationType.RELEASE,
    ]


async def test_deduct_with_a_shortage_takes_what_there_is_and_never_goes_negative(db: Database) -> None:
    s = await seed(db, on_hand=3)
    await _run(db, lambda inv: inv.reserve(ACTOR, s.product_id, s.main, 1, external_ref="A-1"))
    # Another order wants 5 while only 2 are free (one is reserved for A-1).
    taken = await _run(db, lambda inv: inv.deduct(ACTOR, s.product_id, s.main, 5, external_ref="B-1"))
    assert taken == 2
    assert levels(await stock(db, s.product_id)) == {s.main: (1, 1)}
    # The reserved unit stays for A-1; an empty shelf gives nothing and logs nothing.
    assert await _run(db, lambda inv: inv.deduct(ACTOR, s.product_id, s.main, 1, external_ref="C-1")) == 0
    taken = await _run(
        db, lambda inv: inv.deduct(ACTOR, s.product_id, s.main, 1, reserved=1, external_ref="A-1")
    )
    assert taken == 1
    assert levels(await stock(db, s.product_id)) == {s.main: (0, 0)}
    sales = await operations(db, OperationType.SALE)
    assert [(op.quantity_delta, op.external_ref) for op in sales] == [(-2, "B-1"), (-1, "A-1")]


async def test_return_puts_units_back(db: Database) -> None:
    s = await seed(db, on_hand=1)
    await add_channel_accounts(db)
    await _run(db, lambda inv: inv.deduct(ACTOR, s.product_id, s.main, 1, external_ref="A-1"))
    await _run(db, lambda inv: inv.return_stock(ACTOR, s.product_id, s.second, 1, external_ref="A-1"))
    assert levels(await stock(db, s.product_id)) == {s.main: (0, 0), s.second: (1, 0)}
    assert (await _movements(db))[-1] == (OperationType.RETURN, s.second, None, 1)
    assert {row[3] for row in await outbox(db)} == {2}  # sale and return: two changes


@pytest.mark.parametrize("movement", sorted(MOVEMENTS))
async def test_quantity_must_be_a_positive_whole_number(db: Database, movement: str) -> None:
    s = await seed(db, on_hand=5)
    async with db.transaction() as session:
        for quantity in (0, -1, 1.5, "2", True, MAX_QUANTITY + 1):
            with pytest.raises(ValidationError, match="quantity"):
                await MOVEMENTS[movement](Inventory(session), s, quantity)
    assert len(await operations(db)) == 2  # creation and the seed's receipt


async def test_unknown_product_and_inactive_warehouse(db: Database) -> None:
    s = await seed(db, on_hand=2)
    async with db.transaction() as session:
        inventory = Inventory(session)
        with pytest.raises(NotFoundError, match="product 999"):
            await inventory.receive(ACTOR, 999, s.main, 1)
        with pytest.raises(NotFoundError, match="warehouse 999"):
            await inventory.receive(ACTOR, s.product_id, 999, 1)


async def test_a_failure_halfway_leaves_nothing_behind(db: Database) -> None:
    s = await seed(db)
    await add_channel_accounts(db)
    with pytest.raises(RuntimeError, match="crash after the receive"):
        async with db.transaction() as session:
            inventory = Inventory(session)
            await inventory.receive(ACTOR, s.product_id, s.main, 5)
            await inventory.transfer(ACTOR, s.product_id, s.main, s.second, 2)
            raise RuntimeError("crash after the receive")
    assert levels(await stock(db, s.product_id)) == {}
    assert await _movements(db) == []
    assert await outbox(db) == []


async def test_stock_of_lists_levels_per_warehouse(db: Database) -> None:
    s = await seed(db, on_hand=4)
    async with db.transaction() as session:
        inventory = Inventory(session)
        full = await inventory.stock_of(s.product_id, include_empty=True)
        assert [(level.warehouse_code, level.on_hand) for level in full.levels] == [("MAIN", 4), ("SHOP", 0)]
        assert full.at(s.second) is not None and full.at(999) is None
        assert await inventory.available_by_warehouse(s.product_id) == {s.main: 4}


async def test_stock_changed_listener_fires_after_commit_only(db: Database) -> None:
    s = await seed(db, on_hand=1)
    seen: list[frozenset[int]] = []
    db.on_stock_changed(seen.append)

    def broken(_ids: frozenset[int]) -> None:
        raise RuntimeError("a listener bug must not break the commit")

    db.on_stock_changed(broken)
    with pytest.raises(RuntimeError, match="rolled back"):
        async with db.transaction() as session:
            await Inventory(session).receive(ACTOR, s.product_id, s.main, 1)
            raise RuntimeError("rolled back")
    assert seen == []
    async with db.transaction() as session:
        await Inventory(session).receive(ACTOR, s.product_id, s.main, 1)
        assert seen == []  # not before the commit
    assert seen == [frozenset({s.product_id})]
    async with db.transaction() as session:
        await Inventory(session).stock_of(s.product_id)
    assert len(seen) == 1  # a read-only transaction tells nobody
    assert levels(await stock(db, s.product_id)) == {s.main: (2, 0)}
