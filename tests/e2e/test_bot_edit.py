"""Admin edit flows: SKU, name, EANs, photo — validation, cancel, confirm, stale versions, bad files."""

from __future__ import annotations

from domain.models import ProductImage
from tests.e2e.conftest import BotHarness, running_bot
from tests.e2e.media import corrupt_jpeg, jpeg, oversized, pdf
from tests.fakes.telegram import BotMessage, FakeTelegram

EAN = "5901234123457"
EAN_2 = "4006381333931"


async def _open(bot_app: BotHarness, sku: str = "ABC-1") -> BotMessage:
    return await bot_app.admin.say(sku)


async def test_edit_sku_validates_confirms_and_saves(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("ABC-1", "Blue mug")
    await bot_app.add_product("TAKEN-1", "Other")
    card = await _open(bot_app)
    prompt = await bot_app.admin.tap(card, "✏️ SKU")
    assert "Current SKU: <code>ABC-1</code>" not in (prompt.text or "")  # rendered, not raw HTML
    assert "Current SKU: ABC-1" in (prompt.text or "") and "/cancel" in (prompt.text or "")
    bad = await bot_app.admin.say("bad sku!")
    assert "not allowed" in (bad.text or "") and "corrected value" in (bad.text or "")
    taken = await bot_app.admin.say("taken-1")
    assert "already used by Other" in (taken.text or "")
    confirm = await bot_app.admin.say("ABC-2")
    assert "ABC-1 → ABC-2" in (confirm.text or "")
    await bot_app.admin.tap(confirm, "Confirm")
    card = await bot_app.admin.next_message()
    assert "SKU: ABC-2" in (card.text or "")
    assert (await bot_app.product(product.id)).sku == "ABC-2"


async def test_edit_name_and_cancel(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("ABC-1", "Blue mug")
    card = await _open(bot_app)
    await bot_app.admin.tap(card, "✏️ Name")
    cancelled = await bot_app.admin.command("cancel")
    assert "Cancelled" in (cancelled.text or "")
    searched = await bot_app.admin.say("Red mug")  # back to searching, not a name any more
    assert "Nothing found" in (searched.text or "")
    assert (await bot_app.product(product.id)).name == "Blue mug"

    card = await _open(bot_app)
    prompt = await bot_app.admin.tap(card, "✏️ Name")
    confirm = await bot_app.admin.say("  Red   mug <big> ")
    assert "Blue mug → Red mug <big>" in (confirm.text or "")
    await bot_app.admin.tap(confirm, "Confirm")
    card = await bot_app.admin.next_message()
    assert "Red mug <big>" in (card.text or "")
    card = await bot_app.admin.say("ABC-1")
    await bot_app.admin.tap(card, "✏️ SKU")  # a new flow is running now
    stale = await bot_app.admin.tap_answer(prompt, "Cancel")  # a button of the finished flow
    assert "outdated" in stale["text"]
    fake = bot_app.fake
    await fake.wait_until(lambda: not fake.message(prompt.chat_id, prompt.message_id).buttons)
    still_running = await bot_app.admin.say("ABC-9")
    assert "ABC-1 → ABC-9" in (still_running.text or "")


async def test_edit_eans_reports_each_bad_code_and_saves_several(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("ABC-1", "Blue mug", eans=[EAN])
    await bot_app.add_product("OTHER", "Other", eans=["96385074"])
    card = await _open(bot_app)
    await bot_app.admin.tap(card, "✏️ EANs")
    checksum = await bot_app.admin.say(f"{EAN} 4006381333932")
    assert "4006381333932" in (checksum.text or "") and "check digit" in (checksum.text or "")
    taken = await bot_app.admin.say("96385074")
    assert "already belongs to Other" in (taken.text or "")
    confirm = await bot_app.admin.say(f"{EAN}, {EAN_2}")
    assert EAN_2 in (confirm.text or "")
    await bot_app.admin.tap(confirm, "Confirm")
    card = await bot_app.admin.next_message()
    assert EAN_2 in (card.text or "")
    assert [row.ean for row in (await bot_app.product(product.id)).eans] == [EAN, EAN_2]


async def test_edit_photo_saves_and_the_card_shows_it_by_file_id(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("ABC-1", "Blue mug")
    card = await _open(bot_app)
    await bot_app.admin.tap(card, "🖼 Photo")
    preview = await bot_app.admin.send_photo(jpeg())
    assert preview.raw.get("photo") and "Save it?" in (preview.text or "")
    # The answer to the button comes once the card is out and its file_id saved.
    query_id = bot_app.admin.press(preview, "Confirm")["callback_query"]["id"]
    await bot_app.fake.wait_until(lambda: bot_app.fake.callback_answer(query_id) is not None)
    card = bot_app.fake.messages(bot_app.admin.chat_id)[-1]
    assert card.raw.get("photo") and "Blue mug" in (card.text or "")
    async with bot_app.db.transaction() as session:
        image = await session.get(ProductImage, product.id)
    assert image is not None and image.telegram_file_id
    since = len(bot_app.fake.calls)
    again = await bot_app.staff.say("ABC-1")
    assert again.raw.get("photo")
    sent = await bot_app.fake.wait_for("sendPhoto", since=since)
    assert sent.params["photo"] == image.telegram_file_id and not sent.files


async def test_bad_photos_are_refused_with_the_reason(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("ABC-1", "Blue mug")
    card = await _open(bot_app)
    await bot_app.admin.tap(card, "🖼 Photo")
    big = await bot_app.admin.send_document(oversized(30), "huge.jpg", "image/jpeg")
    assert "30.0 MB" in (big.text or "") and "20.0 MB" in (big.text or "")
    not_image = await bot_app.admin.send_document(pdf(), "manual.pdf", "application/pdf")
    assert "not an image" in (not_image.text or "")
    broken = await bot_app.admin.send_document(corrupt_jpeg(), "broken.jpg", "image/jpeg")
    assert "damaged" in (broken.text or "")
    text = await bot_app.admin.say("a name instead of a photo")
    assert "send a photo" in (text.text or "")
    async with bot_app.db.transaction() as session:
        assert await session.get(ProductImage, product.id) is None


async def test_telegram_refusing_a_big_download_gets_a_clear_message(db: object, fake: FakeTelegram) -> None:
    from domain.db import Database
    from tests.e2e.conftest import ADMIN_ID

    assert isinstance(db, Database)
    async with running_bot(db, fake, max_photo_mb=30):
        harness_admin = fake.user("Ada", id=ADMIN_ID)
        from domain.actors import Actor
        from domain.catalog import Catalog

        async with db.transaction() as session:
            await Catalog(session).create(Actor.cli(), sku="ABC-1", name="Blue mug")
        card = await harness_admin.say("ABC-1")
        await harness_admin.tap(card, "🖼 Photo")
        refused = await harness_admin.send_document(oversized(25), "big.jpg", "image/jpeg")
        assert "Telegram does not give bots files larger than 20.0 MB" in (refused.text or "")


async def test_two_admins_editing_the_same_product_get_the_optimistic_lock_message(
    bot_app: BotHarness,
) -> None:
    from domain.models import Role

    product = await bot_app.add_product("ABC-1", "Blue mug")
    other = await bot_app.add_user(Role.ADMIN)
    first_card = await bot_app.admin.say("ABC-1")
    second_card = await other.say("ABC-1")
    await bot_app.admin.tap(first_card, "✏️ Name")
    await other.tap(second_card, "✏️ Name")
    first_confirm = await bot_app.admin.say("First name")
    second_confirm = await other.say("Second name")
    await bot_app.admin.tap(first_confirm, "Confirm")
    await bot_app.admin.next_message()
    conflict = await other.tap(second_confirm, "Confirm")
    if "Not saved" not in (conflict.text or ""):
        conflict = await other.next_message()
    assert "someone else changed this product" in (conflict.text or "")
    fresh = await other.next_message()
    assert "First name" in (fresh.text or "")
    assert (await bot_app.product(product.id)).name == "First name"


async def test_a_stale_card_button_shows_the_fresh_card(bot_app: BotHarness) -> None:
    await bot_app.add_product("ABC-1", "Blue mug")
    old_card = await bot_app.admin.say("ABC-1")
    prompt = await bot_app.admin.tap(old_card, "✏️ Name")
    confirm = await bot_app.admin.say("Green mug")
    await bot_app.admin.tap(confirm, "Confirm")
    await bot_app.admin.next_message()
    assert "Current name" in (prompt.text or "")
    stale = await bot_app.admin.tap(old_card, "✏️ SKU")  # the card from before the rename
    assert "changed this product since this card was shown" in (stale.text or "")
    fresh = await bot_app.admin.next_message()
    assert "Green mug" in (fresh.text or "")


async def test_archived_product_buttons_are_refused_clearly(bot_app: BotHarness) -> None:
    product = await bot_app.add_product("ABC-1", "Blue mug")
    old_card = await bot_app.admin.say("ABC-1")
    archived_card = await bot_app.admin.tap(old_card, "Archive")
    assert "Archived" in (archived_card.text or "")
    answer = await bot_app.staff.say("ABC-1")  # archived products are not found by search
    assert "Nothing found" in (answer.text or "")
    stale = await bot_app.admin.tap(old_card, "✏️ Name")
    assert "archived" in (stale.text or "")
    fresh = await bot_app.admin.next_message()  # the current card follows the explanation
    assert "Archived" in (fresh.text or "")
    # Admins still find it, to restore it.
    archived = await bot_app.admin.say("ABC-1")
    assert "Archived" in (archived.text or "") and archived.button_texts == [["♻️ Restore", "📜 History"]]
    restored = await bot_app.admin.tap(archived, "Restore")
    assert "Archived" not in (restored.text or "") and "Blue mug" in (restored.text or "")
    assert not (await bot_app.product(product.id)).archived
