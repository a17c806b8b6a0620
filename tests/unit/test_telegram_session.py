"""bot/telegram_session.py: `BotSession.check_response` gives the same objects and the same errors as
aiogram's own `check_response`, without a `Response[<return type>]` validator per method."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    RestartingTelegram,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    ExportChatInviteLink,
    ForwardMessages,
    GetChat,
    GetChatAdministrators,
    GetChatMember,
    GetChatMenuButton,
    GetFile,
    GetMe,
    GetMyCommands,
    GetUpdates,
    SendMessage,
    SendPhoto,
    SetMyCommands,
)
from aiogram.methods.base import TelegramMethod
from aiogram.types import BotCommand, InlineKeyboardMarkup, Message, TelegramObject
from pydantic import BaseModel

from bot.app import EVERYDAY_METHODS
from bot.telegram_session import BotSession
from tests.unit.telegram_corpus import (
    CHAT,
    EDITED_MESSAGE,
    KEYBOARD,
    ME,
    PHOTO_MESSAGE,
    TEXT_MESSAGE,
    UPDATES,
    USER,
)

TOKEN = "42:TEST-ONLY-not-a-real-bot-token"
ADMINS = [
    {"status": "creator", "user": USER, "is_anonymous": False, "custom_title": "boss"},
    {
        "status": "administrator",
        "user": ME,
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": False,
        "can_restrict_members": False,
        "can_promote_members": False,
        "can_change_info": False,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
        "can_send_welcome_messages": False,
    },
]
FULL_CHAT = {
    **CHAT,
    "accent_color_id": 3,
    "max_reaction_count": 11,
    "accepted_gift_types": {
        "unlimited_gifts": True,
        "limited_gifts": True,
        "unique_gifts": True,
        "premium_subscription": False,
        "gifts_from_channels": True,
    },
    "pinned_message": TEXT_MESSAGE,
}

ANSWERS: list[tuple[TelegramMethod[Any], Any]] = [
    (GetUpdates(offset=1, timeout=25), UPDATES),
    (GetUpdates(), []),
    (SendMessage(chat_id=42, text="Stock: 5"), TEXT_MESSAGE),
    (SendPhoto(chat_id=42, photo="p-m", caption="EAN"), PHOTO_MESSAGE),
    (EditMessageText(chat_id=42, message_id=10, text="Stock: 4"), EDITED_MESSAGE),
    (EditMessageText(inline_message_id="i", text="Stock: 4"), True),
    (EditMessageText(inline_message_id="i", text="Stock: 4"), 1),  # pydantic's lax bool, both sides
    (
        EditMessageReplyMarkup(
            chat_id=42, message_id=10, reply_markup=InlineKeyboardMarkup.model_validate(KEYBOARD)
        ),
        EDITED_MESSAGE,
    ),
    (EditMessageReplyMarkup(inline_message_id="i"), True),
    (AnswerCallbackQuery(callback_query_id="c1", text="OK"), True),
    (DeleteMessage(chat_id=42, message_id=10), True),
    (
        GetFile(file_id="d"),
        {"file_id": "d", "file_unique_id": "du", "file_size": 10, "file_path": "documents/f.csv"},
    ),
    (GetMe(), ME),
    (GetChat(chat_id=42), FULL_CHAT),
    (SetMyCommands(commands=[BotCommand(command="stock", description="Stock")]), True),
    (
        GetMyCommands(),
        [{"command": "stock", "description": "Stock"}, {"command": "help", "description": "Help"}],
    ),
    (
        ForwardMessages(chat_id=1, from_chat_id=42, message_ids=[10, 11]),
        [{"message_id": 20}, {"message_id": 21}],
    ),
    (GetChatAdministrators(chat_id=-100), ADMINS),
    (GetChatMember(chat_id=-100, user_id=42), ADMINS[0]),
    (GetChatMenuButton(), {"type": "commands"}),
    (ExportChatInviteLink(chat_id=-100), "https://t.me/+AbCdEf"),
]


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot(TOKEN, session=BotSession(), default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def _ok(result: Any) -> str:
    return json.dumps({"ok": True, "result": result})


def _both(bot: Bot, method: TelegramMethod[Any], status: int, content: str) -> tuple[Any, Any]:
    ours = BotSession().check_response(bot, method, status, content)
    theirs = AiohttpSession().check_response(bot, method, status, content)
    return ours.result, theirs.result


def _dump(value: Any) -> Any:
    if isinstance(value, list):
        return [_dump(item) for item in value]
    if isinstance(value, BaseModel):
        return (type(value), value.model_dump())
    return (type(value), value)


def _telegram_objects(value: Any) -> list[TelegramObject]:
    if isinstance(value, list):
        return [found for item in value for found in _telegram_objects(item)]
    if not isinstance(value, TelegramObject):
        return []
    nested = [_telegram_objects(getattr(value, name)) for name in type(value).model_fields]
    return [value, *(found for objects in nested for found in objects)]


def test_every_everyday_method_is_covered() -> None:
    assert set(EVERYDAY_METHODS) <= {type(method) for method, _ in ANSWERS}


@pytest.mark.parametrize(("method", "result"), ANSWERS, ids=lambda value: type(value).__name__)
def test_results_are_the_objects_aiogram_makes(bot: Bot, method: TelegramMethod[Any], result: Any) -> None:
    ours, theirs = _both(bot, method, 200, _ok(result))

    assert _dump(ours) == _dump(theirs)
    assert ours == theirs
    objects = _telegram_objects(ours)
    assert all(found.bot is bot for found in objects)  # nested ones too: message.answer() works
    assert len(objects) == len(_telegram_objects(theirs))


def test_a_parsed_message_answers_through_the_bot_with_its_defaults(bot: Bot) -> None:
    ours, theirs = _both(bot, SendMessage(chat_id=42, text="a"), 200, _ok(TEXT_MESSAGE))
    assert isinstance(ours, Message)

    answer = ours.answer("next")

    assert answer.bot is bot
    assert answer.model_dump() == theirs.answer("next").model_dump()  # parse_mode stays Default(...)


def test_a_missing_result_is_none_as_in_aiogram(bot: Bot) -> None:
    assert _both(bot, SendMessage(chat_id=42, text="a"), 200, '{"ok": true}') == (None, None)


ERRORS: list[tuple[int, dict[str, Any], type[Exception]]] = [
    (400, {"description": "Bad Request: message is not modified"}, TelegramBadRequest),
    (
        429,
        {"description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}},
        TelegramRetryAfter,
    ),
    (
        400,
        {"description": "Bad Request: group chat was upgraded", "parameters": {"migrate_to_chat_id": -1001}},
        TelegramMigrateToChat,
    ),
    (403, {"description": "Forbidden: bot was blocked by the user"}, TelegramForbiddenError),
    (401, {"description": "Unauthorized"}, TelegramUnauthorizedError),
    (409, {"description": "Conflict: terminated by other getUpdates request"}, TelegramConflictError),
    (413, {"description": "Request Entity Too Large"}, TelegramEntityTooLarge),
    (404, {"description": "Not Found"}, TelegramNotFound),
    (500, {"description": "Internal Server Error"}, TelegramServerError),
    (502, {"description": "Bad Gateway: restarting"}, RestartingTelegram),
    (420, {"description": "Flood"}, TelegramAPIError),
    (200, {"description": "ok is false on a 200"}, TelegramAPIError),
    (400, {"description": "Bad Request", "result": {"message_id": "not a number"}}, ClientDecodeError),
]
ERROR_METHODS = [
    SendMessage(chat_id=42, text="a"),
    EditMessageText(chat_id=42, message_id=1, text="b"),
    GetMe(),
]


def _raised(
    session: AiohttpSession, bot: Bot, method: TelegramMethod[Any], status: int, content: str
) -> Exception:
    with pytest.raises(Exception) as caught:
        session.check_response(bot, method, status, content)
    return caught.value


def _same_error(bot: Bot, method: TelegramMethod[Any], status: int, content: str) -> Exception:
    ours = _raised(BotSession(), bot, method, status, content)
    theirs = _raised(AiohttpSession(), bot, method, status, content)

    assert type(ours) is type(theirs)
    assert isinstance(ours, ClientDecodeError) or str(ours) == str(theirs)
    for attribute in ("method", "message", "retry_after", "migrate_to_chat_id"):
        assert getattr(ours, attribute, None) == getattr(theirs, attribute, None)
    assert TOKEN not in str(ours)
    assert TOKEN not in repr(ours)
    assert TOKEN not in repr(getattr(ours, "method", None))
    return ours


@pytest.mark.parametrize("method", ERROR_METHODS, ids=lambda method: type(method).__name__)
@pytest.mark.parametrize(("status", "body", "expected"), ERRORS, ids=[kind.__name__ for _, _, kind in ERRORS])
def test_errors_are_aiogram_errors(
    bot: Bot, method: TelegramMethod[Any], status: int, body: dict[str, Any], expected: type[Exception]
) -> None:
    content = json.dumps({"ok": False, "error_code": status, **body})

    error = _same_error(bot, method, status, content)

    assert type(error) is expected
    if isinstance(error, TelegramAPIError):
        assert error.method is method
    if isinstance(error, TelegramRetryAfter):
        assert error.retry_after == 7


GARBAGE: list[tuple[TelegramMethod[Any], str]] = [
    (SendMessage(chat_id=42, text="a"), "<html>502 Bad Gateway</html>"),
    (SendMessage(chat_id=42, text="a"), ""),
    (SendMessage(chat_id=42, text="a"), "[1, 2]"),
    (SendMessage(chat_id=42, text="a"), '{"ok": "perhaps"}'),
    (SendMessage(chat_id=42, text="a"), _ok([1, 2])),
    (SendMessage(chat_id=42, text="a"), _ok("sent")),
    (SendMessage(chat_id=42, text="a"), _ok({**TEXT_MESSAGE, "chat": "nobody"})),
    (EditMessageText(chat_id=42, message_id=1, text="b"), _ok([TEXT_MESSAGE])),
    (EditMessageText(chat_id=42, message_id=1, text="b"), _ok({"message_id": 1})),
    (GetUpdates(), _ok(UPDATES[0])),
    (GetUpdates(), _ok([{"update_id": "first"}])),
    (GetUpdates(), _ok([None])),
    (GetFile(file_id="d"), _ok(True)),
    (AnswerCallbackQuery(callback_query_id="c"), _ok({"done": True})),
    (GetChatMember(chat_id=1, user_id=2), _ok({"status": "emperor", "user": USER})),
]


@pytest.mark.parametrize(("method", "content"), GARBAGE, ids=lambda value: str(value)[:30])
def test_garbage_and_results_of_the_wrong_shape_are_decode_errors(
    bot: Bot, method: TelegramMethod[Any], content: str
) -> None:
    error = _same_error(bot, method, 200, content)

    assert isinstance(error, ClientDecodeError)


def test_parsers_are_built_once_per_return_type() -> None:
    returning = SendMessage.__returning__
    assert BotSession.result_parser(returning) is BotSession.result_parser(returning)


FRESH_START = """
import json
import bot, bot.app
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageText, GetUpdates, SendMessage
from aiogram.methods.base import Response
from pydantic import BaseModel

