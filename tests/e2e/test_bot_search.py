"""Search by SKU, EAN, words (paged), nothing found, barcode photos; the card by role; escaping."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from domain.models import FsmState
from tests.e2e.conftest import BotHarness
from tests.e2e.media import barcode_photo, jpeg

EAN = "5901234123457"


async def test_exact_sku_opens_the_card(bot_app: BotHarness) -> None:
    await bot_app.add_product("ABC-1", "Blue mug", eans=[EAN], stock={"MAIN": 5})
    card = await bot_app.staff.say("abc-1")
    assert "Blue mug" in (card.text or "")
    assert "ABC-1" in (card.text or "")
    assert EAN in (card.text or "")
    assert "MAIN: 5 on hand · 0 reserved · 5 available" in (card.text or "")
    assert "Allegro: not linked" in (card.text or "")
    assert "Wix: not linked" in (card.text or "")


async def test_exact_ean_opens_the_card(bot_app: BotHarness) -> None:
    await bot_app.add_product("ABC-1", "Blue mug", eans=[EAN])
    card = await bot_app.staff.say(EAN)
    assert "Blue mug" in (card.text or "")


async def test_words_give_a_paged_list(bot_app: BotHarness) -> None:
    for number in range(1, 12):
        await bot_app.add_product(f"MUG-{number:02}", f"Mug number {number}")
    listing = await bot_app.staff.say("mug")
    assert "Found 11 products" in (listing.text or "")
    assert "page 1/2" in (listing.text or "")
    assert len(listing.buttons) == 9  # 8 products + the paging row
    second = await bot_app.staff.tap(listing, "▶")
    assert second.message_id == listing.message_id  # edited in place
    assert "page 2/2" in (second.text or "")
    back = await bot_app.staff.tap(second, "◀")
    assert "page 1/2" in (back.text or "")
    card = await bot_app.staff.tap(back, "MUG-01")
    assert "Mug number 1" in (card.text or "")


async def test_only_a_list_with_more_pages_remembers_its_query(bot_app: BotHarness) -> None:
    """The query comes back from the FSM when an arrow is tapped; a single page has no arrows, so it
    writes nothing (a search stays a read-only update, on SQLite without the write lock)."""
    for number in range(1, 10):
        await bot_app.add_product(f"MUG-{number:02}", f"Mug number {number}")
    await bot_app.add_product("CUP-01", "Cup one")
    await bot_app.add_product("CUP-02", "Cup two")

    single = await bot_app.staff.say("cup")
    assert "page 1/1" in (single.text or "") and len(single.buttons) == 2
    paged = await bot_app.staff.say("mug")
    assert "page 1/2" in (paged.text or "")

    async def remembered() -> list[str]:
        async with bot_app.db.transaction() as session:
            rows = await session.scalars(select(FsmState.data).where(FsmState.key.endswith(":searches")))
            return [query for data in rows for query in data.values()]

    for _attempt in range(500):  # written once the reply has gone out: allow up to 10 s
        if await remembered():
            break
        await asyncio.sleep(0.02)
    assert await remembered() == ["mug"]
    assert "page 2/2" in ((await bot_app.staff.tap(paged, "▶")).text or "")


async def test_nothing_found_suggests_what_to_try(bot_app: BotHarness) -> None:
    reply = await bot_app.staff.say("unicorn")
    assert "Nothing found" in (reply.text or "")
    assert "barcode" in (reply.text or "")


async def test_barcode_photo_opens_the_card(bot_app: BotHarness) -> None:
    await bot_app.add_product("ABC-1", "Blue mug", eans=[EAN])
    card = await bot_app.staff.send_photo(barcode_photo(EAN))
    assert "Blue mug" in (card.text or "")


async def test_unreadable_photo_gets_a_hint(bot_app: BotHarness) -> None:
    reply = await bot_app.staff.send_photo(jpeg())
    assert "could not read a barcode" in (reply.text or "")


async def test_card_buttons_depend_on_the_role(bot_app: BotHarness) -> None:
    await bot_app.add_product("ABC-1", "Blue mug")
    staff_card = await bot_app.staff.say("ABC-1")
    admin_card = await bot_app.admin.say("ABC-1")
    staff_labels = {label for row in staff_card.button_texts for label in row}
    admin_labels = {label for row in admin_card.button_texts for label in row}
    assert staff_labels == {"📥 Receive", "🔁 Transfer", "🔢 Count", "📜 History"}
    assert admin_labels > staff_labels
    assert {"✏️ SKU", "✏️ Name", "✏️ EANs", "🖼 Photo", "🗑 Write off", "🗄 Archive"} <= admin_labels


async def test_staff_cannot_use_a_forged_admin_button(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("ABC-1", "Blue mug")
    admin_card = await bot_app.admin.say("ABC-1")
    staff_card = await bot_app.staff.say("ABC-1")
    # The staff user presses the admin's archive button data on their own card (a replayed callback).
    archive_data = admin_card.button("Archive")["callback_data"]
    bot_app.fake.message(staff_card.chat_id, staff_card.message_id).raw["reply_markup"][
        "inline_keyboard"
    ].append([{"text": "forged", "callback_data": archive_data}])
    bot_app.fake.mark(bot_app.staff.chat_id)
    query = bot_app.fake.press_button(bot_app.staff, staff_card.message_id, archive_data)
    await bot_app.fake.wait_until(
        lambda: bot_app.fake.callback_answer(query["callback_query"]["id"]) is not None
    )
    answer = bot_app.fake.callback_answer(query["callback_query"]["id"])
    assert answer is not None and "Not allowed" in answer["text"]
    assert not (await bot_app.product(product.id)).archived


async def test_names_with_html_characters_are_escaped(bot_app: BotHarness) -> None:
    await bot_app.add_product("ABC-1", 'Mug <b>&</b> "cup"')
    card = await bot_app.staff.say("ABC-1")
    assert 'Mug <b>&</b> "cup"' in (card.text or "")


async def test_a_very_long_card_is_split(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("ABC-1", "Spread everywhere")
    async with bot_app.db.transaction() as session:
        from domain.actors import Actor
        from domain.inventory import Inventory
        from domain.people import Warehouses

        for number in range(120):
            warehouse = await Warehouses(session).add(f"W{number:03}", f"Warehouse {number}")
            await Inventory(session).receive(Actor.cli(), product.id, warehouse.id, 1_000 + number)
    first = await bot_app.staff.say("ABC-1")
    second = await bot_app.staff.next_message()
    assert len(first.text or "") <= 4096 and len(second.text or "") <= 4096
    assert "W000" in (first.text or "") and "W119" in (second.text or "")
    assert second.buttons  # the buttons come with the last part


async def test_twenty_users_searching_at_once_are_all_answered(bot_app: BotHarness) -> None:
    await bot_app.add_product("ABC-1", "Blue mug", eans=[EAN], stock={"MAIN": 3})
    users = [await bot_app.add_user() for _ in range(20)]
    replies = await asyncio.gather(*(user.say("ABC-1") for user in users))
    assert all("Blue mug" in (reply.text or "") for reply in replies)
