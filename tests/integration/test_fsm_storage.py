"""DatabaseStorage on both engines: state and data per key, finished flows leave no row, a new storage
on the same database sees what the old one wrote, and an update's changes are written when it ends."""

from __future__ import annotations

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select

from bot.fsm_storage import DatabaseStorage, UpdateIsolation, from_json, storage_key, to_json
from domain.db import Database
from domain.images import ProcessedImage
from domain.models import FsmState

BOT_ID = 42


class Flow(StatesGroup):
    first = State()
    second = State()


def key(user_id: int = 1, chat_id: int | None = None, destiny: str = "default") -> StorageKey:
    return StorageKey(bot_id=BOT_ID, chat_id=chat_id or user_id, user_id=user_id, destiny=destiny)


async def rows(db: Database) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(FsmState)) or 0)


async def test_set_get_update_and_clear(db: Database) -> None:
    storage = DatabaseStorage(db)
    assert await storage.get_state(key()) is None
    assert await storage.get_data(key()) == {}
    await storage.set_state(key(), Flow.first)
    await storage.set_data(key(), {"flow": "ab12", "product_id": 7})
    assert await storage.get_state(key()) == Flow.first.state
    merged = await storage.update_data(key(), {"value": ["A", "B"]})
    assert merged == {"flow": "ab12", "product_id": 7, "value": ["A", "B"]}
    merged["value"].append("C")  # callers get copies
    assert await storage.get_data(key()) == {"flow": "ab12", "product_id": 7, "value": ["A", "B"]}
    assert await storage.get_value(key(), "product_id") == 7
    await storage.set_state(key(), "Flow:second")
    assert await storage.get_state(key()) == "Flow:second"
    assert await rows(db) == 1

    await storage.set_state(key(), None)
    assert await rows(db) == 1  # data is still there
    await storage.set_data(key(), {})
    assert await rows(db) == 0  # a finished flow leaves no row
    assert await storage.get_state(key()) is None and await storage.get_data(key()) == {}


async def test_keys_isolate_users_chats_and_destinies(db: Database) -> None:
    storage = DatabaseStorage(db)
    await storage.set_state(key(1), Flow.first)
    await storage.set_data(key(1), {"who": "one"})
    await storage.set_state(key(2), Flow.second)
    await storage.set_data(key(1, chat_id=-100), {"who": "group"})
    await storage.set_data(key(1, destiny="searches"), {"t": "mug"})
    assert await storage.get_state(key(1)) == Flow.first.state
    assert await storage.get_state(key(2)) == Flow.second.state
    assert await storage.get_state(key(1, chat_id=-100)) is None
    assert await storage.get_data(key(1)) == {"who": "one"}
    assert await storage.get_data(key(2)) == {}
    assert await storage.get_data(key(1, chat_id=-100)) == {"who": "group"}
    assert await storage.get_data(key(1, destiny="searches")) == {"t": "mug"}
    thread = StorageKey(bot_id=BOT_ID, chat_id=1, user_id=1, thread_id=5)
    other_bot = StorageKey(bot_id=BOT_ID + 1, chat_id=1, user_id=1)
    business = StorageKey(bot_id=BOT_ID, chat_id=1, user_id=1, business_connection_id="bc")
    for other in (thread, other_bot, business):
        assert await storage.get_state(other) is None


async def test_a_new_storage_on_the_same_database_sees_the_flow(db: Database, db_url: str) -> None:
    await DatabaseStorage(db).set_state(key(), Flow.second)
    await DatabaseStorage(db).update_data(key(), {"csv": b"sku;name\n", "flow": "f1"})
    restarted = Database(db_url)
    try:
        storage = DatabaseStorage(restarted)
        assert await storage.get_state(key()) == Flow.second.state
        assert await storage.get_data(key()) == {"csv": b"sku;name\n", "flow": "f1"}
    finally:
        await restarted.dispose()


async def test_an_update_writes_its_changes_when_it_ends(db: Database) -> None:
    storage = DatabaseStorage(db)
    isolation = UpdateIsolation(storage)
    await storage.set_data(key(), {"kept": 1})
    async with isolation.lock(key()), db.transaction() as unit_of_work:
        # The handler's unit of work: on SQLite it holds the write lock from its first statement.
        stored = select(FsmState.state).where(FsmState.key == storage_key(key()))
        assert await unit_of_work.scalar(stored) is None
        await storage.set_state(key(), Flow.first)
        await storage.update_data(key(), {"value": 2})
        assert await storage.get_state(key()) == Flow.first.state
        assert await storage.get_data(key()) == {"kept": 1, "value": 2}
        assert await unit_of_work.scalar(stored) is None  # not written yet
        searches = key(destiny="searches")  # another row of the conversation, new in this update
        await storage.update_data(searches, {"t": "mug"})
        assert await storage.get_data(searches) == {"t": "mug"}
    assert await DatabaseStorage(db).get_state(key()) == Flow.first.state
    assert await DatabaseStorage(db).get_data(key()) == {"kept": 1, "value": 2}
    assert await DatabaseStorage(db).get_data(key(destiny="searches")) == {"t": "mug"}

    async with isolation.lock(key()):
        await storage.set_state(key(), None)
        await storage.set_data(key(), {})
    assert await rows(db) == 1  # the searches' row


async def test_changes_are_kept_when_the_update_fails(db: Database) -> None:
    storage = DatabaseStorage(db)
    with pytest.raises(RuntimeError):
        async with UpdateIsolation(storage).lock(key()):
            await storage.set_state(key(), Flow.second)
            raise RuntimeError("the handler failed after the user saw the next step")
    assert await storage.get_state(key()) == Flow.second.state


def test_json_boundary_keeps_bytes_and_photos_and_refuses_the_rest() -> None:
    image = ProcessedImage(b"\x00webp", b"\x01thumb", 640, 480, "JPEG")
    data = {"csv": b"a;b", "image": image, "eans": ("1", "2"), "n": None}
    assert from_json(to_json(data)) == {"csv": b"a;b", "image": image, "eans": ["1", "2"], "n": None}
    with pytest.raises(TypeError):
        to_json({"when": object()})
    with pytest.raises(TypeError):
        to_json({1: "not a string key"})