bot.app.build_everyday_models()
telegram = Bot("1:x", session=bot.app.BotSession())


def answer(method, status, body):
    telegram.session.check_response(telegram, method, status, json.dumps(body))


message = {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "text": "a"}
answer(SendMessage(chat_id=1, text="a"), 200, {"ok": True, "result": message})
answer(EditMessageText(chat_id=1, message_id=1, text="a"), 200, {"ok": True, "result": True})
answer(GetUpdates(), 200, {"ok": True, "result": [{"update_id": 1, "message": message}]})
try:
    answer(SendMessage(chat_id=1, text="a"), 400, {"ok": False, "description": "Bad Request: no"})
except TelegramBadRequest:
    pass


def holds_model(args):
    return any(
        (isinstance(arg, type) and issubclass(arg, BaseModel)) or holds_model(getattr(arg, "__args__", ()))
        for arg in args
    )


metadata = [(cls, cls.__pydantic_generic_metadata__["args"]) for cls in Response.__subclasses__()]
built = [cls.__name__ for cls, args in metadata if cls.__pydantic_complete__ and holds_model(args)]
print(json.dumps(built))
"""


def test_start_up_and_everyday_answers_build_no_response_validator_holding_models() -> None:
    done = subprocess.run([sys.executable, "-c", FRESH_START], capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
