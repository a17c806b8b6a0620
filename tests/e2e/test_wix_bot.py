"""/wix through the real bot against the fake Telegram and the fake Wix: adding a site deletes the
message that held the key, the sites list, the mapping report; staff are turned away."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from domain.db import Database
from domain.models import WixAccount
from tests.e2e.conftest import ADMIN_ID, STAFF_ID, running_bot
from tests.fakes.telegram import BotMessage, FakeTelegram, FakeUser
from tests.fakes.wix import FakeWix
from tests.integration.wix_support import seed_products

pytest_plugins = ("tests.integration.wix_fixtures",)


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
