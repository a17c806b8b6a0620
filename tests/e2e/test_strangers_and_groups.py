"""Strangers hear from the bot once; groups and channels get nothing but a goodbye.

Time for the once-a-day /start comes from the message dates, i.e. the fake Telegram's clock, which
the tests move forward instead of sleeping. Database traffic is watched with a SQLAlchemy listener on
every engine in the process, the bot's included."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import event
from sqlalchemy.engine import Engine

from domain.models import Role
from domain.people import Users
from tests.e2e.conftest import STAFF_ID, STRANGER_ID, BotHarness
from tests.fakes.telegram import BotMessage, FakeTelegram, FakeUser, Json

DAY = 24 * 3600


@dataclass(frozen=True)
class Statement:
    sql: str
    params: str

    def mentions(self, number: int) -> bool:
        return str(number) in self.params

    @property
    def writes(self) -> bool:
        return self.sql.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}


@pytest.fixture
def statements() -> Iterator[list[Statement]]:
    seen: list[Statement] = []

    def record(conn: object, cursor: object, sql: str, params: object, context: object, many: bool) -> None:
        seen.append(Statement(sql, repr(params)))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


STALE = "An old message"


def _replies(fake: FakeTelegram, chat_id: int) -> list[str]:
    """What the bot said in the chat (the stale message planted by the test aside)."""
    texts = [message.text or "" for message in fake.messages(chat_id) if message.from_bot]
    return [text for text in texts if text != STALE]


async def _stale_button(fake: FakeTelegram, chat_id: int) -> BotMessage:
    """A message with a button in the chat, as if the bot had sent it long ago (or a forged one)."""
    bot = fake.make_bot()
    try:
        button = InlineKeyboardButton(text="Open", callback_data="old:1")
        sent = await bot.send_message(
            chat_id, STALE, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
        )
    finally:
        await bot.session.close()
    return fake.message(chat_id, sent.message_id)


async def _press_until_answered(fake: FakeTelegram, user: FakeUser, stale: BotMessage) -> Json:
    """Press the stale button until a press is answered (the rate limit may drop some). The updates of
    one user are handled in order, so everything the user sent before has been handled by then. On a
    busy machine an answer may come after the next press: any press answered counts."""
    pressed: list[str] = []

    def answered() -> Json | None:
        return next((a for a in map(fake.callback_answer, pressed) if a is not None), None)

    for _attempt in range(30):
        pressed.append(user.press(stale, "Open")["callback_query"]["id"])
        with contextlib.suppress(TimeoutError):
            await fake.wait_until(lambda: answered() is not None, timeout=0.3)
        answer = answered()
        if answer is not None:
            return answer
    pytest.fail("no press of the button was answered")


async def test_a_stranger_is_answered_once_and_again_on_start_a_day_later(
    bot_app: BotHarness, statements: list[Statement]
) -> None:
    fake, stranger = bot_app.fake, bot_app.stranger
    stale = await _stale_button(fake, STRANGER_ID)
    for text in ("hello", "ABC-1", "/start", "mug", "please"):
        fake.send_text(stranger, text)
    fake.advance_clock(DAY - 60)  # not yet a day since the answer: /start stays unanswered
    fake.send_text(stranger, "/start")
    fake.advance_clock(120)  # a day has passed: only /start is answered again, once
    fake.send_text(stranger, "anyone?")
    fake.send_text(stranger, "/start")
    fake.send_text(stranger, "/start")
    await _press_until_answered(fake, stranger, stale)

    replies = [
        message for message in fake.messages(STRANGER_ID) if message.from_bot and message.text != STALE
    ]
    assert len(replies) == 2
    assert all(
        str(STRANGER_ID) in (reply.text or "") and "administrator" in (reply.text or "") for reply in replies
    )
    async with bot_app.db.transaction() as session:
        assert await Users(session).by_telegram_id(STRANGER_ID) is None
    looked_up = [s for s in statements if s.mentions(STRANGER_ID)]
    assert looked_up, "the listener does not see the bot's queries"
    assert not [s for s in looked_up if s.writes]


async def test_a_flooding_stranger_gets_no_slow_down_note(bot_app: BotHarness) -> None:
    fake, stranger = bot_app.fake, bot_app.stranger
    stale = await _stale_button(fake, STRANGER_ID)
    for number in range(30):
        fake.send_text(stranger, f"spam {number}")
    await _press_until_answered(fake, stranger, stale)
    replies = _replies(fake, STRANGER_ID)
    assert len(replies) == 1 and "too fast" not in replies[0]


async def test_an_added_stranger_gets_the_greeting_at_once(bot_app: BotHarness) -> None:
    await bot_app.stranger.say("hello")
    async with bot_app.db.transaction() as session:
        await Users(session).add(STRANGER_ID, Role.STAFF, "Sam")
    greeting = await bot_app.stranger.command("start")
    assert str(STRANGER_ID) not in (greeting.text or "")
    assert "Sam" in (greeting.text or "")


async def _deactivated_with_a_card(bot_app: BotHarness) -> tuple[FakeUser, BotMessage]:
    await bot_app.add_product("MUG-1", "Kubek")
    person = await bot_app.add_user()
    card = await person.say("MUG-1")
    assert card.buttons
    async with bot_app.db.transaction() as session:
        await Users(session).deactivate(person.id)
    return person, card


async def test_a_strangers_button_gets_one_alert(bot_app: BotHarness) -> None:
    fake = bot_app.fake
    person, card = await _deactivated_with_a_card(bot_app)
    label = card.button_texts[0][0]
    answer = await person.tap_answer(card, label)
    assert answer.get("show_alert") is True and "warehouse team only" in str(answer.get("text"))
    pressed = [person.press(card, label)["callback_query"]["id"] for _ in range(2)]
    fake.advance_clock(DAY + 1)
    await person.command("start")  # a barrier: the presses before it were handled
    assert [fake.callback_answer(query_id) for query_id in pressed] == [None, None]


async def test_staff_writing_in_a_group_gets_nothing_and_costs_no_query(
    bot_app: BotHarness, statements: list[Statement]
) -> None:
    fake, staff = bot_app.fake, bot_app.staff
    await bot_app.add_product("MUG-1", "Kubek")
    group = fake.group("Warehouse chat", type="supergroup", bot_status="member")
    old = await _stale_button(fake, group.id)
    await staff.command("start")  # the first /start may update the profile; the next ones do not
    mark = len(statements)
    await staff.command("start")
    per_private_update = sum(s.mentions(STAFF_ID) for s in statements[mark:])
    assert per_private_update, "the listener does not see the bot's queries"

    mark = len(statements)
    fake.send_text(staff, "MUG-1", chat=group)
    fake.send_text(staff, "/start", chat=group)
    query = fake.press_button(staff, old, "old:1", chat=group)["callback_query"]["id"]
    await staff.command("start")  # handled after the group updates, which stop without awaiting
    assert sum(s.mentions(STAFF_ID) for s in statements[mark:]) == per_private_update
    assert not [s for s in statements if s.mentions(group.id)]
    assert _replies(fake, group.id) == []
    assert fake.callback_answer(query) is None


@pytest.mark.parametrize(
    ("kind", "status"), [("group", "member"), ("supergroup", "administrator"), ("channel", "administrator")]
)
async def test_added_to_a_group_the_bot_says_so_once_and_leaves(
    bot_app: BotHarness, statements: list[Statement], kind: str, status: str
) -> None:
    fake = bot_app.fake
    group = fake.group("Team", type=kind)
    polish = await bot_app.add_user(language_code="pl")
    fake.add_bot_to_group(polish, group, status=status)
    left = await fake.wait_for(lambda call: call.method == "leaveChat" and call.params["chat_id"] == group.id)
    assert left.ok
    assert _replies(fake, group.id) == [
        "Działam tylko w czatach prywatnych, więc opuszczam ten czat. Napisz do mnie bezpośrednio."
    ]
    await polish.say("nothing-here")  # a barrier: the "left" update Telegram sent is handled by now
    sent = [
        call for call in fake.calls if call.method == "sendMessage" and call.params["chat_id"] == group.id
    ]
    assert len(sent) == 1
    assert not [s for s in statements if s.mentions(group.id)]
