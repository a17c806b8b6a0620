"""aiogram FSM storage in the database (table `fsm_states`): flows survive a restart and are shared by
every instance behind a load balancer.

Every write is a short transaction of its own, never the update's unit of work: the state is what the
user was last shown (like a message already sent), so a handler error that rolls the unit of work back
must not roll the flow back too.

On SQLite that unit of work holds the database's write lock from its first statement (`BEGIN
IMMEDIATE`) until the update ends, so a second transaction writing during the handler would wait for
it forever. Hence `UpdateIsolation`, given to the Dispatcher as its events isolation: around the whole
update (outside the unit of work) it reads every row of the conversation (one per destiny) before the
handler runs, keeps them in memory, and writes the changed ones once the update is done — one read and
at most one write per update — while later updates of the same conversation wait, so they never read
a state older than the last one written. Outside an update (tests, tools) every call reads or writes
at once.

Data must be JSON: bytes (an uploaded CSV) and processed photos are encoded at this boundary; any other
value is refused when it is stored, not when the update ends.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections import Counter
from collections.abc import AsyncGenerator, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.db import Database, read_only_transaction
from domain.images import ProcessedImage
from domain.models import FsmState
from domain.upsert import insert_for

BYTES_TAG = "$bytes"
IMAGE_TAG = "$image"


def conversation_prefix(key: StorageKey) -> str:
    """What the keys of one conversation's rows (one per destiny) start with."""
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id or "", key.business_connection_id or "")
    return "".join(f"{part}:" for part in parts)


def storage_key(key: StorageKey) -> str:
    return conversation_prefix(key) + key.destiny


def to_json(value: Any) -> Any:
    """A JSON-friendly copy of `value`; TypeError for what cannot be stored."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # a StrEnum member is stored as its value
    if isinstance(value, bytes):
        return {BYTES_TAG: base64.b64encode(value).decode("ascii")}
    if isinstance(value, ProcessedImage):
        fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        return {IMAGE_TAG: to_json(fields)}
    if isinstance(value, Mapping):
        if not all(isinstance(name, str) for name in value):
            raise TypeError("FSM data keys must be strings")
        return {name: to_json(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    raise TypeError(f"FSM data cannot hold a {type(value).__name__}")


def from_json(value: Any) -> Any:
    if isinstance(value, list):
        return [from_json(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.keys() == {BYTES_TAG}:
        return base64.b64decode(value[BYTES_TAG])
    if value.keys() == {IMAGE_TAG}:
        return ProcessedImage(**from_json(value[IMAGE_TAG]))
    return {name: from_json(item) for name, item in value.items()}


@dataclass(slots=True)
class _Row:
    state: str | None = None
    data: dict[str, Any] = dataclasses.field(default_factory=dict)  # JSON form (`to_json`)
    changed: bool = False


@dataclass(slots=True)
class _Update:
    """The FSM rows of the update being handled, by key: every row of its conversation is read when it
    starts, so none is read while its unit of work holds SQLite's write lock."""

    conversation: str
    rows: dict[str, _Row]
    connection: AsyncConnection


_current_update: ContextVar[_Update | None] = ContextVar("fsm_current_update", default=None)


def update_connection() -> AsyncConnection | None:
    """The pooled connection of the update being handled, for its unit of work (see UpdateIsolation)."""
    update = _current_update.get()
    return None if update is None else update.connection


class DatabaseStorage(BaseStorage):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state

        def change(row: _Row) -> None:
            row.state = value

        await self._change(key, change)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(key)).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        encoded = to_json(data)

        def change(row: _Row) -> None:
            row.data = encoded

        await self._change(key, change)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        data: dict[str, Any] = from_json((await self._read(key)).data)
        return data

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        encoded = to_json(dict(data))
        merged: dict[str, Any] = {}

        def change(row: _Row) -> None:
            row.data = {**row.data, **encoded}
            merged.update(from_json(row.data))

        await self._change(key, change)
        return merged

    async def close(self) -> None:
        """Nothing to close: the Database belongs to the application."""

    async def _read(self, key: StorageKey) -> _Row:
        update = _current_update.get()
        name = storage_key(key)
        if update is None:
            async with self.db.transaction() as session:
                return await _load(session, name)
        if name not in update.rows:
            if name.startswith(update.conversation):  # not there when the update started
                update.rows[name] = _Row()
            else:  # another conversation's row (no flow reads one); on SQLite, read it before the
                # unit of work's first statement, or this waits for the write lock
                async with self.db.transaction() as session:
                    update.rows[name] = await _load(session, name)
        return update.rows[name]

    async def _change(self, key: StorageKey, change: Callable[[_Row], None]) -> None:
        if _current_update.get() is not None:
            row = await self._read(key)
            change(row)
            row.changed = True
            return
        name = storage_key(key)
        async with self.db.transaction() as session:
            row = await _load(session, name, lock=True)
            change(row)
            await self._store(session, name, row)

    async def load_conversation(self, key: StorageKey, connection: AsyncConnection) -> _Update:
        conversation = conversation_prefix(key)
        query = select(FsmState.key, FsmState.state, FsmState.data).where(
            FsmState.key.startswith(conversation, autoescape=True)
        )
        async with read_only_transaction(connection):
            found = (await connection.execute(query)).all()
        rows = {row.key: _Row(row.state, row.data or {}) for row in found}
        return _Update(conversation, rows, connection)

    async def flush(self, update: _Update) -> None:
        """Write the rows an update changed, in one transaction on the update's connection."""
        changed = {name: row for name, row in update.rows.items() if row.changed}
        if not changed:
            return
        async with update.connection.begin():
            for name, row in changed.items():
                await self._store(update.connection, name, row)

    async def _store(self, session: AsyncSession | AsyncConnection, name: str, row: _Row) -> None:
        if row.state is None and not row.data:  # a finished flow leaves no row behind
            await session.execute(delete(FsmState).where(FsmState.key == name))
            return
        insert = insert_for(self.db.engine.dialect.name, FsmState)
        stmt = insert.values(key=name, state=row.state, data=row.data)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["key"],
                set_={"state": stmt.excluded.state, "data": stmt.excluded.data, "updated_at": func.now()},
            )
        )


async def _load(session: AsyncSession, name: str, *, lock: bool = False) -> _Row:
    query = select(FsmState.state, FsmState.data).where(FsmState.key == name)
    found = (await session.execute(query.with_for_update() if lock else query)).first()
    return _Row() if found is None else _Row(found.state, found.data or {})


class UpdateIsolation(BaseEventIsolation):
    """The Dispatcher's events isolation for a DatabaseStorage: one update at a time per conversation,
    its FSM changes written when it ends (see the module's doc).

    The update takes one pooled connection for all its transactions (FSM read, unit of work, FSM
    write, one after another): each checkout costs a liveness ping to the server, and three of them
    were a fifth of the bot's CPU per update."""

    def __init__(self, storage: DatabaseStorage) -> None:
        self.storage = storage
        self._locks: dict[StorageKey, asyncio.Lock] = {}
        self._holders: Counter[StorageKey] = Counter()  # updates holding or waiting for each lock

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] += 1
        try:
            async with lock, self.storage.db.engine.connect() as connection:
                update = await self.storage.load_conversation(key, connection)
                token = _current_update.set(update)
                try:
                    yield
                finally:
                    _current_update.reset(token)
                    await self.storage.flush(update)
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:  # nobody waits: memory stays bounded
                del self._holders[key], self._locks[key]

    async def close(self) -> None:
        """Nothing to release: a lock lives only while an update holds or waits for it."""
