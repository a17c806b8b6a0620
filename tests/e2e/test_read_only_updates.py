"""Searches and cards read from a snapshot (on SQLite: DEFERRED, no write lock; a write there would
raise ReadOnlyViolation); what such an update must write still happens, in a writing transaction
(bot/middlewares/database.py). The snapshot itself: tests/integration/test_read_only_transactions.py."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from domain.images import process_photo
from domain.models import ProductImage, User
from tests.e2e.conftest import BotHarness
from tests.e2e.media import jpeg


async def test_a_card_opened_from_a_list_uploads_its_photo_and_remembers_the_file_id(
    bot_app: BotHarness,
) -> None:
    product = await bot_app.add_product("ABC-1", "Blue mug", image=process_photo(jpeg()))
    await bot_app.add_product("ABC-2", "Blue cup")
    listing = await bot_app.staff.say("blue")
    card = await bot_app.staff.tap(listing, "Blue mug")
    assert card.raw.get("photo") and "Blue mug" in (card.text or "")

    async def remembered() -> str | None:
        async with bot_app.db.transaction() as session:
            return await session.scalar(
                select(ProductImage.telegram_file_id).where(ProductImage.product_id == product.id)
            )

    for _attempt in range(500):  # saved right after the photo went out: allow up to 10 s
        if await remembered() is not None:
            break
        await asyncio.sleep(0.02)
    assert await remembered() == card.raw["photo"][-1]["file_id"]


async def test_a_renamed_telegram_user_is_saved_by_a_search(bot_app: BotHarness) -> None:
    person = await bot_app.add_user()
    renamed = bot_app.fake.user("Renamed person", id=person.id)
    await bot_app.add_product("ABC-1", "Blue mug")
    card = await renamed.say("ABC-1")
    assert "Blue mug" in (card.text or "")
    async with bot_app.db.transaction() as session:
        name = await session.scalar(select(User.display_name).where(User.telegram_id == person.id))
    assert name == "Renamed person"
