"""/wix through the real bot against the fake Telegram and the fake Wix: adding a site deletes the
message that held the key, the sites list, the mapping report; staff are turned away. With the
background runner: a site's jobs start as soon as it is added, stop when it is disabled or removed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import func, select

from bot.routers.wix import WixAction, WixCb
from domain.channels import AccountRef
from domain.db import Database
from domain.models import AccountState, Stock, WixAccount, WixInventorySync, WixProductMapping
from scheduler.alerts import MUTABLE_KINDS
from scheduler.runner import BackgroundRunner, orders_job_id
from scheduler.service import Background, start_background
from tests.e2e.conftest import ADMIN_ID, STAFF_ID, running_bot
from tests.fakes.telegram import BotMessage, FakeTelegram, FakeUser
from tests.fakes.wix import FakeWix
from tests.fakes.wix_store import FakeWixSite
from tests.integration.wix_support import seed_products

pytest_plugins = ("tests.integration.wix_fixtures",)
LEADER_WITHIN = 10.0


@pytest.fixture
async def admin(db: Database, fake: FakeTelegram, fake_wix: FakeWix) -> AsyncIterator[FakeUser]:
    from domain.models import Role
    from domain.people import Users

    async with db.transaction() as session:
        await Users(session).add(STAFF_ID, Role.STAFF, "Stan Staff")
    # No background channels: the scheduler's Wix jobs would read the fake Wix too; the screens then
    # use a channel of their own, built from the settings.
    async with running_bot(db, fake, channels=[], wix_api_url=fake_wix.base_url, wix_rate_limit_per_minute=0):
        yield fake.user("Ada", id=ADMIN_ID, language_code="en")


async def _send(user: FakeUser, text: str) -> tuple[int, BotMessage]:
    """Send a text; returns (its message id, the bot's next message)."""
    user.fake.mark(user.chat_id)
    update = user.fake.send_text(user, text)
    return update["message"]["message_id"], await user.fake.next_bot_message(user.chat_id)


def _gone(user: FakeUser, message_id: int) -> bool:
    try:
        user.fake.message(user.chat_id, message_id)
    except KeyError:
        return True
    return False


async def test_adding_a_site_deletes_the_key_message(
    db: Database, fake_wix: FakeWix, admin: FakeUser
) -> None:
    site = fake_wix.add_site()
    sites = await admin.command("wix")
    assert "No Wix sites yet" in (sites.text or "")

    asked = await admin.tap(sites, "Add a site")
    assert "short name" in (asked.text or "")
    refused = await admin.say("my shop!")
    assert (refused.text or "").startswith("A site name is 1–64 letters")
    asked_id = await admin.say("shop")
    assert "site id of shop" in (asked_id.text or "")

    early_key, warned = await _send(admin, "IST." + "x" * 120)  # a key sent a step too early
    assert _gone(admin, early_key) and "it might have been a key" in (warned.text or "")
    asked_key = await admin.say(site.site_id)
    assert "I delete your message" in (asked_key.text or "")

    key_message, checking = await _send(admin, site.api_key)
    assert _gone(admin, key_message)
    assert checking.text == "⏳ Checking the key of shop with Wix…"
    done = await admin.next_message()
    assert done.message_id == checking.message_id
    assert done.text == (
        "✅ Wix site shop added (catalog V1_CATALOG). "
        "Its orders are imported from now on; its SKUs are mapped at the first sync."
    )

    async with db.sessions() as session:
        [row] = list(await session.scalars(select(WixAccount)))
    assert (row.name, row.site_id, row.api_key, row.catalog_version) == (
        "shop",
        site.site_id,
        site.api_key,
        "V1_CATALOG",
    )
    listed = await admin.command("wix")
    assert "• shop — V1_CATALOG · never synced" in (listed.text or "")
    shown = [message.text or "" for message in admin.fake.messages(admin.chat_id)]
    assert all(site.api_key not in text for text in shown)


async def test_a_refused_key_is_deleted_too_and_nothing_is_stored(
    db: Database, fake_wix: FakeWix, admin: FakeUser
) -> None:
    site = fake_wix.add_site()
    await admin.tap(await admin.command("wix"), "Add a site")
    await admin.say("shop")
    await admin.say(site.site_id)

    key_message, _checking = await _send(admin, "IST.not-this-sites-key")
    refused = await admin.next_message()

    assert _gone(admin, key_message)
    assert refused.text == (
        "❌ The site was not added: Wix refused this API key for this site "
        "(a wrong key, another account's site, or missing permissions)."
    )
    async with db.sessions() as session:
        assert list(await session.scalars(select(WixAccount))) == []


async def test_the_mapping_report_of_a_site(db: Database, fake_wix: FakeWix, admin: FakeUser) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    site.add_product("ONLY-WIX", 1)
    await seed_products(db, {"MUG": 5, "ONLY-HERE": 2})
    await admin.tap(await admin.command("wix"), "Add a site")
    await admin.say("shop")
    await admin.say(site.site_id)
    await _send(admin, site.api_key)
    await admin.next_message()

    sites = await admin.command("wix")
    empty = await admin.tap(sites, "Mapping of shop")
    assert "no mapping yet" in (empty.text or "")
    running = await admin.tap(empty, "Read Wix again")
    assert running.text == "⏳ Reading shop from Wix…"
    report = await admin.next_message()

    text = report.text or ""
    assert "Mapped: 1 of 2 products; 2 SKUs in Wix." in text
    assert "Missing in Wix (1): ONLY-HERE" in text and "In Wix but unknown here (1): ONLY-WIX" in text
    assert site.quantity("MUG") == 5  # a mapping refresh sends no stock
    back = await admin.tap(report, "Back")
    assert "Wix sites" in (back.text or "") and "last sync" in (back.text or "")


async def test_staff_cannot_open_wix(fake: FakeTelegram, admin: FakeUser) -> None:
    staff = fake.user("Stan", id=STAFF_ID, language_code="en")
    answer = await staff.command("wix")
    assert answer.text == "Not allowed for your role."


# --- with the background runner: a site's jobs follow its changes at once --------------------------


@dataclass
class World:
    db: Database
    telegram: FakeTelegram
    wix: FakeWix
    runner: BackgroundRunner
    admin: FakeUser
    staff: FakeUser

    async def add_site(self, site: FakeWixSite) -> BotMessage:
        await self.admin.tap(await self.admin.command("wix"), "Add a site")
        await self.admin.say("shop")
        await self.admin.say(site.site_id)
        await _send(self.admin, site.api_key)
        return await self.admin.next_message()

    async def site_id(self) -> int:
        async with self.db.sessions() as session:
            found = await session.scalar(select(WixAccount.id).where(WixAccount.name == "shop"))
        assert found is not None
        return found


@pytest.fixture
async def world(
    db: Database, fake: FakeTelegram, fake_wix: FakeWix, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[World]:
    from domain.models import Role
    from domain.people import Users

    started: list[Background] = []

    async def recording(*args: Any, **kwargs: Any) -> Background:
        background = await start_background(*args, **kwargs)
        started.append(background)
        return background

    # Only to see the runner's job table: the runner, its channels and the bot stay the real ones.
    monkeypatch.setattr("bot.app.start_background", recording)
    async with db.transaction() as session:
        await Users(session).add(STAFF_ID, Role.STAFF, "Stan Staff")
        admin = await Users(session).add(ADMIN_ID, Role.ADMIN, "Ada")
        admin.muted_alerts = list(MUTABLE_KINDS)  # background alerts are not what these tests read
    async with running_bot(db, fake, wix_api_url=fake_wix.base_url, wix_rate_limit_per_minute=0):
        [background] = started
        assert await background.runner.wait_leader(LEADER_WITHIN)
        yield World(
            db,
            fake,
            fake_wix,
            background.runner,
            fake.user("Ada", id=ADMIN_ID, language_code="en"),
            fake.user("Stan", id=STAFF_ID, language_code="en"),
        )


def _orders_job(account_id: int) -> str:
    return orders_job_id(AccountRef("wix", account_id, "shop", AccountState.ACTIVE))


async def _counts(db: Database, account_id: int) -> tuple[int, int]:
    async with db.sessions() as session:
        mappings = await session.scalar(
            select(func.count())
            .select_from(WixProductMapping)
            .where(WixProductMapping.account_id == account_id)
        )
        syncs = await session.scalar(
            select(func.count())
            .select_from(WixInventorySync)
            .where(WixInventorySync.account_id == account_id)
        )
    return mappings or 0, syncs or 0


async def _stock(db: Database) -> dict[int, tuple[int, int]]:
    async with db.sessions() as session:
        rows = await session.execute(select(Stock.product_id, Stock.on_hand, Stock.reserved))
        return {product_id: (on_hand, reserved) for product_id, on_hand, reserved in rows.all()}


async def test_an_added_site_has_its_jobs_at_once(world: World) -> None:
    done = await world.add_site(world.wix.add_site())

    assert "added" in (done.text or "")
    # The minutely jobs-refresh has not run yet (its first run is a minute after the start).
    assert _orders_job(await world.site_id()) in world.runner.scheduled()


async def test_a_disabled_site_loses_its_jobs_until_enabled(world: World) -> None:
    await world.add_site(world.wix.add_site())
    account_id = await world.site_id()

    screen = await world.admin.tap(await world.admin.command("wix"), "⚙️ shop")
    assert "State: active" in (screen.text or "")
    disabled = await world.admin.tap(screen, "⏸ Disable")

    assert "State: disabled" in (disabled.text or "") and "[disabled]" in (disabled.text or "")
    assert _orders_job(account_id) not in world.runner.scheduled()
    # The site's first scheduled sync may or may not have run before the tap: only its state is pinned.
    listing = ((await world.admin.command("wix")).text or "").splitlines()
    shop = [line for line in listing if line.startswith("• shop — V1_CATALOG · ")]
    assert len(shop) == 1 and shop[0].endswith(" [disabled]")
    assert "disabled" in ((await world.admin.command("status")).text or "")
    async with world.db.sessions() as session:
        row = await session.get(WixAccount, account_id)
        assert row is not None and row.state is AccountState.DISABLED

    enabled = await world.admin.tap(disabled, "▶️ Enable")

    assert "State: active" in (enabled.text or "") and "[disabled]" not in (enabled.text or "")
    assert _orders_job(account_id) in world.runner.scheduled()


async def test_removing_a_site_asks_then_takes_its_mapping_and_history_not_stock(world: World) -> None:
    site = world.wix.add_site()
    site.add_product("MUG", 5)
    await seed_products(world.db, {"MUG": 5, "ONLY-HERE": 2})
    await world.add_site(site)
    account_id = await world.site_id()
    mapping = await world.admin.tap(await world.admin.command("wix"), "Mapping of shop")
    await world.admin.tap(mapping, "Read Wix again")
    assert "Mapped: 1 of 2 products" in ((await world.admin.next_message()).text or "")
    mappings, syncs = await _counts(world.db, account_id)
    assert mappings == 1 and syncs >= 1
    stock = await _stock(world.db)
    stale = await world.admin.command("wix")  # its buttons outlive the site

    screen = await world.admin.tap(await world.admin.command("wix"), "⚙️ shop")
    asked = await world.admin.tap(screen, "🗑 Remove")

    assert (asked.text or "").startswith("Remove the Wix site shop?")
    assert "SKU mappings (1)" in (asked.text or "") and f"sync history ({syncs} runs)" in (asked.text or "")
    assert await _counts(world.db, account_id) == (mappings, syncs)  # asking removes nothing
    removed = await world.admin.tap(asked, "🗑 Yes, remove shop")

    assert (removed.text or "").startswith("🗑 Wix site shop removed")
    assert await _counts(world.db, account_id) == (0, 0)
    assert await _stock(world.db) == stock
    async with world.db.sessions() as session:
        assert await session.get(WixAccount, account_id) is None
    assert _orders_job(account_id) not in world.runner.scheduled()
    answer = await world.admin.tap_answer(stale, "⚙️ shop")
    assert answer["text"] == "This Wix site no longer exists. Open /wix again." and answer["show_alert"]


async def _forged(telegram: FakeTelegram, user: FakeUser, data: WixCb) -> BotMessage:
    """A message with a button the bot never offered this user (a modified client, an old button)."""
    async with telegram.make_bot() as bot:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="forged", callback_data=data.pack())]]
        )
        sent = await bot.send_message(user.chat_id, "…", reply_markup=markup)
    return telegram.message(user.chat_id, sent.message_id)


@pytest.mark.parametrize("action", [WixAction.DISABLE, WixAction.REMOVE, WixAction.REMOVE_CONFIRMED])
async def test_staff_cannot_disable_or_remove_a_site(world: World, action: WixAction) -> None:
    await world.add_site(world.wix.add_site())
    account_id = await world.site_id()

    message = await _forged(world.telegram, world.staff, WixCb(action=action, account_id=account_id))
    answer = await world.staff.tap_answer(message, "forged")

    assert answer["text"] == "Not allowed for your role."
    async with world.db.sessions() as session:
        row = await session.get(WixAccount, account_id)
        assert row is not None and row.state is AccountState.ACTIVE
    assert _orders_job(account_id) in world.runner.scheduled()


@pytest.mark.parametrize(
    "action", [WixAction.SITE, WixAction.ENABLE, WixAction.REMOVE, WixAction.REMOVE_CONFIRMED]
)
async def test_a_button_of_a_site_that_does_not_exist(world: World, action: WixAction) -> None:
    message = await _forged(world.telegram, world.admin, WixCb(action=action, account_id=4242))

    answer = await world.admin.tap_answer(message, "forged")

    assert answer["text"] == "This Wix site no longer exists. Open /wix again."
