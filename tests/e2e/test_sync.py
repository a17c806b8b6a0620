"""/sync through the real bot: choose what to reconcile, live progress in ONE edited message (at most
about one edit a second), the report with its problem SKUs, and a second /sync while one runs."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from bot.routers.sync import SyncAction, SyncCb
from domain.db import Database
from domain.models import JobRun, Role
from domain.people import Users
from scheduler.alerts import MUTABLE_KINDS
from scheduler.manual import MANUAL_SYNC_JOB
from tests.e2e.conftest import ADMIN_ID, STAFF_ID, running_bot
from tests.e2e.test_stock_flows import forged_button
from tests.fakes.stock_channel import FakeChannel
from tests.fakes.telegram import FakeTelegram, FakeUser
from tests.integration.seed import add_channel_accounts

NOT_ALLOWED = "Not allowed for your role."


@dataclass
class World:
    db: Database
    fake: FakeTelegram
    wix: FakeChannel
    allegro: FakeChannel
    admin: FakeUser
    staff: FakeUser


@pytest.fixture
async def world(db: Database, fake: FakeTelegram) -> AsyncIterator[World]:
    await add_channel_accounts(db)
    async with db.transaction() as session:
        await Users(session).add(STAFF_ID, Role.STAFF, "Stan Staff")
        admin = await Users(session).add(ADMIN_ID, Role.ADMIN, "Ada")
        admin.muted_alerts = list(MUTABLE_KINDS)  # e.g. the reconnect reminder: not part of these tests
    wix, allegro = FakeChannel("wix", db), FakeChannel("allegro", db)
    allegro.reconcile_gate = asyncio.Event()
    allegro.reconcile_items = 4
    wix.reconcile_problems = {"MUG-2": "not in the Wix catalog", "CUP-<1>": "HTTP 422"}
    async with running_bot(db, fake, channels=[wix, allegro]):
        yield World(
            db,
            fake,
            wix,
            allegro,
            fake.user("Ada", id=ADMIN_ID, language_code="en"),
            fake.user("Stan", id=STAFF_ID, language_code="en"),
        )


def text_of(world: World, message_id: int) -> str:
    return world.fake.message(ADMIN_ID, message_id).text or ""


async def test_progress_in_one_message_then_the_report(world: World) -> None:
    menu = await world.admin.command("sync")
    assert menu.text == "🔄 What should I reconcile with the warehouse now?"
    assert menu.button_texts == [["All channels"], ["allegro · shop"], ["wix · site"]]

    progress = await world.admin.tap(menu, "All channels")
    assert progress.message_id == menu.message_id and "Reconciling" in (progress.text or "")
    await world.fake.wait_until(lambda: "allegro · shop — 1 / 4" in text_of(world, menu.message_id))
    assert "wix · site — waiting" in text_of(world, menu.message_id)

    world.allegro.reconcile_gate.set()  # type: ignore[union-attr]
    await world.fake.wait_until(lambda: "Reconcile finished" in text_of(world, menu.message_id))
    report = world.fake.message(ADMIN_ID, menu.message_id)
    lines = (report.text or "").splitlines()
    assert lines[0].startswith("✅ Reconcile finished in ")
    assert lines[1] == "Checked: 9 · updated: 0 · unchanged: 7 · missing on the channel: 0 · failed: 2"
    assert "✅ allegro · shop — checked 4, updated 0, unchanged 4, missing 0, failed 0" in lines
    assert "✅ wix · site — checked 5, updated 0, unchanged 3, missing 0, failed 2" in lines
    assert report.button_texts == [["Problem SKUs (2)"]]

    problems = await world.admin.tap(report, "Problem SKUs (2)")
    assert problems.message_id != menu.message_id
    assert (problems.text or "").splitlines() == [
        "Problem SKUs",
        "• wix · site — CUP-<1>: HTTP 422",
        "• wix · site — MUG-2: not in the Wix catalog",
    ]

    # Every progress edit went to the same message, no faster than about one per second.
    edits = [
        call.time
        for call in world.fake.calls
        if call.method == "editMessageText" and call.params.get("message_id") == menu.message_id and call.ok
    ]
    assert len(edits) >= 2
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(edits[1:]))


async def test_a_second_sync_shows_the_running_one(world: World) -> None:
    menu = await world.admin.command("sync")
    await world.admin.tap(menu, "allegro · shop")
    await world.fake.wait_until(lambda: "1 / 4" in text_of(world, menu.message_id))

    notice = await world.admin.command("sync")
    assert notice.text == "⏳ A reconcile is already running. Its progress:"
    live = await world.admin.next_message()
    assert "allegro · shop — 1 / 4" in (live.text or "")
    assert world.allegro.count("reconcile") == 1  # nothing new started

    world.allegro.reconcile_gate.set()  # type: ignore[union-attr]
    for message_id in (menu.message_id, live.message_id):  # both copies end with the report
        await world.fake.wait_until(lambda m=message_id: "Reconcile finished" in text_of(world, m))
    async with world.db.sessions() as session:
        manual = await session.scalar(select(func.count()).where(JobRun.job_id == MANUAL_SYNC_JOB))
    assert manual == 1


async def test_staff_cannot_sync(world: World) -> None:
    answer = await world.staff.command("sync")
    assert answer.text == NOT_ALLOWED
    forged = await forged_button(world, world.staff, SyncCb(action=SyncAction.START).pack())  # type: ignore[arg-type]
    refusal = await world.staff.tap(forged, "forged")
    assert refusal.text == NOT_ALLOWED
    assert world.allegro.count("reconcile") == 0


async def test_nothing_to_sync_without_accounts(db: Database, fake: FakeTelegram) -> None:
    async with running_bot(db, fake, channels=[FakeChannel("wix", db)]):
        admin = fake.user("Ada", id=ADMIN_ID, language_code="en")
        answer = await admin.command("sync")
        assert answer.text == "No channel account is connected, so there is nothing to reconcile."
