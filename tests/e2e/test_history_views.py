"""History through the real bot: content of each kind of entry, paging, filters by kind and user, roles."""

from __future__ import annotations

import asyncio
import io
import re

from PIL import Image
from sqlalchemy import select

from bot.routers.history import HistoryCb, HistoryKind, HistoryUsersCb
from bot.views.format import MAX_MESSAGE, format_time
from domain.actors import Actor
from domain.catalog import Catalog
from domain.images import process_photo
from domain.inventory import Inventory
from domain.models import Operation, Product, User, Warehouse
from domain.people import Users
from tests.e2e.conftest import ADMIN_ID, STAFF_ID, BotHarness
from tests.e2e.test_stock_flows import forged_button
from tests.fakes.telegram import BotMessage

ENTRY_HEAD = re.compile(r"^\S+ (?P<type>[^·\n]+) · \d{4}-\d\d-\d\d \d\d:\d\d", re.MULTILINE)


def entry_types(message: BotMessage) -> list[str]:
    return [match["type"].strip() for match in ENTRY_HEAD.finditer(message.text or "")]


async def people(harness: BotHarness) -> tuple[Actor, Actor]:
    """(admin, staff) as actors of the operations the tests record directly."""
    async with harness.db.transaction() as session:
        users = Users(session)
        admin, staff = await users.by_telegram_id(ADMIN_ID), await users.by_telegram_id(STAFF_ID)
        assert admin is not None and staff is not None
        return Actor.person(admin.id, ADMIN_ID), Actor.person(staff.id, STAFF_ID)


async def saved_telegram_name(harness: BotHarness, telegram_id: int, name: str) -> None:
    """Wait until the bot has saved `name` as the user's display name: the reply to an update goes out
    before its unit of work commits."""
    for _attempt in range(500):
        async with harness.db.transaction() as session:
            saved = await session.scalar(select(User.display_name).where(User.telegram_id == telegram_id))
        if saved == name:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"display name still {saved!r}, not {name!r}")


