"""Stock moves through the real bot and the fake Bot API: receive, transfer, write off, count."""

from __future__ import annotations

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from bot.callbacks import ProductAction, ProductCb
from domain.actors import Actor
from domain.catalog import Catalog
from domain.inventory import Inventory
from domain.models import Operation, OperationType, Product, Role, Stock, Warehouse
from tests.e2e.conftest import BotHarness
from tests.fakes.telegram import BotMessage, FakeUser


async def forged_button(harness: BotHarness, user: FakeUser, callback_data: str) -> BotMessage:
    """A message in `user`'s chat carrying a button the bot never offered them: what a modified client
    (or a replayed old button) sends. Posted through the Bot API, so the bot under test sees a normal
    callback query when the button is pressed."""
    async with harness.fake.make_bot() as bot:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="forged", callback_data=callback_data)]]
        )
        sent = await bot.send_message(user.chat_id, "…", reply_markup=markup)
    return harness.fake.message(user.chat_id, sent.message_id)


async def stock(harness: BotHarness, product_id: int) -> dict[str, tuple[int, int]]:
    async with harness.db.transaction() as session:
        rows = await session.execute(
            select(Warehouse.code, Stock.on_hand, Stock.reserved)
            .join(Warehouse, Warehouse.id == Stock.warehouse_id)
            .where(Stock.product_id == product_id)
        )
        return {code: (on_hand, reserved) for code, on_hand, reserved in rows.all()}


async def operations(harness: BotHarness, op_type: OperationType) -> list[Operation]:
    async with harness.db.transaction() as session:
        return list(await session.scalars(select(Operation).where(Operation.type == op_type)))


async def open_card(user: FakeUser, sku: str) -> BotMessage:
    card = await user.say(sku)
    assert card.buttons, card.text
    return card


@pytest.mark.parametrize("role", ["admin", "staff"])
async def test_receive_shows_resulting_stock(bot_app: BotHarness, role: str) -> None:
    await bot_app.add_warehouse("WH2")
    product = await bot_app.add_product("REC-1", "Blue mug", stock={"WH1": 3})
    user: FakeUser = getattr(bot_app, role)
    card = await open_card(user, "REC-1")

    prompt = await user.tap(card, "Receive")
    assert "Receive" in (prompt.text or "") and "Blue mug" in (prompt.text or "")
    assert prompt.button_texts[:1] == [["WH1 · 3 on hand", "WH2 · 0 on hand"]]
    ask = await user.tap(prompt, "WH1")
    assert "How many units arrive at WH1" in (ask.text or "")
    confirm = await user.say("5")
    assert "Receive 5 into WH1?" in (confirm.text or "")
    assert "3 → 8" in (confirm.text or "")
    done = await user.tap(confirm, "Confirm")
    assert done.text == "✅ Received 5 into WH1."
    assert not done.buttons
    new_card = await user.next_message()
    assert "WH1: 8 on hand" in (new_card.text or "")
    assert await stock(bot_app, product.id) == {"WH1": (8, 0)}
    [receipt] = [op for op in await operations(bot_app, OperationType.RECEIPT) if op.quantity_delta == 5]
    assert receipt.actor == f"user:{user.id}"


