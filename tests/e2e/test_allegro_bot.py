"""/allegro through the real bot (run_bot with the background runner) against FakeTelegram and
FakeAllegro: connect by the device flow with the code shown grouped, the account card, warehouse
priority, a backfill (after the account's running order pull, never beside it), and reconnecting an
account that needs it."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from domain.channels import AccountRef
from domain.db import Database
from domain.models import AccountState, AllegroAccount, Role
from domain.people import Users, Warehouses
from scheduler.account_locks import AccountLocks
from scheduler.alerts import MUTABLE_KINDS
from tests.e2e.conftest import ADMIN_ID, STAFF_ID, running_bot
from tests.fakes.allegro import DEFAULT_SELLER, FakeAllegro
from tests.fakes.stock_channel import eventually
from tests.fakes.telegram import FakeTelegram, FakeUser

CODE = re.compile(r"confirm the code ([0-9a-z]{3} [0-9a-z]{3} [0-9a-z]{3})")
SLOW = 10.0  # the fake asks for polls every second
HOLD = 1.5  # how long the fake keeps a pull's page of order events


@dataclass
class World:
    db: Database
    telegram: FakeTelegram
    allegro: FakeAllegro
    admin: FakeUser
    staff: FakeUser

    async def next(self) -> str:
        return (await self.telegram.next_bot_message(ADMIN_ID, timeout=SLOW)).text or ""

    async def until(self, message_id: int, text: str) -> str:
        await self.telegram.wait_until(
            lambda: text in (self.telegram.message(ADMIN_ID, message_id).text or ""), timeout=SLOW
        )
        return self.telegram.message(ADMIN_ID, message_id).text or ""


@pytest.fixture
async def world(db: Database, fake: FakeTelegram, request: pytest.FixtureRequest) -> AsyncIterator[World]:
    """Settings beyond the fake's hosts come from indirect parametrisation (a dict), if any."""
    settings: dict[str, object] = getattr(request, "param", {})
    async with db.transaction() as session:
        await Users(session).add(STAFF_ID, Role.STAFF, "Stan Staff")
        admin = await Users(session).add(ADMIN_ID, Role.ADMIN, "Ada")
        admin.muted_alerts = list(MUTABLE_KINDS)  # background alerts are not what these tests read
        await Warehouses(session).add("MAIN", "Main")
        await Warehouses(session).add("SHOP", "Shop")
    async with FakeAllegro() as allegro:
        allegro.device_interval = 1
        allegro.device_steps = ["pending", "approve"]
        async with running_bot(
            db,
            fake,
            allegro_client_id=allegro.client_id,
            allegro_client_secret=allegro.client_secret,
            allegro_api_url=allegro.url,
            allegro_auth_url=allegro.url,
            **settings,
        ):
            yield World(
                db,
                fake,
                allegro,
                fake.user("Ada", id=ADMIN_ID, language_code="en"),
                fake.user("Stan", id=STAFF_ID, language_code="en"),
            )
        assert allegro.contract_violations == []


async def test_connect_by_device_flow_then_manage_the_account(world: World) -> None:
    world.allegro.add_offer("MUG-1")
    latest = world.allegro.add_order_event(
        "BOUGHT", str(uuid.uuid4()), [(str(uuid.uuid4()), "1", "MUG-1", 1)]
    )

    menu = await world.admin.command("allegro")
    assert "No Allegro account is connected yet." in (menu.text or "")
    asking = await world.admin.tap(menu, "Connect an Allegro account")
    assert asking.text == "Asking Allegro for a code…"

    instructions = await world.next()
    link = f"{world.allegro.url}/skojarz-aplikacje?code="
    assert link in instructions
    code = CODE.search(instructions)
    assert code is not None and code.group(1).replace(" ", "") in instructions.split(link)[1]
    done = await world.until(asking.message_id, "Connected as")
    assert done.splitlines()[0] == (
        f"✅ Connected as seller-{DEFAULT_SELLER} (account seller-{DEFAULT_SELLER}). "
        "New orders are read from now on."
    )
    assert "0 of 1 offers are linked to products by SKU" in done
    assert "MUG-1: no product with this SKU" in done

    listing = await world.admin.command("allegro")
    assert f"• seller-{DEFAULT_SELLER} — active · orders read up to {latest} · 0 linked offers" in (
        listing.text or ""
    )
    card = await world.admin.tap(listing, f"seller-{DEFAULT_SELLER}")
    assert "State: active" in (card.text or "") and "all warehouses, by number" in (card.text or "")
    assert "Connect again" not in str(card.button_texts)

    ask = await world.admin.tap(card, "Warehouses")
    assert "MAIN SHOP" in (ask.text or "")
    saved = await world.admin.say("shop, main")
    assert saved.text == f"seller-{DEFAULT_SELLER} now takes sold stock from SHOP > MAIN."
    card = await world.admin.next_message()
    assert "Sold stock is taken from: SHOP > MAIN" in (card.text or "")

    await world.admin.tap(card, "Read orders again")
    assert (await world.admin.say("99")).text == "Send a whole number from 1 to 60."
    running = await world.admin.say("7")
    assert running.text == "Looking for the first order event of the last 7 days…"
    assert "the next run reads the orders of the last 7 days" in await world.until(running.message_id, "Done")


