"""Creating a product with /new, and importing products from a CSV document."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.inventory import Inventory
from domain.models import Product, ProductImage
from tests.e2e.conftest import BotHarness
from tests.e2e.media import jpeg

EAN = "5901234123457"


async def test_create_product_with_everything(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("MAIN", "Main store")
    ask_sku = await bot_app.admin.command("new")
    assert "SKU" in (ask_sku.text or "")
    bad = await bot_app.admin.say("no spaces please")
    assert "not allowed" in (bad.text or "")
    ask_name = await bot_app.admin.say("NEW-1")
    assert "NEW-1" in (ask_name.text or "")
    await bot_app.admin.say("Brand new <thing>")
    await bot_app.admin.say("123")  # an invalid EAN first
    ask_photo = await bot_app.admin.say(EAN)
    assert "photo" in (ask_photo.text or "")
    ask_warehouse = await bot_app.admin.send_photo(jpeg())
    ask_quantity = await bot_app.admin.tap(ask_warehouse, "MAIN")
    assert "How many" in (ask_quantity.text or "")
    await bot_app.admin.say("0")
    summary = await bot_app.admin.say("7")
    assert "Brand new <thing>" in (summary.text or "") and "7 in MAIN" in (summary.text or "")
    await bot_app.admin.tap(summary, "Confirm")
    card = await bot_app.admin.next_message()
    assert "Brand new <thing>" in (card.text or "") and "MAIN: 7 on hand" in (card.text or "")
    async with bot_app.db.transaction() as session:
        product = await session.scalar(select(Product).where(Product.sku == "NEW-1"))
        assert product is not None and [row.ean for row in product.eans] == [EAN]
        assert await session.get(ProductImage, product.id) is not None
        assert (await Inventory(session).stock_of(product.id)).on_hand == 7


async def test_create_product_skipping_the_optional_steps(bot_app: BotHarness) -> None:
    await bot_app.admin.command("new")
    await bot_app.admin.say("NEW-2")
    ask_eans = await bot_app.admin.say("Plain thing")
    await bot_app.admin.tap(ask_eans, "Skip")  # the prompt loses its buttons…
    ask_photo = await bot_app.admin.next_message()  # …and the next one comes
    await bot_app.admin.tap(ask_photo, "Skip")
    summary = await bot_app.admin.next_message()  # no warehouses yet: straight to the summary
    assert "Create it?" in (summary.text or "")
    await bot_app.admin.tap(summary, "Confirm")
    card = await bot_app.admin.next_message()
    assert "Plain thing" in (card.text or "") and "No stock" in (card.text or "")


async def test_staff_cannot_create(bot_app: BotHarness) -> None:
    reply = await bot_app.staff.command("new")
    assert "Not allowed" in (reply.text or "")


CSV_OK = b"sku,name,ean,warehouse,quantity\nCSV-1,First from file,5901234123457,MAIN,4\nCSV-2,Second,,MAIN,\n"


async def _count_products(bot_app: BotHarness) -> int:
    async with bot_app.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(Product)) or 0)


async def test_csv_import_dry_run_then_apply(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("MAIN")
    report = await bot_app.admin.send_document(CSV_OK, "products.csv", "text/csv")
    assert "Dry run" in (report.text or "") and "New products: 2" in (report.text or "")
    assert await _count_products(bot_app) == 0
    done = await bot_app.admin.tap(report, "Apply")
    if "Imported" not in (done.text or ""):
        done = await bot_app.admin.next_message()
    assert "Imported" in (done.text or "") and "4 units" in (done.text or "")
    assert await _count_products(bot_app) == 2
    card = await bot_app.staff.say("CSV-1")
    assert "MAIN: 4 on hand" in (card.text or "")


async def test_csv_with_a_bad_row_is_refused_with_line_numbers(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("MAIN")
    data = CSV_OK + b"CSV-3,Third,4006381333932,MAIN,1\nCSV-4,,,NOPE,x\n"
    reply = await bot_app.admin.send_document(data, "products.csv", "text/csv")
    assert "nothing was saved" in (reply.text or "")
    assert "line 4" in (reply.text or "") and "line 5" in (reply.text or "")
    assert await _count_products(bot_app) == 0


async def test_empty_csv_is_refused(bot_app: BotHarness) -> None:
    reply = await bot_app.admin.send_document(b"", "empty.csv", "text/csv")
    assert "nothing was saved" in (reply.text or "") and "empty" in (reply.text or "")


async def test_cancelled_import_saves_nothing(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("MAIN")
    report = await bot_app.admin.send_document(CSV_OK, "products.csv", "text/csv")
    await bot_app.admin.tap(report, "Cancel")
    assert await _count_products(bot_app) == 0


async def test_staff_cannot_import(bot_app: BotHarness) -> None:
    reply = await bot_app.staff.send_document(CSV_OK, "products.csv", "text/csv")
    assert "Not allowed" in (reply.text or "")
    assert await _count_products(bot_app) == 0


async def test_a_double_tap_on_apply_imports_once(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("MAIN")
    report = await bot_app.admin.send_document(CSV_OK, "products.csv", "text/csv")
    first = bot_app.admin.press(report, "Apply")["callback_query"]["id"]
    second = bot_app.fake.press_button(
        bot_app.admin, report.message_id, report.button("Apply")["callback_data"]
    )
    second_id = second["callback_query"]["id"]
    fake = bot_app.fake
    await fake.wait_until(lambda: None not in (fake.callback_answer(first), fake.callback_answer(second_id)))
    answer = fake.callback_answer(second_id)
    assert answer is not None and "outdated" in answer["text"]
    card = await bot_app.staff.say("CSV-1")
    assert "MAIN: 4 on hand" in (card.text or "")