async def test_bad_quantity_text_asks_again(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("REC-2", "Green mug", stock={"WH1": 1})
    user = bot_app.staff
    prompt = await user.tap(await open_card(user, "REC-2"), "Receive")
    await user.tap(prompt, "WH1")
    for typed in ("abc", "0", "-3", "2.5", "99999999"):
        refusal = await user.say(typed)
        assert "is not a quantity" in (refusal.text or ""), typed
        assert "from 1 to 1,000,000" in (refusal.text or "")
    confirm = await user.say("1 2")  # digit grouping typed with a space
    assert "Receive 12 into WH1?" in (confirm.text or "")
    await user.tap(confirm, "Confirm")
    assert await stock(bot_app, product.id) == {"WH1": (13, 0)}


async def test_transfer_refuses_more_than_available(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH2")
    product = await bot_app.add_product("TR-1", "Red mug", stock={"WH1": 3})
    user = bot_app.staff
    prompt = await user.tap(await open_card(user, "TR-1"), "Transfer")
    assert "WH1 · 3 available" in prompt.button_texts[0]
    targets = await user.tap(prompt, "WH1")
    assert "WH1 → which warehouse?" in (targets.text or "")
    assert targets.button_texts[0] == ["WH2 · 0 on hand"]
    ask = await user.tap(targets, "WH2")
    assert "Up to 3" in (ask.text or "")
    refusal = await user.say("5")
    assert refusal.text == "Only 3 available in WH1. Send a number up to 3."
    confirm = await user.say("2")
    assert "Move 2 from WH1 to WH2?" in (confirm.text or "")
    done = await user.tap(confirm, "Confirm")
    assert done.text == "✅ Moved 2 from WH1 to WH2."
    new_card = await user.next_message()
    assert "WH1: 1 on hand" in (new_card.text or "") and "WH2: 2 on hand" in (new_card.text or "")
    assert await stock(bot_app, product.id) == {"WH1": (1, 0), "WH2": (2, 0)}


async def test_transfer_with_nothing_available_says_so(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH1")
    await bot_app.add_product("TR-2", "Empty mug")
    reply = await bot_app.staff.tap(await open_card(bot_app.staff, "TR-2"), "Transfer")
    assert "None of this product is available" in (reply.text or "")
    assert not reply.buttons


async def test_transfer_taken_meanwhile_asks_again(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH2")
    product = await bot_app.add_product("TR-3", "Shared mug", stock={"WH1": 4})
    user = bot_app.staff
    targets = await user.tap(await user.tap(await open_card(user, "TR-3"), "Transfer"), "WH1")
    await user.tap(targets, "WH2")
    confirm = await user.say("4")
    async with bot_app.db.transaction() as session:  # someone else sells 2 meanwhile
        wh1 = await session.scalar(select(Warehouse.id).where(Warehouse.code == "WH1"))
        assert wh1 is not None
        await Inventory(session).deduct(
            Actor.channel("allegro", "shop1"), product.id, wh1, 2, external_ref="o-1"
        )
    again = await user.tap(confirm, "Confirm")
    assert "The stock changed meanwhile" in (again.text or "")
    assert "Only 2 available in WH1" in (again.text or "")
    confirm = await user.say("2")
    await user.tap(confirm, "Confirm")
    assert await stock(bot_app, product.id) == {"WH1": (0, 0), "WH2": (2, 0)}


async def test_admin_writes_off_with_a_translated_reason(bot_app: BotHarness) -> None:
    await bot_app.add_product("WO-1", "Cracked mug", stock={"WH1": 4})
    user = bot_app.admin
    prompt = await user.tap(await open_card(user, "WO-1"), "Write off")
    ask = await user.tap(prompt, "WH1")
    assert "Up to 4" in (ask.text or "")
    assert (await user.say("9")).text == "Only 4 available in WH1. Send a number up to 4."
    reasons = await user.say("3")
    assert reasons.button_texts[:3] == [
        ["Damaged", "Lost"],
        ["Expired", "Defective"],
        ["Internal use", "Other"],
    ]
    confirm = await user.tap(reasons, "Damaged")
    assert "Write off 3 in WH1, reason: Damaged?" in (confirm.text or "")
    assert "4 → 1" in (confirm.text or "")
    done = await user.tap(confirm, "Confirm")
    assert done.text == "✅ Wrote off 3 in WH1 (Damaged)."
    assert "WH1: 1 on hand" in ((await user.next_message()).text or "")
    [write_off] = await operations(bot_app, OperationType.WRITE_OFF)
    assert (write_off.quantity_delta, write_off.reason) == (-3, "damaged")


async def test_write_off_in_polish(bot_app: BotHarness) -> None:
    await bot_app.add_product("WO-PL", "Kubek", stock={"WH1": 2})
    user = await bot_app.add_user(Role.ADMIN, language_code="pl")
    card = await user.say("WO-PL")
    prompt = await user.tap(card, card.buttons[-1][0]["text"])  # the write-off button, in Polish
    assert "Odpis" in (prompt.text or "")
    await user.tap(prompt, "WH1")
    reasons = await user.say("1")
    confirm = await user.tap(reasons, "Przeterminowanie")
    assert "powód: Przeterminowanie" in (confirm.text or "")


async def test_staff_cannot_write_off_even_with_a_forged_button(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("WO-2", "Guarded mug", stock={"WH1": 4})
    card = await open_card(bot_app.staff, "WO-2")
    assert "Write off" not in str(card.button_texts)
    forged = ProductCb(action=ProductAction.WRITE_OFF, product_id=product.id, version=product.version).pack()
    message = await forged_button(bot_app, bot_app.staff, forged)
    answer = await bot_app.staff.tap_answer(message, "forged")
    assert answer["text"] == "Not allowed for your role."
    assert await stock(bot_app, product.id) == {"WH1": (4, 0)}
    assert await operations(bot_app, OperationType.WRITE_OFF) == []


async def test_count_shows_delta_and_refuses_below_reserved(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("CNT-1", "Counted mug", stock={"WH1": 5})
    async with bot_app.db.transaction() as session:
        wh1 = await session.scalar(select(Warehouse.id).where(Warehouse.code == "WH1"))
        assert wh1 is not None
        await Inventory(session).reserve(
            Actor.channel("allegro", "shop1"), product.id, wh1, 3, external_ref="o-9"
        )
    user = bot_app.staff
    prompt = await user.tap(await open_card(user, "CNT-1"), "Count")
    ask = await user.tap(prompt, "WH1")
    assert "5 on hand, 3 reserved" in (ask.text or "")
    refusal = await user.say("2")
    assert "3 units in WH1 are reserved for orders" in (refusal.text or "")
    assert "not a count" in ((await user.say("many")).text or "")
    confirm = await user.say("4")
    assert "On hand: 5 → 4 (−1)" in (confirm.text or "")
    done = await user.tap(confirm, "Confirm")
    assert done.text == "✅ Count saved for WH1: 5 → 4 (−1)."
    assert await stock(bot_app, product.id) == {"WH1": (4, 3)}
    [count] = await operations(bot_app, OperationType.COUNT)
    assert (count.quantity_delta, count.changes) == (-1, {"on_hand": [5, 4]})


async def test_count_of_zero_is_accepted(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("CNT-2", "Lost mug", stock={"WH1": 2})
    user = bot_app.staff
    await user.tap(await user.tap(await open_card(user, "CNT-2"), "Count"), "WH1")
    confirm = await user.say("0")
    assert "2 → 0 (−2)" in (confirm.text or "")
    await user.tap(confirm, "Confirm")
    assert await stock(bot_app, product.id) == {"WH1": (0, 0)}


async def test_card_button_after_archive_is_refused(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH1")
    product = await bot_app.add_product("ARC-1", "Old mug")
    card = await open_card(bot_app.staff, "ARC-1")
    async with bot_app.db.transaction() as session:
        await Catalog(session).archive(Actor.cli(), product.id, None)
    answer = await bot_app.staff.tap_answer(card, "Receive")
    assert "archived" in answer["text"]
    assert await stock(bot_app, product.id) == {}


async def test_archived_during_the_flow_saves_nothing(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH1")
    product = await bot_app.add_product("ARC-2", "Vanishing mug")
    user = bot_app.staff
    await user.tap(await user.tap(await open_card(user, "ARC-2"), "Receive"), "WH1")
    confirm = await user.say("3")
    async with bot_app.db.transaction() as session:
        await Catalog(session).archive(Actor.cli(), product.id, None)
    reply = await user.tap(confirm, "Confirm")
    assert (
        reply.text == "This product was archived meanwhile, so its stock cannot be moved. Nothing was saved."
    )
    assert await stock(bot_app, product.id) == {}
    async with bot_app.db.transaction() as session:
        assert (await session.get(Product, product.id)).archived  # type: ignore[union-attr]


async def test_cancel_and_outdated_confirm(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("CAN-1", "Cancelled mug", stock={"WH1": 1})
    user = bot_app.staff
    await user.tap(await user.tap(await open_card(user, "CAN-1"), "Receive"), "WH1")
    confirm = await user.say("7")
    cancelled = await user.say("/cancel")
    assert cancelled.text == "Cancelled. Nothing was saved."
    answer = await user.tap_answer(confirm, "Confirm")
    assert "outdated" in answer["text"]
    assert await stock(bot_app, product.id) == {"WH1": (1, 0)}


async def test_confirm_twice_moves_once(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("TWI-1", "Twice mug", stock={"WH1": 1})
    user = bot_app.staff
    await user.tap(await user.tap(await open_card(user, "TWI-1"), "Receive"), "WH1")
    confirm = await user.say("2")
    first = user.press(confirm, "Confirm")
    second = user.press(confirm, "Confirm")
    await bot_app.fake.wait_until(
        lambda: all(
            bot_app.fake.callback_answer(update["callback_query"]["id"]) is not None
            for update in (first, second)
        )
    )
    assert await stock(bot_app, product.id) == {"WH1": (3, 0)}
