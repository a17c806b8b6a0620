"""Users, warehouses and reading the operations log, on both engines."""

from __future__ import annotations

import pytest

from domain.actors import Actor
from domain.catalog import Catalog
from domain.db import Database
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.history import read_history
from domain.inventory import Inventory
from domain.models import OperationType, Role
from domain.people import Users, Warehouses
from tests.integration.seed import ACTOR, seed

# --- users ---------------------------------------------------------------------------------------------


async def test_ensure_admins_creates_promotes_and_reactivates(db: Database) -> None:
    async with db.transaction() as session:
        users = Users(session)
        await users.add(11, Role.STAFF, "Ola")
        await users.add(12, Role.ADMIN, "Jan")
        await users.add(13, Role.STAFF)
        await users.add(15, Role.ADMIN)
        await users.deactivate(12)
    async with db.transaction() as session:
        await Users(session).ensure_admins([11, 12, 14])
    async with db.transaction() as session:
        users = Users(session)
        admins = await users.active_admins()
        assert [(u.telegram_id, u.display_name) for u in admins] == [
            (11, "Ola"),
            (12, "Jan"),
            (14, ""),
            (15, ""),
        ]
        staff = await users.by_telegram_id(13)
        assert staff is not None and staff.role == Role.STAFF


async def test_add_again_changes_role_name_and_reactivates(db: Database) -> None:
    async with db.transaction() as session:
        users = Users(session)
        await users.add(1, Role.ADMIN, "Boss")
        await users.add(2, Role.STAFF, "  Ola  ")
        await users.deactivate(2)
        again = await users.add(2, Role.ADMIN, "")
        assert (again.role, again.active, again.display_name) == (Role.ADMIN, True, "Ola")
        assert [u.telegram_id for u in await users.list()] == [1, 2]
        with pytest.raises(ValidationError, match="-5 is not a Telegram user id"):
            await users.add(-5, Role.STAFF)


async def test_the_last_active_admin_cannot_be_removed_or_demoted(db: Database) -> None:
    async with db.transaction() as session:
        users = Users(session)
        await users.add(1, Role.ADMIN, "Boss")
        await users.add(2, Role.ADMIN, "Deputy")
        await users.add(3, Role.STAFF, "Ola")
        await users.deactivate(2)
        with pytest.raises(ValidationError, match="last active admin") as caught:
            await users.deactivate(1)
        assert caught.value.params["reason"] == "last_admin"
        with pytest.raises(ValidationError, match="last active admin"):
            await users.set_role(1, Role.STAFF)
        await users.deactivate(3)  # staff may always go
        with pytest.raises(NotFoundError, match="user 99"):
            await users.deactivate(99)
        assert [u.telegram_id for u in await users.list(include_inactive=False)] == [1]


async def test_user_preferences(db: Database) -> None:
    async with db.transaction() as session:
        users = Users(session)
        user = await users.add(5, Role.STAFF)
        users.touch_profile(user, "Ola K")
        users.set_language(user, "pl")
        assert users.toggle_alert(user, "low_stock") is True
        assert users.toggle_alert(user, "low_stock") is False
        with pytest.raises(ValidationError, match="unknown language xx"):
            users.set_language(user, "xx")
    async with db.transaction() as session:
        stored = await Users(session).by_telegram_id(5)
        assert stored is not None
        assert (stored.display_name, stored.language, stored.muted_alerts) == ("Ola K", "pl", [])


# --- warehouses ----------------------------------------------------------------------------------------


async def test_warehouses_add_list_and_deactivate(db: Database) -> None:
    async with db.transaction() as session:
        warehouses = Warehouses(session)
        main = await warehouses.add(" main ", "  Main   warehouse ")
        assert (main.code, main.name) == ("MAIN", "Main warehouse")
        shop = await warehouses.add("shop-2", "Shop")
        with pytest.raises(ConflictError, match="MAIN already exists"):
            await warehouses.add("Main", "Again")
        with pytest.raises(ValidationError, match="'MAIN WH'"):
            await warehouses.add("main wh", "Bad code")
        with pytest.raises(ValidationError, match="name"):
            await warehouses.add("EMPTY", "   ")
        await warehouses.set_active(shop.id, False)
        assert [w.code for w in await warehouses.list()] == ["MAIN"]
        assert [w.code for w in await warehouses.list(include_inactive=True)] == ["MAIN", "SHOP-2"]
        found = await warehouses.by_code("shop-2")
        assert found is not None and found.id == shop.id
        with pytest.raises(NotFoundError):
            await warehouses.get(999)


