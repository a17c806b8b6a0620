"""A real process applying order events is killed with SIGKILL in the middle of a page, then restarted:
every order line is applied exactly once, on SQLite (a file) and on PostgreSQL.

The process is `tests.integration.allegro_worker` (the production channel, one `pull_orders`); it can be
told to stop inside a page's transaction, so each kill is known to land mid-page.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

from domain.models import OperationType, OrderLineState
from tests.integration.allegro_worker import PAGE
from tests.integration.allegro_world import World, allegro, line, world

__all__ = ["allegro", "world"]  # fixtures

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 30.0


async def _start(world: World, account: int, *pause: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "FAKE_ALLEGRO_CLIENT_ID": world.fake.client_id,
        "FAKE_ALLEGRO_CLIENT_SECRET": world.fake.client_secret,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.integration.allegro_worker",
        world.db.url,
        world.fake.url,
        str(account),
        *pause,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _said(process: asyncio.subprocess.Process, word: str) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        text = (await asyncio.wait_for(process.stdout.readline(), deadline - time.monotonic())).decode()
        if text.startswith(word):
            return text
        if not text:
            break
    stderr = (await process.stderr.read()).decode() if process.stderr else ""
    raise AssertionError(f"the worker never said {word}: {stderr[-2000:]}")


async def _kill_mid_page(world: World, account: int, statement: str, occurrence: int) -> None:
    process = await _start(world, account, statement, str(occurrence))
    await _said(process, "PAUSED")
    process.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(process.wait(), DEADLINE) == -signal.SIGKILL


async def test_a_worker_killed_mid_page_applies_every_line_exactly_once(world: World) -> None:
    product = await world.product("MUG-1", {world.main: 10_000})
    account = await world.account()
    forms = [str(uuid.uuid4()) for _ in range(300)]
    for form in forms:
        world.fake.add_order_event("BOUGHT", form, [line("1", "MUG-1", 1)])
    for form in forms[:150]:
        last = world.fake.add_order_event("READY_FOR_PROCESSING", form)  # 450 events: 5 pages
    page_ends = [world.fake.seller().events[n * PAGE - 1]["id"] for n in (1, 2)]

    # Killed while inserting the second page's operations: the first page stays, the second is gone.
    await _kill_mid_page(world, account, "INSERT INTO operations", 2)
    assert await world.tracker(account) == page_ends[0]
    assert await world.count_lines() == PAGE

    # Restarted and killed again with the whole page written, right before the tracker moves.
    await _kill_mid_page(world, account, "UPDATE allegro_event_trackers", 1)
    assert await world.tracker(account) == page_ends[0]
    assert await world.count_lines() == PAGE

    finished = await _start(world, account)
    assert (await _said(finished, "DONE")).split() == ["DONE", "350"]
    assert await asyncio.wait_for(finished.wait(), DEADLINE) == 0

    assert await world.tracker(account) == last
    reserves = Counter(op.external_ref for op in await world.operations(OperationType.RESERVE))
    sales = Counter(op.external_ref for op in await world.operations(OperationType.SALE))
    assert reserves == dict.fromkeys(forms, 1)
    assert sales == dict.fromkeys(forms[:150], 1)
    assert Counter(row.state for row in await world.lines()) == {
        OrderLineState.DEDUCTED: 150,
        OrderLineState.RESERVED: 150,
    }
    assert await world.levels(product) == {world.main: (10_000 - 150, 150)}