async def warehouse_id(harness: BotHarness, code: str) -> int:
    async with harness.db.transaction() as session:
        found = await session.scalar(select(Warehouse.id).where(Warehouse.code == code))
        assert found is not None
        return found


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_product_history_shows_every_kind_of_entry(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH2")
    product = await bot_app.add_product("HIS-1", "Old <name> & co", eans=["5901234123457"], stock={"WH1": 5})
    admin, staff = await people(bot_app)
    await bot_app.admin.command("start")  # the admin's display name becomes their Telegram name
    await saved_telegram_name(bot_app, ADMIN_ID, "Ada")
    wh1, wh2 = await warehouse_id(bot_app, "WH1"), await warehouse_id(bot_app, "WH2")
    async with bot_app.db.transaction() as session:
        inventory = Inventory(session)
        await inventory.transfer(staff, product.id, wh1, wh2, 2)
        await inventory.write_off(admin, product.id, wh1, 1, "damaged")
        await inventory.count(staff, product.id, wh2, 3)
        await inventory.deduct(Actor.channel("allegro", "shop1"), product.id, wh2, 1, external_ref="ORDER-77")
        catalog = Catalog(session)
        await catalog.edit(admin, product.id, None, name="New name", eans=["5901234123457", "96385074"])
        await catalog.set_photo(admin, product.id, None, process_photo(png()))

    card = await bot_app.staff.say("HIS-1")
    history = await bot_app.staff.tap(card, "History")
    text = history.text or ""
    assert text.startswith("🕘 History · New name (HIS-1)")
    assert entry_types(history) == [
        "Product edited",
        "Product edited",
        "Sale",
        "Count",
        "Write-off",
        "Transfer",
        "Receipt",
        "Product created",
    ]
    blocks = text.split("\n\n")[1:]
    photo, edit, sale, count, write_off, transfer, receipt, created = blocks
    assert "Warehouse: —" in edit and "👤 Ada" in edit
    assert "• Name: Old <name> & co → New name" in edit
    assert "• EANs: 5901234123457 → 5901234123457, 96385074" in edit
    assert re.search(r"• Photo: — → photo #[0-9a-f]{8}", photo)
    assert "Warehouse: WH2 · −1" in sale and "👤 allegro:shop1" in sale and "Order: ORDER-77" in sale
    assert "Warehouse: WH2 · 2 → 3 (+1)" in count and "👤 Stan" in count
    assert "Warehouse: WH1 · −1" in write_off and "Reason: Damaged" in write_off
    assert "Warehouse: WH1 → WH2 · 2" in transfer
    assert "Warehouse: WH1 · +5" in receipt and "👤 command line" in receipt
    assert "• SKU: — → HIS-1" in created
    async with bot_app.db.transaction() as session:
        newest = await session.scalar(select(Operation.created_at).order_by(Operation.id.desc()).limit(1))
    assert newest is not None
    assert format_time(newest, bot_app.settings.zone) in photo


async def test_global_history_pages_back_and_forth(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("PAGE-1", "Paged mug", stock={"WH1": 1})
    admin, _ = await people(bot_app)
    wh1 = await warehouse_id(bot_app, "WH1")
    async with bot_app.db.transaction() as session:
        for _ in range(21):
            await Inventory(session).receive(admin, product.id, wh1, 1)
    first = await bot_app.admin.command("history")
    assert "Page 1 of 3" in (first.text or "")
    assert "all products" in (first.text or "")
    assert len(entry_types(first)) == 10
    assert "PAGE-1" in (first.text or "")
    assert first.button_texts[-1] == ["▶"]
    second = await bot_app.admin.tap(first, "▶")
    assert second.message_id == first.message_id  # edited in place
    assert "Page 2 of 3" in (second.text or "")
    assert second.button_texts[-1] == ["◀", "▶"]
    third = await bot_app.admin.tap(second, "▶")
    assert "Page 3 of 3" in (third.text or "")
    assert entry_types(third) == ["Receipt", "Receipt", "Product created"]
    assert third.button_texts[-1] == ["◀"]
    back = await bot_app.admin.tap(third, "◀")
    assert "Page 2 of 3" in (back.text or "")


async def test_filter_by_kind(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH2")
    product = await bot_app.add_product("KIND-1", "Filtered mug", stock={"WH1": 5})
    admin, _ = await people(bot_app)
    wh1, wh2 = await warehouse_id(bot_app, "WH1"), await warehouse_id(bot_app, "WH2")
    async with bot_app.db.transaction() as session:
        await Inventory(session).transfer(admin, product.id, wh1, wh2, 1)
        await Inventory(session).transfer(admin, product.id, wh2, wh1, 1)
    everything = await bot_app.staff.command("history")
    assert everything.button_texts[0][0] == "✓ All"
    transfers = await bot_app.staff.tap(everything, "Transfers")
    assert entry_types(transfers) == ["Transfer", "Transfer"]
    assert "Showing: Transfers" in (transfers.text or "")
    assert "✓ Transfers" in transfers.button_texts[0]
    counts = await bot_app.staff.tap(transfers, "Counts")
    assert "Nothing recorded yet" in (counts.text or "")
    edits = await bot_app.staff.tap(counts, "Edits")
    assert entry_types(edits) == ["Product created"]


async def test_staff_sees_mine_and_cannot_forge_another_user(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("MINE-1", "Shared mug", stock={"WH1": 5})
    admin, staff = await people(bot_app)
    wh1 = await warehouse_id(bot_app, "WH1")
    async with bot_app.db.transaction() as session:
        await Inventory(session).receive(staff, product.id, wh1, 2)
        await Inventory(session).write_off(admin, product.id, wh1, 1, "lost")
    everything = await bot_app.staff.command("history")
    assert "Pick a user" not in str(everything.button_texts)
    mine = await bot_app.staff.tap(everything, "Mine")
    assert entry_types(mine) == ["Receipt"]
    assert "User: Stan" in (mine.text or "")
    again = await bot_app.staff.tap(mine, "Everyone")
    assert entry_types(again) == ["Write-off", "Receipt", "Receipt", "Product created"]

    forged = await forged_button(bot_app, bot_app.staff, HistoryCb(user_id=admin.user_id or 0).pack())
    answer = await bot_app.staff.tap_answer(forged, "forged")
    assert answer["text"] == "Not allowed for your role."
    picker = await forged_button(bot_app, bot_app.staff, HistoryUsersCb(kind=HistoryKind.ALL).pack())
    assert (await bot_app.staff.tap_answer(picker, "forged"))["text"] == "Not allowed for your role."


async def test_admin_filters_by_any_user(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("WHO-1", "Whose mug", stock={"WH1": 5})
    _, staff = await people(bot_app)
    wh1 = await warehouse_id(bot_app, "WH1")
    async with bot_app.db.transaction() as session:
        await Inventory(session).receive(staff, product.id, wh1, 2)
    await bot_app.staff.command("start")  # the staff user's display name becomes their Telegram name
    await saved_telegram_name(bot_app, STAFF_ID, "Stan")
    everything = await bot_app.admin.command("history")
    picker = await bot_app.admin.tap(everything, "Pick a user")
    assert "Whose history" in (picker.text or "")
    assert picker.button_texts[-1] == ["↩️ Back to history"]
    filtered = await bot_app.admin.tap(picker, "Stan")
    assert "User: Stan" in (filtered.text or "")
    assert entry_types(filtered) == ["Receipt"]
    receipts_of_stan = await bot_app.admin.tap(filtered, "Receipts")
    assert "User: Stan" in (receipts_of_stan.text or "") and entry_types(receipts_of_stan) == ["Receipt"]
    everyone = await bot_app.admin.tap(receipts_of_stan, "Everyone")
    assert entry_types(everyone) == ["Receipt", "Receipt"]


async def test_long_page_is_split_under_the_limit(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("LONG-1", "&" * 250)
    admin, _ = await people(bot_app)
    async with bot_app.db.transaction() as session:
        for index in range(10):
            await Catalog(session).edit(admin, product.id, None, name=("<" if index % 2 else "&") * 250)
    card = await bot_app.admin.say("LONG-1")
    messages = [await bot_app.admin.tap(card, "History")]
    while not messages[-1].buttons:
        messages.append(await bot_app.admin.next_message())
    assert len(messages) > 1
    assert all(len(message.text or "") <= MAX_MESSAGE for message in messages)
    assert sum(len(entry_types(message)) for message in messages) == 10
    assert any("• Name: " + "<" * 250 + " → " + "&" * 250 in (message.text or "") for message in messages)


async def test_history_of_an_archived_product_still_opens(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("ARCH-H", "Archived mug")
    card = await bot_app.admin.say("ARCH-H")
    async with bot_app.db.transaction() as session:
        await Catalog(session).archive(Actor.cli(), product.id, None)
        assert (await session.get(Product, product.id)).archived  # type: ignore[union-attr]
        assert await session.scalar(select(User.id).where(User.telegram_id == ADMIN_ID)) is not None
    history = await bot_app.admin.tap(card, "History")
    assert entry_types(history) == ["Product archived", "Product created"]
