"""The fake Telegram Bot API driven by a real aiogram Bot and Dispatcher over real sockets."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router, html
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from PIL import Image

from tests.fakes.telegram import FakeTelegram, FakeUser, LocalSession, fake_telegram  # noqa: F401 - fixture

pytestmark = pytest.mark.asyncio


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def shout_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="📣 Shout", callback_data="shout")
    builder.button(text="Alert", callback_data="alert")
    return builder.as_markup()


def echo_router() -> Router:
    """A tiny bot: greets, echoes text with buttons, edits on "Shout", measures photos."""
    router = Router(name="echo")

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        menu = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Help")]], resize_keyboard=True)
        await message.answer(f"Hello, <b>{html.quote(message.from_user.first_name)}</b>!", reply_markup=menu)

    @router.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        largest = message.photo[-1]
        data = await bot.download(largest)
        await message.answer(f"{largest.width}x{largest.height}, {len(data.read())} bytes")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(html.quote(message.text), reply_markup=shout_keyboard())

    @router.callback_query(F.data == "shout")
    async def shout(query: CallbackQuery) -> None:
        await query.message.edit_text(html.quote(query.message.text.upper()))
        await query.answer("Shouted")

    @router.callback_query(F.data == "alert")
    async def alert(query: CallbackQuery) -> None:
        await query.answer("Careful!", show_alert=True)

    return router


@pytest.fixture
async def fake(fake_telegram: FakeTelegram) -> FakeTelegram:  # noqa: F811 - the imported fixture
    return fake_telegram


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    bot = fake.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    yield bot
    await bot.session.close()


@pytest.fixture
async def alice(fake: FakeTelegram) -> FakeUser:
    return fake.user("Alice", username="alice", language_code="pl")


@pytest.fixture
async def polling(fake: FakeTelegram, bot: Bot) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False))
    await fake.wait_for("getMe")
    yield dispatcher
    await dispatcher.stop_polling()
    await task


# -- transport -----------------------------------------------------------------------------


async def test_get_me_answers_the_bot_identity(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (fake.bot_id, "warehouse_test_bot", True)
    assert bot.id == me.id


async def test_a_wrong_token_is_unauthorized(fake: FakeTelegram) -> None:
    stranger = Bot("42:wrong-token", session=LocalSession(api=fake.api_server))
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await stranger.get_me()
    finally:
        await stranger.session.close()


async def test_json_bodies_and_unknown_methods(fake: FakeTelegram, alice: FakeUser) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{fake.url}/bot{fake.token}"
        async with http.post(f"{url}/sendMessage", json={"chat_id": alice.id, "text": "[1] 42"}) as sent:
            body = await sent.json()
        async with http.post(f"{url}/sendTelepathy", json={}) as unknown:
            missing = (unknown.status, await unknown.json())

    assert body["result"]["text"] == "[1] 42"
    assert fake.calls[-2].params == {"chat_id": alice.id, "text": "[1] 42"}
    assert missing == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_stop_releases_a_pending_long_poll() -> None:
    fake = FakeTelegram()
    await fake.start()
    poller = fake.make_bot()
    pending = asyncio.create_task(poller.get_updates(timeout=30))
    await fake.wait_until(lambda: fake.long_polling)
    started = time.monotonic()

    await fake.stop()

    assert await pending == []
    assert time.monotonic() - started < 1
    await poller.session.close()


# -- long polling --------------------------------------------------------------------------


async def test_get_updates_returns_as_soon_as_an_update_exists(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    started = time.monotonic()
    waiting = asyncio.create_task(bot.get_updates(timeout=10))
    await fake.wait_until(lambda: fake.long_polling)
    assert not waiting.done()

    sent = fake.send_text(alice, "hello")
    updates = await waiting

    assert [update.update_id for update in updates] == [sent["update_id"]]
    assert updates[0].message.text == "hello"
    assert time.monotonic() - started < 1


async def test_get_updates_honours_offset_limit_and_allowed_updates(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    first, second, third = (fake.send_text(alice, text)["update_id"] for text in ("a", "b", "c"))

    assert [u.update_id for u in await bot.get_updates(limit=2)] == [first, second]
    assert [u.update_id for u in await bot.get_updates(offset=second)] == [second, third]
    assert [u["update_id"] for u in fake.pending_updates] == [second, third]
    assert await bot.get_updates(offset=third + 1, timeout=0) == []
    assert fake.pending_updates == []

    fake.send_text(alice, "ignored")
    reply = await bot.send_message(alice.id, "pick", reply_markup=shout_keyboard())
    pressed = fake.press_button(alice, reply.message_id, "shout")
    delivered = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.update_id for u in delivered] == [pressed["update_id"]]


async def test_negative_offset_keeps_only_the_last_updates(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    ids = [fake.send_text(alice, str(n))["update_id"] for n in range(3)]

    assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[-1:]
    assert [u["update_id"] for u in fake.pending_updates] == ids[-1:]


async def test_a_newer_get_updates_terminates_the_older_one(fake: FakeTelegram, bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=10))
    await fake.wait_until(lambda: fake.long_polling)

    assert await bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await older


async def test_webhook_blocks_get_updates_until_deleted(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    fake.send_text(alice, "queued")
    await bot.set_webhook("https://example.invalid/hook")
    info = await bot.get_webhook_info()

    assert (info.url, info.pending_update_count) == ("https://example.invalid/hook", 1)
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []


# -- a conversation through the real Dispatcher --------------------------------------------


async def test_conversation_with_buttons_and_edits(
    fake: FakeTelegram, alice: FakeUser, polling: Dispatcher
) -> None:
    greeting = await alice.command("start")
    assert greeting.text == "Hello, Alice!"
    assert greeting.entities == [{"type": "bold", "offset": 7, "length": 5}]
    assert alice.keyboard == [["Help"]]

    reply = await alice.say("<ABC-1> & co")
    assert reply.text == "<ABC-1> & co"
    assert reply.button_texts == [["📣 Shout", "Alert"]]

    edited = await alice.tap(reply, "Shout")
    assert (edited.edited, edited.message_id, edited.text) == (True, reply.message_id, "<ABC-1> & CO")
    assert edited.reply_markup is None  # editing text without reply_markup drops the keyboard
    assert fake.message(alice.chat_id, reply.message_id).text == "<ABC-1> & CO"
    answer = await fake.wait_for("answerCallbackQuery")
    assert answer.params["text"] == "Shouted"

    await fake.wait_until(lambda: not fake.pending_updates)  # polling confirmed everything


async def test_tap_answer_returns_the_alert(alice: FakeUser, polling: Dispatcher) -> None:
    reply = await alice.say("hi")

    answer = await alice.tap_answer(reply, "Alert")

    assert (answer["text"], answer["show_alert"]) == ("Careful!", True)


async def test_messages_keep_the_chat_state(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    fake.send_text(alice, "one")
    sent = await bot.send_message(alice.id, "two", reply_markup=ReplyKeyboardRemove())
    await bot.delete_message(alice.id, sent.message_id)

    assert [(m.message_id, m.from_bot, m.text) for m in fake.messages(alice.chat_id)] == [(1, False, "one")]
    with pytest.raises(KeyError):
        fake.message(alice.chat_id, sent.message_id)


# -- files ---------------------------------------------------------------------------------


async def test_user_photo_is_downloadable_by_the_bot(
    fake: FakeTelegram, alice: FakeUser, polling: Dispatcher
) -> None:
    data = png(1000, 500)

    reply = await alice.send_photo(data)

    assert reply.text == f"1000x500, {len(data)} bytes"
    assert fake.stats["getFile"] == 1


async def test_bot_photo_upload_download_and_resend_by_file_id(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    data = png(400, 300)

    sent = await bot.send_photo(alice.id, BufferedInputFile(data, "p.png"), caption="<i>p</i>")
    downloaded = await bot.download(sent.photo[-1])
    again = await bot.send_photo(alice.id, sent.photo[0].file_id)

    assert [(size.width, size.height) for size in sent.photo] == [(90, 68), (320, 240), (400, 300)]
    assert downloaded.read() == data
    assert (sent.caption, sent.caption_entities[0].type) == ("p", "italic")
    assert again.photo == sent.photo
    assert fake.calls[0].files  # multipart upload
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(alice.id, BufferedInputFile(b"not an image", "x.jpg"))
    with pytest.raises(TelegramBadRequest, match="PHOTO_INVALID_DIMENSIONS"):
        await bot.send_photo(alice.id, BufferedInputFile(png(4000, 100), "strip.png"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(alice.id, "AgACno-such-file")


async def test_documents_and_the_download_limit(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    sent = await bot.send_document(alice.id, BufferedInputFile(b"sku;qty\n", "stock.csv"))
    file = await bot.get_file(sent.document.file_id)
    copied = await bot.send_document(alice.id, sent.document.file_id)
    edited = await bot.edit_message_media(
        InputMediaDocument(media=BufferedInputFile(b"new", "new.txt"), caption="v2"),
        chat_id=alice.id,
        message_id=sent.message_id,
    )
    huge = fake.send_document(alice, b"\0" * (20 * 1024 * 1024 + 1), "huge.bin")

    assert (sent.document.file_name, sent.document.mime_type) == ("stock.csv", "text/csv")
    assert (await bot.download_file(file.file_path)).read() == b"sku;qty\n"
    assert copied.document.file_name == "stock.csv"
    assert (edited.document.file_name, edited.caption) == ("new.txt", "v2")
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(huge["message"]["document"]["file_id"])
    with pytest.raises(TelegramBadRequest, match="can't use file of type Document as Photo"):
        await bot.send_photo(alice.id, sent.document.file_id)


# -- Telegram's refusals -------------------------------------------------------------------

Call = Callable[[Bot, int, int], Awaitable[object]]
KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="x")]])

REFUSALS: dict[str, tuple[Call, str]] = {
    "not modified": (
        lambda bot, chat, msg: bot.edit_message_text(
            "original", chat_id=chat, message_id=msg, reply_markup=KEYBOARD
        ),
        "message is not modified: specified new message content and reply markup are exactly the same",
    ),
    "markup not modified": (
        lambda bot, chat, msg: bot.edit_message_reply_markup(
            chat_id=chat, message_id=msg, reply_markup=KEYBOARD
        ),
        "message is not modified",
    ),
    "edit unknown": (
        lambda bot, chat, msg: bot.edit_message_text("x", chat_id=chat, message_id=msg + 100),
        "Bad Request: message to edit not found",
    ),
    "delete unknown": (
        lambda bot, chat, msg: bot.delete_message(chat, msg + 100),
        "Bad Request: message to delete not found",
    ),
    "caption of a text": (
        lambda bot, chat, msg: bot.edit_message_caption(chat_id=chat, message_id=msg, caption="c"),
        "there is no caption in the message to edit",
    ),
    "callback data too long": (
        lambda bot, chat, msg: bot.send_message(
            chat,
            "x",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="é" * 33)]]
            ),
        ),
        "Bad Request: BUTTON_DATA_INVALID",
    ),
    "too long": (
        lambda bot, chat, msg: bot.send_message(chat, "x" * 4097),
        "Bad Request: message is too long",
    ),
    "empty": (lambda bot, chat, msg: bot.send_message(chat, "  "), "Bad Request: message text is empty"),
    "empty after html": (
        lambda bot, chat, msg: bot.send_message(chat, "<b></b>"),
        "Bad Request: message text is empty",
    ),
    "unknown chat": (lambda bot, chat, msg: bot.send_message(777, "x"), "Bad Request: chat not found"),
    "unclosed tag": (
        lambda bot, chat, msg: bot.send_message(chat, "<b>bold"),
        "can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    ),
    "unsupported tag": (
        lambda bot, chat, msg: bot.send_message(chat, "Qty: <ABC-1>"),
        'can\'t parse entities: Unsupported start tag "abc-1" at byte offset 5',
    ),
    "bare less-than": (
        lambda bot, chat, msg: bot.send_message(chat, "ąę < 5"),
        'can\'t parse entities: Unsupported start tag "" at byte offset 5',
    ),
    "stray end tag": (
        lambda bot, chat, msg: bot.send_message(chat, "x</i>"),
        "can't parse entities: Unexpected end tag at byte offset 1",
    ),
    "crossed tags": (
        lambda bot, chat, msg: bot.send_message(chat, "<b><i>x</b></i>"),
        'Unmatched end tag, expected "</i>", found "</b>"',
    ),
    "span without class": (
        lambda bot, chat, msg: bot.send_message(chat, "<span>x</span>"),
        'Tag "span" must have class "tg-spoiler"',
    ),
    "bad command": (
        lambda bot, chat, msg: bot.set_my_commands([BotCommand(command="Stock", description="d")]),
        "Bad Request: BOT_COMMAND_INVALID",
    ),
    "bad chat action": (
        lambda bot, chat, msg: bot.send_chat_action(chat, "dancing"),
        "wrong parameter action in request",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
async def test_bad_requests(fake: FakeTelegram, bot: Bot, alice: FakeUser, case: str) -> None:
    call, description = REFUSALS[case]
    original = await bot.send_message(alice.id, "original", reply_markup=KEYBOARD)

    with pytest.raises(TelegramBadRequest) as refused:
        await call(bot, alice.id, original.message_id)

    assert description in refused.value.message
    assert fake.calls[-1].status == 400
    assert fake.calls[-1].response["error_code"] == 400


async def test_user_messages_cannot_be_edited(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    sent = fake.send_text(alice, "mine")

    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("yours", chat_id=alice.id, message_id=sent["message"]["message_id"])


async def test_blocked_user_is_forbidden(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    alice.block()

    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(alice.id, "hi")
    assert fake.calls[-1].status == 403
    alice.unblock()
    assert (await bot.send_message(alice.id, "hi")).text == "hi"


async def test_blocked_users_can_be_configured_up_front() -> None:
    async with FakeTelegram(blocked={5}) as fake:
        bot = fake.make_bot()
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(5, "hi")
        await bot.session.close()


async def test_flood_control_answers_429_with_retry_after(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    fake.flood(7, calls=2)

    await bot.get_me()  # not a sending method: unaffected
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as flooded:
            await bot.send_message(alice.id, "hi")
        assert flooded.value.retry_after == 7
    assert (await bot.send_message(alice.id, "hi")).text == "hi"
    assert fake.calls[-2].response["parameters"] == {"retry_after": 7}


async def test_callback_queries_are_answered_once(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    reply = await bot.send_message(alice.id, "pick", reply_markup=KEYBOARD)
    query_id = fake.press_button(alice, reply.message_id, "x")["callback_query"]["id"]

    await bot.answer_callback_query(query_id, text="ok")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(LookupError, match="no button"):
        fake.press_button(alice, reply.message_id, "y")


async def test_uploads_over_50_mb_are_refused(fake: FakeTelegram) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", "1")
    form.add_field("document", io.BytesIO(bytes(50 * 1024 * 1024 + 1)), filename="big.bin")
    url = f"{fake.url}/bot{fake.token}/sendDocument"
    async with aiohttp.ClientSession() as http, http.post(url, data=form) as response:
        refusal = (response.status, await response.json())

    assert refusal == (413, {"ok": False, "error_code": 413, "description": "Request Entity Too Large"})


# -- formatting, commands, forwarding ------------------------------------------------------


async def test_html_becomes_plain_text_and_utf16_entities(bot: Bot, alice: FakeUser) -> None:
    sent = await bot.send_message(
        alice.id,
        '  📦 <b>Stock</b> &lt;5&gt; &amp; <a href="https://x.test">link</a> &nbsp;'
        '<pre><code class="language-csv">a;b</code></pre><span class="tg-spoiler">s</span>\n',
    )

    assert sent.text == "📦 Stock <5> & link &nbsp;a;bs"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 3, 5),
        ("text_link", 15, 4),
        ("pre", 26, 3),
        ("spoiler", 29, 1),
    ]
    assert sent.entities[1].url == "https://x.test"
    assert sent.entities[2].language == "csv"


async def test_commands_per_scope_and_language(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    scope = BotCommandScopeChat(chat_id=alice.id)
    await bot.set_my_commands(
        [BotCommand(command="stock", description="Stock")], scope=scope, language_code="pl"
    )

    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="pl")] == ["stock"]
    assert await bot.get_my_commands() == []
    await bot.delete_my_commands(scope=scope, language_code="pl")
    assert await bot.get_my_commands(scope=scope, language_code="pl") == []
    assert await bot.set_chat_menu_button() is True


async def test_forward_and_copy(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    bob = fake.user("Bob")
    said = fake.send_text(bob, "from bob")["message"]

    forwarded = await bot.forward_message(alice.id, bob.id, said["message_id"])
    copied = await bot.copy_message(alice.id, bob.id, said["message_id"])

    assert forwarded.forward_origin.sender_user.id == bob.id
    assert fake.message(alice.chat_id, copied.message_id).text == "from bob"
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(alice.id, bob.id, 999)


async def test_user_side_updates_parse_as_aiogram_updates(fake: FakeTelegram, alice: FakeUser) -> None:
    bob = fake.user("Bob", username="bob")
    updates = [
        fake.send_command(alice, "start", "deep-link"),
        fake.forward_from(alice, bob),
        fake.forward_from(alice, bob, hidden=True),
        fake.send_document(alice, b"x", "a.pdf", "application/pdf", caption="doc"),
    ]

    parsed = [Update.model_validate(update) for update in updates]

    assert [u.update_id for u in parsed] == sorted(u.update_id for u in parsed)
    assert parsed[0].message.text == "/start deep-link"
    assert parsed[0].message.entities[0].type == "bot_command"
    assert parsed[1].message.forward_origin.sender_user.username == "bob"
    assert parsed[2].message.forward_origin.sender_user_name == "Bob"
    assert parsed[3].message.document.mime_type == "application/pdf"


# -- recording and waiting -----------------------------------------------------------------


async def test_wait_for_stats_and_cursor(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    await bot.send_message(alice.id, "first")
    fake.mark(alice.chat_id)
    since = len(fake.calls)
    await bot.send_message(alice.id, "second")
    await bot.send_chat_action(alice.id, "typing")

    call = await fake.wait_for(lambda c: c.method == "sendMessage" and c.ok, since=since)
    assert call.params["text"] == "second"
    assert (await fake.next_bot_message(alice.chat_id)).text == "second"
    assert fake.stats == {"sendMessage": 2, "sendChatAction": 1}
    with pytest.raises(TimeoutError, match=r"no call matching 'deleteMessage' within 0\.05s"):
        await fake.wait_for("deleteMessage", timeout=0.05)
    with pytest.raises(TimeoutError, match="no bot message"):
        await fake.next_bot_message(alice.chat_id, timeout=0.05)