async def test_reconnect_an_account_that_needs_it(world: World) -> None:
    world.allegro.device_steps = ["approve"]
    menu = await world.admin.command("allegro")
    asking = await world.admin.tap(menu, "Connect an Allegro account")
    await world.until(asking.message_id, "Connected as")
    async with world.db.transaction() as session:
        await session.execute(
            update(AllegroAccount).values(state=AccountState.NEEDS_RECONNECT, last_error="token refused")
        )

    listing = await world.admin.command("allegro")
    assert "needs to be connected again" in (listing.text or "")
    card = await world.admin.tap(listing, f"seller-{DEFAULT_SELLER}")
    assert "Last error: token refused" in (card.text or "")
    again = await world.admin.tap(card, "Connect again")
    assert (await world.until(again.message_id, "Connected as")).startswith("✅ Connected as")

    listing = await world.admin.command("allegro")
    assert "— active" in (listing.text or "")


async def test_a_refused_approval_and_staff_access(world: World) -> None:
    world.allegro.device_steps = ["deny"]
    menu = await world.admin.command("allegro")
    asking = await world.admin.tap(menu, "Connect an Allegro account")
    assert "Access was refused" in await world.until(asking.message_id, "refused")

    refused = await world.staff.command("allegro")
    assert refused.text == "Not allowed for your role."


@pytest.mark.parametrize("world", [{"allegro_poll_seconds": 1}], indirect=True)
async def test_a_backfill_waits_for_the_running_order_pull_of_the_account(world: World) -> None:
    world.allegro.device_steps = ["approve"]
    menu = await world.admin.command("allegro")
    asking = await world.admin.tap(menu, "Connect an Allegro account")
    await world.until(asking.message_id, "Connected as")
    card = await world.admin.tap(await world.admin.command("allegro"), f"seller-{DEFAULT_SELLER}")
    await world.admin.tap(card, "Read orders again")

    since = len(world.allegro.requests)
    world.allegro.slow(HOLD, path="/order/events")  # the next pull stops mid-page

    def held() -> list[int]:
        return [
            index
            for index, request in enumerate(world.allegro.requests[since:], since)
            if request.path == "/order/events" and request.status == 0
        ]

    (pull,) = await eventually(held, SLOW)
    running = await world.admin.say("7")
    assert running.text == "Looking for the first order event of the last 7 days…"
    done = await world.until(running.message_id, "Done")

    assert done == "Done: the next run reads the orders of the last 7 days."
    edits = [
        call.params.get("text")
        for call in world.telegram.calls
        if call.method == "editMessageText" and int(call.params.get("message_id", 0)) == running.message_id
    ]
    assert edits[0] is not None and "being read in the background right now" in edits[0]
    held_at = world.allegro.requests[pull].at
    later = [r for r in world.allegro.requests[pull + 1 :] if r.path.startswith("/order/")]
    assert later and all(request.at >= held_at + HOLD for request in later)  # nothing beside the pull


async def test_a_backfill_waits_for_another_process_working_on_the_account(world: World) -> None:
    """Another instance (or `warehouse-bot allegro backfill`) holds the account: the lock is shared
    across processes, so the bot says it waits, and goes on once the other one lets go."""
    world.allegro.device_steps = ["approve"]
    menu = await world.admin.command("allegro")
    asking = await world.admin.tap(menu, "Connect an Allegro account")
    await world.until(asking.message_id, "Connected as")
    async with world.db.sessions() as session:
        account_id = (await session.scalars(select(AllegroAccount.id))).one()
    ref = AccountRef("allegro", account_id, f"seller-{DEFAULT_SELLER}", AccountState.ACTIVE)
    elsewhere, holding, release = AccountLocks(world.db.url), asyncio.Event(), asyncio.Event()

    async def other_process() -> None:
        async with elsewhere.hold(ref):
            holding.set()
            await release.wait()

    other = asyncio.create_task(other_process())
    try:
        await asyncio.wait_for(holding.wait(), SLOW)
        card = await world.admin.tap(await world.admin.command("allegro"), f"seller-{DEFAULT_SELLER}")
        await world.admin.tap(card, "Read orders again")
        running = await world.admin.say("7")
        assert "being read in the background right now" in await world.until(
            running.message_id, "being read in the background"
        )
    finally:
        release.set()
        await other
    assert (
        await world.until(running.message_id, "Done")
        == "Done: the next run reads the orders of the last 7 days."
    )
