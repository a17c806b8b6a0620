"""Background work seen from Telegram: a restart pushes what is left in the outbox; alerts carry their
buttons (Retry, Reconnect) and respect each admin's muted kinds (/alerts)."""

from __future__ import annotations

from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from sqlalchemy import select

from bot.middlewares.i18n import build_core
from bot.notify import TelegramNotifier
from bot.routers.alerts import alert_buttons
from bot.routers.allegro import AllegroAction, AllegroCb
from domain.db import Database
from domain.models import Role, User
from domain.people import Users
from tests.e2e.conftest import ADMIN_ID, STAFF_ID, running_bot
from tests.e2e.test_stock_flows import open_card
from tests.fakes.stock_channel import FakeChannel, eventually
from tests.fakes.telegram import FakeTelegram
from tests.integration.seed import add_channel_accounts, outbox, seed
from tests.integration.test_scheduler_runner import receive

SECOND_ADMIN_ID = 910_000_011


async def empty_outbox(db: Database) -> bool:
    return not await outbox(db)


async def test_a_restart_pushes_the_outbox_left_behind(db: Database, fake: FakeTelegram) -> None:
    await add_channel_accounts(db)
    seeded = await seed(db, on_hand=3)
    wix, allegro = FakeChannel("wix", db), FakeChannel("allegro", db)
    wix.fail["push"] = allegro.fail["push"] = RuntimeError("channel down")
    async with running_bot(db, fake, channels=[wix, allegro]):
        await eventually(lambda: wix.count("push") >= 1)
        await receive(db, seeded.product_id, seeded.main, 2)
    assert len(await outbox(db)) == 2  # stopped with the change not yet pushed anywhere

    wix, allegro = FakeChannel("wix", db), FakeChannel("allegro", db)
    async with running_bot(db, fake, channels=[wix, allegro]):  # push period: 30 s
        await eventually(lambda: empty_outbox(db), seconds=5)
    assert [level for (_, product), level in wix.pushed.items() if product == seeded.product_id] == [5]
    assert [level for (_, product), level in allegro.pushed.items() if product == seeded.product_id] == [5]


async def send_alert(db: Database, fake: FakeTelegram, kind: str, text_key: str, **params: object) -> None:
    """An alert as a channel raises it, through the bot's notifier (with its buttons)."""
    async with fake.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML)) as bot:
        core = build_core("en")
        await core.startup()
        await TelegramNotifier(bot, db, core, "en", buttons=alert_buttons).alert(kind, text_key, **params)


async def test_push_failure_alert_has_a_retry_button(db: Database, fake: FakeTelegram) -> None:
    await add_channel_accounts(db)
    wix = FakeChannel("wix", db)
    async with running_bot(db, fake, channels=[wix, FakeChannel("allegro", db)]):
        admin = fake.user("Ada", id=ADMIN_ID, language_code="en")
        await eventually(lambda: wix.count("push") >= 1)  # the start-up push
        fake.mark(ADMIN_ID)
        params = {"account": "shop", "count": 1, "skus": "MUG-1", "error": "HTTP 422"}
        await send_alert(db, fake, "push_failed", "alert-allegro-push-failed", **params)
        alert = await fake.next_bot_message(ADMIN_ID)
        assert alert.button_texts == [["🔁 Retry now"]]
        pushes = wix.count("push")
        answer = await admin.tap_answer(alert, "🔁 Retry now")
        assert answer["text"] == "Pushing the stock again now."
        await eventually(lambda: wix.count("push") > pushes, seconds=3)


async def test_muted_kinds_are_not_delivered(db: Database, fake: FakeTelegram) -> None:
    await seed(db, on_hand=10)
    async with db.transaction() as session:
        await Users(session).add(SECOND_ADMIN_ID, Role.ADMIN, "Bea")
        await Users(session).add(STAFF_ID, Role.STAFF, "Stan")
    async with running_bot(db, fake, channels=[]):
        ada = fake.user("Ada", id=ADMIN_ID, language_code="en")
        fake.user("Bea", id=SECOND_ADMIN_ID, language_code="en")
        settings = await ada.command("alerts")
        assert settings.button_texts[4] == ["🔔 Low stock and stock-outs"]
        muted = await ada.tap(settings, "Low stock and stock-outs")
        assert muted.message_id == settings.message_id
        assert muted.button_texts[4] == ["🔕 Low stock and stock-outs"]

        async def muted_in_db() -> bool:
            async with db.sessions() as session:
                user = await session.scalar(select(User).where(User.telegram_id == ADMIN_ID))
                return user is not None and user.muted_alerts == ["low_stock"]

        await eventually(muted_in_db)

        fake.mark(ADMIN_ID)
        # A count from the chat to 1 unit: at or under the default threshold of 2.
        staff = fake.user("Stan", id=STAFF_ID, language_code="en")
        await staff.tap(await staff.tap(await open_card(staff, "MUG-1"), "Count"), "MAIN")
        await staff.tap(await staff.say("1"), "Confirm")
        low = await fake.next_bot_message(SECOND_ADMIN_ID)
        assert low.text == "📉 Low stock: MUG-1 Łódź mug — 1 left (alert at 2)."
        assert not [m for m in fake.messages(ADMIN_ID) if "Low stock" in (m.text or "")]

        unmuted = await ada.tap(muted, "Low stock and stock-outs")
        assert unmuted.button_texts[4] == ["🔔 Low stock and stock-outs"]


async def test_reconnect_alert_opens_the_allegro_reconnect(db: Database, fake: FakeTelegram) -> None:
    async with running_bot(db, fake, channels=[]):
        await fake.user("Ada", id=ADMIN_ID, language_code="en").command("start")
        fake.mark(ADMIN_ID)
        await send_alert(db, fake, "token_reconnect", "alert-allegro-reconnect", account="shop", account_id=7)
        alert = await fake.next_bot_message(ADMIN_ID)
        assert (alert.text or "").startswith("🔑 The Allegro account shop must be connected again")
        button = alert.button("🔌 Reconnect")
        assert button["callback_data"] == AllegroCb(action=AllegroAction.RECONNECT, account_id=7).pack()