async def test_an_inactive_warehouse_receives_nothing_but_can_be_emptied(db: Database) -> None:
    s = await seed(db, on_hand=2)
    async with db.transaction() as session:
        await Warehouses(session).set_active(s.main, False)
    async with db.transaction() as session:
        inventory = Inventory(session)
        with pytest.raises(NotFoundError, match="inactive"):
            await inventory.receive(ACTOR, s.product_id, s.main, 1)
        with pytest.raises(NotFoundError, match="inactive"):
            await inventory.transfer(ACTOR, s.product_id, s.second, s.main, 1)
        await inventory.transfer(ACTOR, s.product_id, s.main, s.second, 1)
        await inventory.write_off(ACTOR, s.product_id, s.main, 1, "lost")


# --- history -------------------------------------------------------------------------------------------


async def _history_fixture(db: Database) -> tuple[int, int, int]:
    """A product with a receipt by a person, a transfer by the CLI and an edit; returns ids."""
    s = await seed(db, on_hand=5)
    async with db.transaction() as session:
        ola = await Users(session).add(777, Role.STAFF, "Ola")
        person = Actor.person(ola.id, ola.telegram_id)
        inventory = Inventory(session)
        await inventory.receive(person, s.product_id, s.second, 2)
        await inventory.transfer(ACTOR, s.product_id, s.main, s.second, 3)
        await Catalog(session).edit(person, s.product_id, None, name="Kubek")
        other = await Catalog(session).create(ACTOR, sku="OTHER-1", name="Other")
        return s.product_id, ola.id, other.id


async def test_history_is_newest_first_with_warehouse_codes_and_names(db: Database) -> None:
    product_id, _ola_id, _other = await _history_fixture(db)
    async with db.transaction() as session:
        page = await read_history(session, product_id=product_id, limit=10)
    assert page.total == 5 and not page.has_next
    assert [e.type for e in page.entries] == [
        OperationType.PRODUCT_EDIT,
        OperationType.TRANSFER,
        OperationType.RECEIPT,
        OperationType.RECEIPT,
        OperationType.PRODUCT_CREATE,
    ]
    edit, transfer, receipt_by_ola, receipt_seed, _create = page.entries
    assert (edit.user_name, edit.actor, edit.changes) == ("Ola", "user:777", {"name": ["Łódź mug", "Kubek"]})
    assert (transfer.warehouse_code, transfer.to_warehouse_code, transfer.quantity_delta) == (
        "MAIN",
        "SHOP",
        3,
    )
    assert (transfer.user_name, transfer.actor) == (None, "cli")
    assert (receipt_by_ola.warehouse_code, receipt_by_ola.quantity_delta) == ("SHOP", 2)
    assert receipt_seed.warehouse_code == "MAIN"
    assert all(entry.sku for entry in page.entries)
    assert page.entries[0].created_at >= page.entries[-1].created_at


async def test_history_filters_and_paging(db: Database) -> None:
    product_id, ola_id, other_id = await _history_fixture(db)
    async with db.transaction() as session:
        everything = await read_history(session, limit=3)
        assert (everything.total, len(everything.entries), everything.has_next) == (6, 3, True)
        assert everything.entries[0].product_id == other_id
        rest = await read_history(session, limit=3, offset=3)
        assert (len(rest.entries), rest.has_next) == (3, False)
        assert {e.id for e in everything.entries}.isdisjoint({e.id for e in rest.entries})

        receipts = await read_history(session, types=[OperationType.RECEIPT])
        assert [e.quantity_delta for e in receipts.entries] == [2, 5]
        by_ola = await read_history(session, user_id=ola_id)
        assert [e.type for e in by_ola.entries] == [OperationType.PRODUCT_EDIT, OperationType.RECEIPT]
        by_cli = await read_history(session, actor="cli", product_id=product_id)
        assert by_cli.total == 3
        edits_of_other = await read_history(session, product_id=other_id, types=[OperationType.PRODUCT_EDIT])
        assert (edits_of_other.total, edits_of_other.entries) == (0, [])
