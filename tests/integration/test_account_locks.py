"""The per-account lock across processes (`scheduler.account_locks`), on both engines.

Two `AccountLocks` on one database stand for two processes: each has its own in-process locks, so only
the shared layer (a PostgreSQL advisory lock on its own connection, or a flock on its own open file
description) keeps them apart. Dead holders and the CLI backfill are real processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from domain.channels import AccountRef
from domain.db import Database
from domain.models import AccountState
from scheduler.account_locks import AccountLocks, advisory_key, lock_directory
from scheduler.work import ChannelWork
from tests.fakes.stock_channel import FakeChannel, eventually
from tests.integration.account_lock_holder import HELD
from tests.integration.allegro_world import World, allegro, world
from tests.integration.seed import add_channel_accounts
from tests.integration.test_allegro_cli import cli_env

__all__ = ["allegro", "world"]  # fixtures

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 20.0  # a process start (imports) on a busy machine
SHOP = AccountRef("allegro", 1, "shop", AccountState.ACTIVE)
OTHER = AccountRef("allegro", 2, "other", AccountState.ACTIVE)


async def never_waits() -> None:
    raise AssertionError("the lock was not free at once")


class Waiter:
    """`hold(ref)` in a task: `waiting` is set once it found the lock taken, `inside` once it got in."""

    def __init__(self, locks: AccountLocks, ref: AccountRef) -> None:
        self.waiting = asyncio.Event()
        self.inside = asyncio.Event()
        self.leave = asyncio.Event()
        self.task = asyncio.create_task(self._run(locks, ref))

    async def _on_wait(self) -> None:
        self.waiting.set()

    async def _run(self, locks: AccountLocks, ref: AccountRef) -> None:
        async with locks.hold(ref, on_wait=self._on_wait):
            self.inside.set()
            await self.leave.wait()


@pytest.fixture
async def two(db_url: str) -> tuple[AccountLocks, AccountLocks]:
    return AccountLocks(db_url), AccountLocks(db_url)


@asynccontextmanager
async def process(*args: str, env: dict[str, str] | None = None) -> AsyncIterator[asyncio.subprocess.Process]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def read_until(stream: asyncio.StreamReader | None, text: str) -> str:
    assert stream is not None
    async with asyncio.timeout(DEADLINE):
        while line := (await stream.readline()).decode():
            if text in line:
                return line
    raise AssertionError(f"the process ended without printing {text!r}")


async def test_one_holder_per_account_and_accounts_apart(two: tuple[AccountLocks, AccountLocks]) -> None:
    first, second = two
    async with first.hold(SHOP):
        async with second.hold(OTHER, on_wait=never_waits):
            assert second.busy(OTHER)
        waiter = Waiter(second, SHOP)
        await asyncio.wait_for(waiter.waiting.wait(), DEADLINE)
        assert not waiter.inside.is_set()
        assert first.busy(SHOP) and not first.busy(OTHER)
    await asyncio.wait_for(waiter.inside.wait(), DEADLINE)
    waiter.leave.set()
    await waiter.task
    async with first.hold(SHOP, on_wait=never_waits):
        pass


async def test_a_waiter_in_the_same_process_is_told_too(db_url: str) -> None:
    locks = AccountLocks(db_url)
    async with locks.hold(SHOP):
        waiter = Waiter(locks, SHOP)
        await asyncio.wait_for(waiter.waiting.wait(), DEADLINE)
    await asyncio.wait_for(waiter.inside.wait(), DEADLINE)
    waiter.leave.set()
    await waiter.task


async def test_a_cancelled_waiter_leaves_nothing_held(
    two: tuple[AccountLocks, AccountLocks], db_url: str
) -> None:
    first, second = two
    async with first.hold(SHOP):
        waiter = Waiter(second, SHOP)
        await asyncio.wait_for(waiter.waiting.wait(), DEADLINE)
        waiter.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter.task
        assert not second.busy(SHOP)
    async with AccountLocks(db_url).hold(SHOP, on_wait=never_waits):
        pass
    async with second.hold(SHOP, on_wait=never_waits):
        pass


async def test_a_holder_cancelled_inside_gives_the_lock_back(two: tuple[AccountLocks, AccountLocks]) -> None:
    first, second = two
    holder = Waiter(first, SHOP)
    await asyncio.wait_for(holder.inside.wait(), DEADLINE)
    holder.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await holder.task
    async with second.hold(SHOP, on_wait=never_waits):
        pass


async def test_a_killed_holder_process_frees_the_lock(db_url: str) -> None:
    locks = AccountLocks(db_url)
    holder = "tests.integration.account_lock_holder"
    async with process("-m", holder, db_url, SHOP.channel, str(SHOP.account_id)) as proc:
        await read_until(proc.stdout, HELD)
        waiter = Waiter(locks, SHOP)
        await asyncio.wait_for(waiter.waiting.wait(), DEADLINE)
        assert not waiter.inside.is_set()
        proc.send_signal(signal.SIGKILL)  # no finally runs: only the OS or the server can free it
        await proc.wait()
        await asyncio.wait_for(waiter.inside.wait(), DEADLINE)
        waiter.leave.set()
        await waiter.task


async def test_a_job_of_another_instance_waits_for_the_account(db: Database, db_url: str) -> None:
    allegro_id, _wix_id = await add_channel_accounts(db)
    channel = FakeChannel("allegro", db)
    work = ChannelWork(db, [channel], on_stock_changed=lambda: None)
    ref = next(ref for ref in await work.active() if ref.account_id == allegro_id)

    async with AccountLocks(db_url).hold(ref):  # a /sync on another instance, or the CLI
        pull = asyncio.create_task(work.pull(ref))
        await eventually(lambda: work.locks.busy(ref))
        assert channel.count("pull") == 0
    result = await asyncio.wait_for(pull, DEADLINE)
    assert result.error is None and channel.count("pull") == 1


def test_keys_and_files_are_the_same_in_every_process(tmp_path: Path) -> None:
    assert advisory_key("allegro:1") == -3301087281114948734  # a digest, never the salted hash()
    assert advisory_key("allegro:1") != advisory_key("allegro:2")
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    assert lock_directory(url) == Path(f"{tmp_path / 'w.db'}.locks")
    assert lock_directory("sqlite+aiosqlite:///:memory:") is None
    assert lock_directory("sqlite+aiosqlite://") is None


async def test_sqlite_locks_are_files_beside_the_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    async with AccountLocks(url).hold(SHOP):
        assert (tmp_path / "w.db.locks" / "allegro_1.lock").exists()
    memory = AccountLocks("sqlite+aiosqlite:///:memory:")
    assert memory.description.startswith("in-process")
    async with memory.hold(SHOP):
        assert memory.busy(SHOP)
    assert not memory.busy(SHOP)


async def test_a_sqlite_bot_never_loads_asyncpg(tmp_path: Path) -> None:
    script = (
        "import asyncio, sys\n"
        "import bot.cli.allegro, scheduler.runner\n"
        "from domain.channels import AccountRef\n"
        "from domain.models import AccountState\n"
        "from scheduler.account_locks import AccountLocks\n"
        "from scheduler.leader import leader_lock_for\n"
        "SHOP = AccountRef('allegro', 1, 'shop', AccountState.ACTIVE)\n"
        f"url = 'sqlite+aiosqlite:///{tmp_path / 'w.db'}'\n"
        "async def main():\n"
        "    async with AccountLocks(url).hold(SHOP):\n"
        "        await leader_lock_for(url).acquire()\n"
        "asyncio.run(main())\n"
        "print(sorted(name for name in sys.modules if name.startswith('asyncpg')))\n"
    )
    async with process("-c", script) as proc:
        out, err = await asyncio.wait_for(proc.communicate(), DEADLINE)
    assert proc.returncode == 0, err.decode()
    assert out.decode().strip() == "[]"


async def test_the_cli_backfill_waits_for_the_bots_pull_of_the_account(world: World) -> None:
    account_id = await world.account("shop")
    ref = AccountRef("allegro", account_id, "shop", AccountState.ACTIVE)
    pull = Waiter(AccountLocks(world.db.url), ref)  # what the bot's order pull holds
    await asyncio.wait_for(pull.inside.wait(), DEADLINE)
    async with process("-m", "bot.cli", "allegro", "backfill", "shop", "7", env=cli_env(world)) as cli:
        line = await read_until(cli.stderr, "waiting")
        assert line.strip() == "waiting for the bot's pull of shop to finish…"
        assert not [r for r in world.fake.requests if r.path.startswith("/order/")]
        pull.leave.set()
        await pull.task
        out, err = await asyncio.wait_for(cli.communicate(), DEADLINE)
    assert cli.returncode == 0, err.decode()
    assert out.decode() == "the next run reads events after the oldest one Allegro keeps\n"
    assert [r for r in world.fake.requests if r.path.startswith("/order/")]
