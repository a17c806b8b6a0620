"""Single leader on PostgreSQL: two instances, jobs on one only, take-over when the leader dies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import text

from domain.db import Database
from scheduler.leader import PostgresAdvisoryLock, SingleInstanceLock, leader_lock_for
from scheduler.runner import BackgroundRunner
from tests.fakes.stock_channel import FakeChannel, RecordingNotifier, eventually
from tests.integration.seed import add_channel_accounts, outbox, seed
from tests.integration.test_scheduler_runner import FAST, receive

CONFIG = replace(FAST, orders_seconds={"wix": 0.2, "allegro": 0.2}, leader_retry_seconds=0.2)


class Instance:
    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.wix = FakeChannel("wix", self.db)
        self.allegro = FakeChannel("allegro", self.db)
        self.runner = BackgroundRunner(self.db, [self.wix, self.allegro], RecordingNotifier(), CONFIG)

    def pulls(self) -> int:
        return self.wix.count("pull") + self.allegro.count("pull")

    async def close(self) -> None:
        await self.runner.stop()
        await self.db.dispose()


@pytest.fixture
async def two(db: Database, db_url: str, pg_only: None) -> AsyncIterator[tuple[Instance, Instance]]:
    await add_channel_accounts(db)
    first, second = Instance(db_url), Instance(db_url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def kill_connection(db: Database, pid: int) -> None:
    async with db.engine.connect() as conn:
        await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


async def test_jobs_run_on_one_instance_and_move_when_it_dies(
    db: Database, two: tuple[Instance, Instance]
) -> None:
    first, second = two
    await first.runner.start()
    assert await first.runner.wait_leader(5)
    await second.runner.start()
    await eventually(lambda: first.pulls() >= 5)

    assert not second.runner.is_leader and second.runner.scheduled() == {}
    assert second.pulls() == 0

    pid = first.runner.lock.backend_pid  # type: ignore[attr-defined]
    assert pid is not None
    await kill_connection(db, pid)  # what a killed instance looks like to PostgreSQL

    assert await second.runner.wait_leader(5)
    await eventually(lambda: not first.runner.is_leader, seconds=5)
    await eventually(lambda: second.pulls() >= 3)
    frozen = first.pulls()
    await eventually(lambda: second.pulls() >= 8)
    assert first.pulls() == frozen  # the old leader stays a follower: the lock is taken
    assert not first.runner.is_leader


async def test_a_follower_commit_wakes_the_leader_push(db: Database, two: tuple[Instance, Instance]) -> None:
    first, second = two
    seeded = await seed(db, on_hand=1)
    await first.runner.start()
    assert await first.runner.wait_leader(5)
    await second.runner.start()
    await eventually(lambda: _empty(db))
    pushes = first.wix.count("push")

    await receive(second.db, seeded.product_id, seeded.main, 4)  # chat on the follower instance

    await eventually(lambda: _empty(db), seconds=3)  # the push period is an hour
    assert first.wix.count("push") > pushes and second.wix.count("push") == 0


async def _empty(db: Database) -> bool:
    return not await outbox(db)


async def test_stop_releases_the_lock_at_once(db: Database, two: tuple[Instance, Instance]) -> None:
    first, second = two
    await first.runner.start()
    assert await first.runner.wait_leader(5)
    await second.runner.start()
    await first.runner.stop()
    assert await second.runner.wait_leader(3)


async def test_lock_choice_follows_the_database(db_url: str, backend: str) -> None:
    lock = leader_lock_for(db_url)
    assert isinstance(lock, PostgresAdvisoryLock if backend == "postgres" else SingleInstanceLock)
    assert await lock.acquire()
    await lock.release()


async def test_unreachable_postgres_is_not_leadership() -> None:
    lock = PostgresAdvisoryLock("postgresql+asyncpg://postgres@127.0.0.1:1/none", connect_timeout=1)
    assert not await lock.acquire()
    await asyncio.wait_for(lock.release(), 2)
