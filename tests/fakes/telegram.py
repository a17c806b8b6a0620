"""A fake Telegram Bot API server for end-to-end tests.

A real aiohttp server on 127.0.0.1 (ephemeral port) that an unmodified aiogram ``Bot`` talks to over
real sockets through ``AiohttpSession(api=TelegramAPIServer.from_base(fake.url))``.  It keeps the chat
state Telegram keeps (messages, their current text and keyboards, uploaded files, pending updates),
answers with Telegram's real shapes and refusals (status code == ``error_code``, because aiogram picks
its exception class from the HTTP status) and records every call for assertions.

The test plays the users: ``fake.user(...)`` returns a :class:`FakeUser` whose ``say``/``tap``/...
send an update and wait for the bot's answer in that chat.  All waits are deadline-based.
``fake.group(...)`` makes a group, supergroup or channel: ``add_bot_to_group`` adds the bot (the
``my_chat_member`` update Telegram sends), users write there with ``send_text(..., chat=group)``, and the
bot may leave with ``leaveChat``.
"""

from __future__ import annotations

import asyncio
import copy
import html
import io
import itertools
import json
import mimetypes
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any, Self, TypeVar

import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web
from PIL import Image, UnidentifiedImageError

Json = dict[str, Any]
T = TypeVar("T")

DEFAULT_TOKEN = "123456789:AAFakeTelegramTokenForE2ETests"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
THUMBNAIL_SIDES = (90, 320, 800)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same"
    " as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WRONG_FILE_ID = "wrong file identifier/HTTP URL specified"

# Methods that change what a chat shows; the only ones `flood()` throttles by default, so polling
# and start-up calls keep working while a test provokes a 429.
SENDING_METHODS = frozenset(
    [
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendChatAction",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "deleteMessage",
        "forwardMessage",
        "copyMessage",
        "answerCallbackQuery",
    ]
)
# Form values that are strings by nature: never JSON-decoded, so a text like "[1]" or "42" survives.
TEXT_PARAMS = frozenset(
    [
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "file_id",
        "photo",
        "document",
        "url",
        "inline_message_id",
        "action",
        "secret_token",
        "language_code",
        "ip_address",
    ]
)
CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
# Update kinds delivered when getUpdates is called without (or with an empty) allowed_updates.
DEFAULT_UPDATE_KINDS = frozenset(
    {"message", "edited_message", "callback_query", "inline_query", "my_chat_member", "poll"}
)
INLINE_BUTTON_ACTIONS = frozenset(
    [
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ]
)
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
# What a ChatMemberAdministrator says about the bot added as an administrator: it may only manage.
_BOT_ADMIN_CANNOT = (
    "delete_messages manage_video_chats restrict_members promote_members change_info invite_users"
    " post_stories edit_stories delete_stories send_welcome_messages"
)
BOT_ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    **{f"can_{right}": False for right in _BOT_ADMIN_CANNOT.split()},
}


class TelegramError(Exception):
    """A refusal the fake answers with: HTTP status == error_code, like Telegram."""

    def __init__(self, status: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> Json:
        body: Json = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> TelegramError:
    return TelegramError(400, f"Bad Request: {detail}")


# ---------------------------------------------------------------------------------------------
# Data the tests see
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TgUser:
    """A Telegram user the test plays."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "en"
    last_name: str | None = None

    def to_api(self) -> Json:
        data: Json = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data

    def chat(self) -> Json:
        data: Json = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data


@dataclass(frozen=True)
class TgGroup:
    """A group, supergroup or channel the test plays (negative ids, as in Telegram)."""

    id: int
    title: str
    type: str = "group"

    def chat(self) -> Json:
        return {"id": self.id, "type": self.type, "title": self.title}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, as the fake understood and answered it."""

    index: int
    method: str
    params: Json
    files: Mapping[str, Upload]
    status: int
    response: Json
    time: float

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")


@dataclass(frozen=True)
class BotMessage:
    """A snapshot of a message in a chat (the bot's, or one the test sent as a user).

    ``raw`` is the Telegram ``Message`` object; ``markup`` is the reply_markup exactly as the bot sent
    it (Telegram echoes only inline keyboards in ``raw``, so reply keyboards are visible only here).
    """

    chat_id: int
    message_id: int
    raw: Json
    from_bot: bool
    edited: bool = False
    markup: Json | None = None

    @property
    def text(self) -> str | None:
        """What the user reads: the text, or the caption of a media message."""
        return self.raw.get("text", self.raw.get("caption"))

    @property
    def entities(self) -> list[Json]:
        entities: list[Json] = self.raw.get("entities") or self.raw.get("caption_entities") or []
        return entities

    @property
    def reply_markup(self) -> Json | None:
        return self.raw.get("reply_markup")

    @property
    def buttons(self) -> list[list[Json]]:
        return (self.reply_markup or {}).get("inline_keyboard", [])

    @property
    def button_texts(self) -> list[list[str]]:
        return [[button["text"] for button in row] for row in self.buttons]

    def button(self, label: str) -> Json:
        """The inline button labelled exactly ``label``, else the only one whose label contains it."""
        flat = [button for row in self.buttons for button in row]
        exact = [button for button in flat if button["text"] == label]
        matches = exact or [button for button in flat if label in button["text"]]
        if len(matches) != 1:
            raise LookupError(f"{len(matches)} buttons match {label!r}; message has {self.button_texts}")
        return matches[0]


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    kind: str
    data: bytes
    meta: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> Json:
        """The Telegram object for this file (PhotoSize or Document)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            **self.meta,
        }


# ---------------------------------------------------------------------------------------------
# HTML parse mode: Telegram's parser turned into plain text + entities, with Telegram's refusals
# ---------------------------------------------------------------------------------------------

SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
ALLOWED_TAGS = frozenset({*SIMPLE_TAGS, "a", "code", "pre", "span", "blockquote", "tg-emoji"})
# Telegram decodes only these named entities (and numeric ones); any other "&name;" stays literal.
NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
TAG_NAME = re.compile(r"[^\s>]*")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    start: int
    entity: Json | None


class _HtmlEntities(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0, *(index + 1 for index, char in enumerate(source) if char == "\n")]
        self._parts: list[str] = []
        self._position = 0
        self._open: list[_OpenTag] = []
        self.entities: list[Json] = []

    def parse(self) -> tuple[str, list[Json]]:
        self.feed(self._source)
        self.close()
        if self._open:
            raise self._refusal(f'Can\'t find end tag corresponding to start tag "{self._open[-1].name}"')
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self._parts), self.entities

    def _offset(self, extra: int = 0) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column + extra

    def _refusal(self, message: str, at: int | None = None) -> TelegramError:
        where = "" if at is None else f" at byte offset {len(self._source[:at].encode())}"
        return bad_request(f"can't parse entities: {message}{where}")

    def _text(self, text: str) -> None:
        self._parts.append(text)
        self._position += utf16_length(text)

    def handle_data(self, data: str) -> None:
        # html.parser passes an unparseable "<" on as text; Telegram refuses any unescaped "<".
        if (index := data.find("<")) >= 0:
            raise self._unsupported(self._offset(index))
        self._text(data)

    def _unsupported(self, at: int) -> TelegramError:
        name = TAG_NAME.match(self._source, at + 1)
        assert name is not None
        if name.end() >= len(self._source):
            return self._refusal("Unclosed start tag", at)
        return self._refusal(f'Unsupported start tag "{name.group()}"', at)

    def _reference(self, prefix: str, name: str) -> str:
        """The reference as written ("&amp;", "&amp", "&#38;"): html.parser drops the semicolon."""
        end = self._offset(len(prefix) + len(name))
        return prefix + name + (";" if self._source[end : end + 1] == ";" else "")

    def handle_entityref(self, name: str) -> None:
        raw = self._reference("&", name)
        self._text(html.unescape(raw) if name in NAMED_ENTITIES else raw)

    def handle_charref(self, name: str) -> None:
        self._text(html.unescape(self._reference("&#", name)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = self._offset()
        if tag not in ALLOWED_TAGS:
            raise self._refusal(f'Unsupported start tag "{tag}"', at)
        attributes = {name: value or "" for name, value in attrs}
        self._open.append(_OpenTag(tag, self._position, self._entity(tag, attributes, at)))

    def _entity(self, tag: str, attributes: dict[str, str], at: int) -> Json | None:
        if tag in SIMPLE_TAGS:
            return {"type": SIMPLE_TAGS[tag]}
        if tag == "span":
            if attributes.get("class") != "tg-spoiler":
                raise self._refusal('Tag "span" must have class "tg-spoiler"', at)
            return {"type": "spoiler"}
        if tag == "a":
            return {"type": "text_link", "url": attributes["href"]} if attributes.get("href") else None
        if tag == "tg-emoji":
            emoji_id = attributes.get("emoji-id")
            return {"type": "custom_emoji", "custom_emoji_id": emoji_id} if emoji_id else None
        if tag == "blockquote":
            return {"type": "expandable_blockquote" if "expandable" in attributes else "blockquote"}
        if tag == "code":
            language = attributes.get("class", "").removeprefix("language-")
            enclosing = self._open[-1] if self._open else None
            # <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
            if enclosing and enclosing.name == "pre" and enclosing.entity and language:
                enclosing.entity["language"] = language
                return None
            return {"type": "code"}
        return {"type": "pre"}

    def handle_endtag(self, tag: str) -> None:
        at = self._offset()
        if not self._open:
            raise self._refusal("Unexpected end tag", at)
        opened = self._open.pop()
        if opened.name != tag:
            raise self._refusal(f'Unmatched end tag, expected "</{opened.name}>", found "</{tag}>"', at)
        if opened.entity is not None and self._position > opened.start:
            self.entities.append(
                {**opened.entity, "offset": opened.start, "length": self._position - opened.start}
            )

    # Comments, declarations and processing instructions are tags Telegram does not know.
    def handle_comment(self, data: str) -> None:
        raise self._unsupported(self._offset())

    def handle_decl(self, decl: str) -> None:
        raise self._unsupported(self._offset())

    def handle_pi(self, data: str) -> None:
        raise self._unsupported(self._offset())

    def unknown_decl(self, data: str) -> None:
        raise self._unsupported(self._offset())


def parse_html(source: str) -> tuple[str, list[Json]]:
    """Telegram's HTML parse mode: plain text and its entities (offsets in UTF-16 code units)."""
    return _HtmlEntities(source).parse()


def trim(text: str, entities: Iterable[Json]) -> tuple[str, list[Json]]:
    """Telegram strips surrounding whitespace from texts and shifts the entities with it."""
    left_stripped = text.lstrip()
    lead = utf16_length(text) - utf16_length(left_stripped)
    result = left_stripped.rstrip()
    size = utf16_length(result)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return result, kept


# ---------------------------------------------------------------------------------------------
# Server internals
# ---------------------------------------------------------------------------------------------


class _Signal:
    """Wakes every waiter whenever the fake's state changes; waits are deadline-based."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, ready: Callable[[], T | None], seconds: float) -> T:
        """The first non-None ``ready()``; TimeoutError after ``seconds``."""
        async with asyncio.timeout(seconds):
            while (value := ready()) is None:
                await self._event.wait()
        return value


@dataclass
class _Chat:
    info: Json  # the Telegram Chat object
    user: TgUser | None = None  # the other side of a private chat
    bot_status: str = "member"  # the bot's ChatMember status: "left" once it is out of a group
    messages: dict[int, BotMessage] = field(default_factory=dict)
    events: list[BotMessage] = field(default_factory=list)
    cursor: int = 0
    next_message_id: int = 1
    reply_keyboard: Json | None = None


@dataclass
class _Flood:
    retry_after: int
    remaining: int
    methods: frozenset[str]


class _Superseded:
    """getUpdates result when a newer getUpdates took over (Telegram answers 409)."""


class _Params:
    """A request's parameters, JSON-decoded, with its multipart files."""

    def __init__(self, params: Json, files: Mapping[str, Upload]) -> None:
        self.params = params
        self.files = files

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)

    def require(self, name: str, missing: str | None = None) -> Any:
        value = self.params.get(name)
        if value is None or value == "":
            raise bad_request(missing or f"{name} is empty")
        return value

    def input_file(self, name: str) -> Upload | str:
        """An uploaded file (``attach://`` reference or a direct part) or a file_id string."""
        if name in self.files:
            return self.files[name]
        value = self.require(name, f"there is no {name} in the request")
        if isinstance(value, str) and value.startswith("attach://"):
            upload = self.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(WRONG_FILE_ID)
            return upload
        return str(value)


def decode_param(name: str, value: str) -> Any:
    if name in TEXT_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def check_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 0 < len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
            if not INLINE_BUTTON_ACTIONS & button.keys():
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )


def inline_markup(markup: Json | None) -> Json | None:
    return markup if markup and "inline_keyboard" in markup else None


def flood_error(retry_after: int) -> TelegramError:
    return TelegramError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


class LocalSession(AiohttpSession):
    """aiogram's session without the 250 ms grace sleep its close() leaves for TLS connections to
    shut down: the fake speaks plain HTTP, and the sleep would dominate a fast suite."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def error_response(error: TelegramError) -> web.Response:
    return web.json_response(error.body(), status=error.status)


class FakeTelegram:
    """The fake Bot API server. Use ``async with FakeTelegram() as fake:`` or start()/stop()."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "warehouse_test_bot",
        bot_name: str = "Warehouse Test Bot",
        blocked: Iterable[int] = (),
        default_timeout: float = 5.0,
    ) -> None:
        self.token = token
        self.default_timeout = default_timeout
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: Json = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.blocked: set[int] = set(blocked)
        self.calls: list[ApiCall] = []
        self.stats: Counter[str] = Counter()
        self.pending_updates: list[Json] = []
        self.webhook: Json | None = None
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self.menu_buttons: dict[int | None, Json] = {}
        self.files: dict[str, StoredFile] = {}
        self._photo_sets: dict[str, list[Json]] = {}
        self._chats: dict[int, _Chat] = {}
        # callback_query id -> answerCallbackQuery parameters, None until answered
        self._queries: dict[str, Json | None] = {}
        self._allowed_updates = DEFAULT_UPDATE_KINDS
        self._flood: _Flood | None = None
        self._poll_generation = 0
        self._polls_waiting = 0
        self._closing = False
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(700_000_001)
        self._user_ids = itertools.count(10_000_001)
        self._group_ids = itertools.count(4_000_000_001)
        self._clock_offset = 0.0
        self._signal = _Signal()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._methods: dict[str, tuple[str, Callable[[_Params], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setChatMenuButton": self._set_chat_menu_button,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "sendChatAction": self._send_chat_action,
                "forwardMessage": self._forward_message,
                "copyMessage": self._copy_message,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageMedia": self._edit_message_media,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "getFile": self._get_file,
                "leaveChat": self._leave_chat,
                "close": self._harmless,
                "logOut": self._harmless,
            }.items()
        }

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        # A bot that hangs up on a long poll (polling stopped) must not leave its handler waiting.
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        self._closing = True
        self._signal.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def api_server(self) -> TelegramAPIServer:
        return TelegramAPIServer.from_base(self.url)

    def make_bot(self, **bot_kwargs: Any) -> Bot:
        """A real aiogram Bot wired to this server (close its session when done)."""
        return Bot(self.token, session=LocalSession(api=self.api_server), **bot_kwargs)

    # -- knobs -------------------------------------------------------------------------------

    def flood(self, retry_after: int, *, calls: int = 1, methods: Collection[str] | None = None) -> None:
        """Answer the next ``calls`` matching calls with 429 and ``parameters.retry_after``."""
        chosen = SENDING_METHODS if methods is None else frozenset(methods)
        self._flood = _Flood(retry_after, calls, chosen)

    def now(self) -> int:
        """Telegram's clock (Unix seconds), which dates messages: the real time plus ``advance_clock``."""
        return int(time.time() + self._clock_offset)

    def advance_clock(self, seconds: float) -> None:
        """Move Telegram's clock forward: later updates carry dates that far in the future."""
        self._clock_offset += seconds

    # -- playing users -----------------------------------------------------------------------

    def user(
        self,
        first_name: str = "Test",
        *,
        id: int | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        last_name: str | None = None,
    ) -> FakeUser:
        """A user who has started the bot (so the bot may write to them), ready to talk."""
        user = TgUser(
            id=next(self._user_ids) if id is None else id,
            first_name=first_name,
            username=username,
            language_code=language_code,
            last_name=last_name,
        )
        self._chat_of(user)
        return FakeUser(self, user)

    def group(self, title: str = "Test group", *, type: str = "group", bot_status: str = "left") -> TgGroup:
        """A group (``type`` "supergroup" or "channel" for those); the bot is not a member of it yet
        unless ``bot_status`` says so (it joined before this test, no update is sent)."""
        number = next(self._group_ids)
        # Supergroups and channels have "-100"-prefixed ids, basic groups plain negative ones.
        chat_id = -number if type == "group" else -1_000_000_000_000 - number
        group = TgGroup(id=chat_id, title=title, type=type)
        self._chats[group.id] = _Chat(group.chat(), bot_status=bot_status)
        return group

    def add_bot_to_group(self, user: TgUser | FakeUser, group: TgGroup, *, status: str = "member") -> Json:
        """``user`` adds the bot to ``group`` (as ``status``: "member" or "administrator"); returns the
        ``my_chat_member`` update. In groups Telegram also posts the "joined" service message."""
        chat = self._chats[group.id]
        adder = _as_user(user)
        update = self._member_update(chat, adder.to_api(), status)
        if group.type != "channel":
            self._user_message(adder, {"new_chat_members": [self.bot_user]}, chat=group)
        return update

    def _member_update(self, chat: _Chat, by: Json, status: str) -> Json:
        """The bot's status in ``chat`` changes to ``status``: Telegram's ``my_chat_member`` update."""
        old, chat.bot_status = chat.bot_status, status
        change = {
            "chat": chat.info,
            "from": by,
            "date": self.now(),
            "old_chat_member": self._bot_member(old),
            "new_chat_member": self._bot_member(status),
        }
        return self._push_update("my_chat_member", change)

    def _bot_member(self, status: str) -> Json:
        member: Json = {"status": status, "user": self.bot_user}
        if status == "administrator":
            member.update(BOT_ADMIN_RIGHTS)
        return member

    def send_text(
        self,
        user: TgUser | FakeUser,
        text: str,
        *,
        reply_to: int | None = None,
        chat: TgGroup | None = None,
    ) -> Json:
        """The user sends ``text`` (in their private chat, or in ``chat``); a leading /command gets its
        bot_command entity like in clients."""
        content: Json = {"text": text}
        if command := re.match(r"/\w+(@\w+)?", text):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        return self._user_message(user, content, reply_to=reply_to, chat=chat)

    def send_command(self, user: TgUser | FakeUser, command: str, args: str | None = None) -> Json:
        return self.send_text(user, f"/{command.lstrip('/')}" + (f" {args}" if args else ""))

    def send_photo(self, user: TgUser | FakeUser, data: bytes, caption: str | None = None) -> Json:
        """The user sends a photo; its sizes become downloadable files (the largest is ``data``)."""
        content: Json = {"photo": self._store_photo(data)}
        if caption:
            content["caption"] = caption
        return self._user_message(user, content)

    def send_document(
        self,
        user: TgUser | FakeUser,
        data: bytes,
        file_name: str,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> Json:
        content: Json = {"document": self._store_document(data, file_name, mime_type)}
        if caption:
            content["caption"] = caption
        return self._user_message(user, content)

    def forward_from(
        self,
        user: TgUser | FakeUser,
        other_user: TgUser | FakeUser,
        text: str = "Forwarded message",
        *,
        hidden: bool = False,
    ) -> Json:
        """The user forwards a message written by ``other_user`` (``hidden``: other hides their account)."""
        other = _as_user(other_user)
        origin: Json = (
            {"type": "hidden_user", "sender_user_name": other.first_name}
            if hidden
            else {"type": "user", "sender_user": other.to_api()}
        )
        origin["date"] = self.now() - 60
        return self._user_message(user, {"text": text, "forward_origin": origin})

    def press_button(
        self,
        user: TgUser | FakeUser,
        message: BotMessage | int,
        callback_data: str,
        *,
        chat: TgGroup | None = None,
    ) -> Json:
        """The user presses the inline button carrying ``callback_data`` on a message in their chat
        (or in ``chat``)."""
        presser = _as_user(user)
        where = self._chats[chat.id] if chat is not None else self._chat_of(presser)
        message_id = message if isinstance(message, int) else message.message_id
        current = where.messages.get(message_id)
        if current is None:
            raise LookupError(f"message {message_id} is not in chat {where.info['id']}")
        offered = [button.get("callback_data") for row in current.buttons for button in row]
        if callback_data not in offered:
            raise LookupError(f"no button with callback_data {callback_data!r}; message has {offered}")
        query_id = str(4_000_000_000_000 + next(self._ids))
        self._queries[query_id] = None
        query = {
            "id": query_id,
            "from": presser.to_api(),
            "message": copy.deepcopy(current.raw),
            "chat_instance": str(-where.info["id"]),
            "data": callback_data,
        }
        return self._push_update("callback_query", query)

    # -- inspecting and waiting ---------------------------------------------------------------

    def message(self, chat_id: int, message_id: int) -> BotMessage:
        """The current state of a message (KeyError once deleted)."""
        return self._chats[chat_id].messages[message_id]

    def messages(self, chat_id: int) -> list[BotMessage]:
        """Every message the chat currently shows, oldest first."""
        chat = self._chats[chat_id]
        return [chat.messages[message_id] for message_id in sorted(chat.messages)]

    def reply_keyboard(self, chat_id: int) -> Json | None:
        """The reply keyboard the chat currently shows (set by ReplyKeyboardMarkup, cleared by Remove)."""
        return self._chats[chat_id].reply_keyboard

    def callback_answer(self, query_id: str) -> Json | None:
        """The answerCallbackQuery parameters for a pressed button, None while unanswered."""
        return self._queries[query_id]

    @property
    def long_polling(self) -> bool:
        """Whether a getUpdates request is waiting for updates right now."""
        return self._polls_waiting > 0

    def mark(self, chat_id: int) -> None:
        """Forget the chat's earlier bot messages: next_bot_message returns only newer ones."""
        chat = self._chats[chat_id]
        chat.cursor = len(chat.events)

    async def next_bot_message(
        self,
        chat_id: int,
        timeout: float | None = None,  # noqa: ASYNC109 - a deadline for a test, not a cancel scope
    ) -> BotMessage:
        """The next message the bot sent or edited in the chat after the cursor; moves the cursor."""
        chat = self._chats[chat_id]

        def ready() -> BotMessage | None:
            return chat.events[chat.cursor] if len(chat.events) > chat.cursor else None

        event = await self._until(ready, timeout, lambda: f"no bot message in chat {chat_id}")
        chat.cursor += 1
        return event

    async def wait_for(
        self,
        match: str | Callable[[ApiCall], bool],
        *,
        timeout: float | None = None,  # noqa: ASYNC109
        since: int = 0,
    ) -> ApiCall:
        """The first recorded call from index ``since`` on (e.g. ``since=len(fake.calls)``) that
        matches a method name (case-insensitive) or a predicate."""
        name = match.lower() if isinstance(match, str) else None
        test: Callable[[ApiCall], bool] = (
            (lambda call: call.method.lower() == name) if isinstance(match, str) else match
        )

        def ready() -> ApiCall | None:
            return next((call for call in self.calls[since:] if test(call)), None)

        return await self._until(ready, timeout, lambda: f"no call matching {match!r}")

    async def wait_until(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> None:
        """Until ``condition()`` holds on the fake's state (re-checked on every change)."""
        await self._until(lambda: True if condition() else None, timeout, lambda: f"{condition} still false")

    async def _until(
        self, ready: Callable[[], T | None], seconds: float | None, what: Callable[[], str]
    ) -> T:
        seconds = self.default_timeout if seconds is None else seconds
        try:
            return await self._signal.wait(ready, seconds)
        except TimeoutError:
            recent = [f"{call.method}:{call.status}" for call in self.calls[-10:]]
            raise TimeoutError(f"{what()} within {seconds}s; last calls: {recent}") from None

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        params = _Params({}, {})
        try:
            if request.match_info["token"] != self.token:
                raise TelegramError(401, "Unauthorized")
            known = self._methods.get(name.lower())
            if known is None:
                raise TelegramError(404, "Not Found")
            name, handler = known
            params = await self._read_params(request)
            self._check_flood(name)
            response: Json = {"ok": True, "result": await handler(params)}
            status = 200
        except TelegramError as error:
            response, status = error.body(), error.status
        self._record(name, params, status, response)
        return web.json_response(response, status=status)

    async def _read_params(self, request: web.Request) -> _Params:
        params: Json = {key: decode_param(key, value) for key, value in request.query.items()}
        files: dict[str, Upload] = {}
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON encoded request parameters") from None
            if not isinstance(body, dict):
                raise bad_request("parameters must be a JSON object")
            params.update(body)
            return _Params(params, files)
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise TelegramError(413, "Request Entity Too Large") from None
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(value.filename, value.content_type, value.file.read())
            else:
                params[key] = decode_param(key, value if isinstance(value, str) else bytes(value).decode())
        return _Params(params, files)

    async def _handle_download(self, request: web.Request) -> web.Response:
        stored = next((f for f in self.files.values() if f.file_path == request.match_info["path"]), None)
        if request.match_info["token"] != self.token or stored is None:
            return error_response(TelegramError(404, "Not Found"))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _check_flood(self, method: str) -> None:
        flood = self._flood
        if flood is None or method not in flood.methods:
            return
        flood.remaining -= 1
        if flood.remaining <= 0:
            self._flood = None
        raise flood_error(flood.retry_after)

    def _record(self, method: str, params: _Params, status: int, response: Json) -> None:
        index = len(self.calls)
        self.calls.append(
            ApiCall(index, method, params.params, dict(params.files), status, response, time.monotonic())
        )
        self.stats[method] += 1
        self._signal.notify()

    # -- chats and messages ------------------------------------------------------------------

    def _chat_of(self, user: TgUser) -> _Chat:
        chat = self._chats.get(user.id)
        if chat is None:
            chat = self._chats[user.id] = _Chat(user.chat(), user)
        return chat

    def _target_chat(self, params: _Params) -> _Chat:
        chat_id = params.require("chat_id")
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if chat_id in self.blocked:
            raise TelegramError(403, "Forbidden: bot was blocked by the user")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.bot_status in {"left", "kicked"}:
            raise TelegramError(403, f"Forbidden: bot is not a member of the {chat.info['type']} chat")
        return chat

    def _user_message(
        self, user: TgUser | FakeUser, content: Json, reply_to: int | None = None, chat: TgGroup | None = None
    ) -> Json:
        sender = _as_user(user)
        where = self._chats[chat.id] if chat is not None else self._chat_of(sender)
        message = self._add_message(where, content, from_bot=False, reply_to=reply_to, sender=sender)
        return self._push_update("message", copy.deepcopy(message.raw))

    def _add_message(
        self,
        chat: _Chat,
        content: Json,
        *,
        from_bot: bool,
        reply_to: int | None = None,
        markup: Json | None = None,
        sender: TgUser | None = None,
    ) -> BotMessage:
        author = self.bot_user if from_bot else self._sender(sender or chat.user)
        raw: Json = {
            "message_id": chat.next_message_id,
            "from": author,
            "chat": chat.info,
            "date": self.now(),
            **content,
        }
        chat.next_message_id += 1
        if reply_to is not None:
            raw["reply_to_message"] = copy.deepcopy(chat.messages[reply_to].raw)
            raw["reply_to_message"].pop("reply_to_message", None)
        if inline := inline_markup(markup):
            raw["reply_markup"] = inline
        if markup and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        message = BotMessage(chat.info["id"], raw["message_id"], raw, from_bot, markup=markup)
        self._store(chat, message)
        return message

    @staticmethod
    def _sender(user: TgUser | None) -> Json:
        if user is None:
            raise LookupError("a user's message in a group needs its sender")
        return user.to_api()

    def _store(self, chat: _Chat, message: BotMessage) -> None:
        chat.messages[message.message_id] = message
        if message.from_bot:
            chat.events.append(replace(message, raw=copy.deepcopy(message.raw)))
        self._signal.notify()

    def _push_update(self, kind: str, payload: Json) -> Json:
        update = {"update_id": next(self._update_ids), kind: payload}
        self.pending_updates.append(update)
        self._signal.notify()
        return copy.deepcopy(update)

    def _reply_target(self, chat: _Chat, params: _Params) -> int | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None or message_id in chat.messages:
            return message_id
        if reply.get("allow_sending_without_reply") or params.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    def _send(self, params: _Params, build: Callable[[], Json]) -> Json:
        """Send a bot message; ``build`` makes its content once the chat is known to be reachable."""
        chat = self._target_chat(params)
        content = build()
        markup = params.get("reply_markup")
        check_markup(markup)
        message = self._add_message(
            chat, content, from_bot=True, reply_to=self._reply_target(chat, params), markup=markup
        )
        return message.raw

    def _formatted(self, params: _Params, name: str) -> tuple[str, list[Json]]:
        text = str(params.get(name) or "")
        entities_key = "entities" if name == "text" else f"{name}_entities"
        entities = params.get(entities_key)
        if entities is None and str(params.get("parse_mode", "")).lower() == "html":
            text, entities = parse_html(text)
        return trim(text, entities or [])

    def _text_content(self, params: _Params) -> Json:
        text, entities = self._formatted(params, "text")
        if not text:
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        return {"text": text, **({"entities": entities} if entities else {})}

    def _caption_content(self, params: _Params) -> Json:
        caption, entities = self._formatted(params, "caption")
        if len(caption) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        if not caption:
            return {}
        return {"caption": caption, **({"caption_entities": entities} if entities else {})}

    def _editable(self, params: _Params) -> tuple[_Chat, BotMessage]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        message_id = params.require("message_id", "message identifier is not specified")
        current = chat.messages.get(message_id)
        if current is None:
            raise bad_request("message to edit not found")
        if not current.from_bot:
            raise bad_request("message can't be edited")
        return chat, current

    def _edit(
        self, chat: _Chat, current: BotMessage, content: Json, markup: Any, drop: Iterable[str]
    ) -> Json:
        """Apply an edit: content keys replace, ``drop`` keys vanish, the inline keyboard is replaced
        (an edit without reply_markup removes it, as in Telegram)."""
        check_markup(markup)
        raw = {key: value for key, value in current.raw.items() if key not in {*drop, "reply_markup"}}
        raw.update(content)
        if inline := inline_markup(markup):
            raw["reply_markup"] = inline
        comparable = ("text", "entities", "caption", "caption_entities", "photo", "document", "reply_markup")
        if all(raw.get(key) == current.raw.get(key) for key in comparable):
            raise bad_request(NOT_MODIFIED)
        raw["edit_date"] = self.now()
        self._store(chat, BotMessage(current.chat_id, current.message_id, raw, True, True, markup))
        return raw

    # -- files -------------------------------------------------------------------------------

    def _new_file(self, kind: str, data: bytes, extension: str, **meta: Any) -> StoredFile:
        number = next(self._ids)
        prefix = {"photo": "AgACAgIAAxk", "document": "BQACAgIAAxk"}[kind]
        stored = StoredFile(
            file_id=f"{prefix}{number:010d}",
            file_unique_id=f"AQAD{number:06d}",
            file_path=f"{kind}s/file_{number}{extension}",
            kind=kind,
            data=data,
            meta=meta,
        )
        self.files[stored.file_id] = stored
        return stored

    def _store_photo(self, data: bytes) -> list[Json]:
        """Telegram's PhotoSize list: JPEG thumbnails, then the original bytes as the largest size."""
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                width, height = image.size
                if width + height > 10_000 or max(width, height) > 20 * min(width, height):
                    raise bad_request("PHOTO_INVALID_DIMENSIONS")
                scaled = [
                    self._thumbnail(image, side) for side in THUMBNAIL_SIDES if max(width, height) > side
                ]
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise bad_request("IMAGE_PROCESS_FAILED") from None
        original = self._new_file("photo", data, ".jpg", width=width, height=height)
        sizes = [*scaled, original.describe()]
        for size in sizes:
            self._photo_sets[size["file_id"]] = sizes
        return sizes

    def _thumbnail(self, image: Image.Image, side: int) -> Json:
        small = image.convert("RGB")
        small.thumbnail((side, side))
        buffer = io.BytesIO()
        small.save(buffer, format="JPEG", quality=80)
        return self._new_file(
            "photo", buffer.getvalue(), ".jpg", width=small.width, height=small.height
        ).describe()

    def _store_document(self, data: bytes, file_name: str, mime_type: str | None) -> Json:
        extension = "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        return self._new_file("document", data, extension, file_name=file_name, mime_type=mime).describe()

    def _known_file(self, file_id: str, kind: str) -> StoredFile:
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request(WRONG_FILE_ID)
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def _photo_from(self, source: Upload | str) -> list[Json]:
        if isinstance(source, Upload):
            return self._store_photo(source.data)
        self._known_file(source, "photo")
        return self._photo_sets[source]

    def _document_from(self, source: Upload | str) -> Json:
        if isinstance(source, Upload):
            mime = None if source.content_type == "application/octet-stream" else source.content_type
            return self._store_document(source.data, source.filename, mime)
        return self._known_file(source, "document").describe()

    def _media_content(self, params: _Params, kind: str) -> Json:
        """A photo or document message's content from ``params[kind]`` and its caption."""
        caption = self._caption_content(params)
        source = params.input_file(kind)
        if kind == "photo":
            return {"photo": self._photo_from(source), **caption}
        if kind == "document":
            return {"document": self._document_from(source), **caption}
        raise bad_request(f"unsupported media type {kind!r} in this fake")

    # -- Bot API methods ---------------------------------------------------------------------

    async def _get_me(self, params: _Params) -> Json:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _harmless(self, params: _Params) -> bool:
        return True

    async def _get_updates(self, params: _Params) -> list[Json]:
        if self.webhook is not None:
            raise TelegramError(
                409,
                "Conflict: can't use getUpdates method while webhook is active;"
                " use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset", 0))
        if offset < 0:
            del self.pending_updates[: max(len(self.pending_updates) + offset, 0)]
        elif offset:
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        if (allowed := params.get("allowed_updates")) is not None:
            self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_KINDS
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> list[Json] | _Superseded | None:
            if generation != self._poll_generation:
                return _Superseded()
            # Telegram does not keep updates of kinds the bot did not ask for.
            self.pending_updates = [u for u in self.pending_updates if self._allowed_updates & u.keys()]
            return (
                copy.deepcopy(self.pending_updates[:limit]) if self.pending_updates or self._closing else None
            )

        self._polls_waiting += 1
        self._signal.notify()
        try:
            result: list[Json] | _Superseded = await self._signal.wait(ready, float(params.get("timeout", 0)))
        except TimeoutError:
            return []
        finally:
            self._polls_waiting -= 1
        if isinstance(result, _Superseded):
            raise TelegramError(
                409,
                "Conflict: terminated by other getUpdates request;"
                " make sure that only one bot instance is running",
            )
        return result

    async def _set_webhook(self, params: _Params) -> bool:
        self.webhook = {"url": params.require("url"), "allowed_updates": params.get("allowed_updates")}
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        self._poll_generation += 1
        self._signal.notify()
        return True

    async def _delete_webhook(self, params: _Params) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        return True

    async def _get_webhook_info(self, params: _Params) -> Json:
        info: Json = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending_updates),
        }
        if self.webhook and self.webhook["allowed_updates"]:
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    @staticmethod
    def _commands_key(params: _Params) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""

    async def _set_my_commands(self, params: _Params) -> bool:
        commands = params.require("commands")
        for command in commands:
            if not COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be non-empty")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _get_my_commands(self, params: _Params) -> list[Json]:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: _Params) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _set_chat_menu_button(self, params: _Params) -> bool:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            self._target_chat(params)
        self.menu_buttons[chat_id] = params.get("menu_button") or {"type": "default"}
        return True

    async def _send_message(self, params: _Params) -> Json:
        return self._send(params, lambda: self._text_content(params))

    async def _send_photo(self, params: _Params) -> Json:
        return self._send(params, lambda: self._media_content(params, "photo"))

    async def _send_document(self, params: _Params) -> Json:
        return self._send(params, lambda: self._media_content(params, "document"))

    async def _send_chat_action(self, params: _Params) -> bool:
        self._target_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _source_message(self, params: _Params, verb: str) -> BotMessage:
        source_chat = self._chats.get(params.require("from_chat_id"))
        message = source_chat.messages.get(params.require("message_id")) if source_chat else None
        if message is None:
            raise bad_request(f"message to {verb} not found")
        return message

    async def _forward_message(self, params: _Params) -> Json:
        source = self._source_message(params, "forward")
        origin = source.raw.get("forward_origin") or {
            "type": "user",
            "sender_user": source.raw["from"],
            "date": source.raw["date"],
        }
        return self._send(params, lambda: {**self._content_of(source), "forward_origin": origin})

    async def _copy_message(self, params: _Params) -> Json:
        source = self._source_message(params, "copy")

        def content() -> Json:
            copied = self._content_of(source)
            if "caption" in params.params and "text" not in copied:
                copied = {key: value for key, value in copied.items() if not key.startswith("caption")}
                copied.update(self._caption_content(params))
            return copied

        return {"message_id": self._send(params, content)["message_id"]}

    @staticmethod
    def _content_of(message: BotMessage) -> Json:
        keys = ("text", "entities", "photo", "document", "caption", "caption_entities")
        return {key: message.raw[key] for key in keys if key in message.raw}

    async def _edit_message_text(self, params: _Params) -> Json:
        chat, current = self._editable(params)
        if "text" not in current.raw:
            raise bad_request("there is no text in the message to edit")
        content = self._text_content(params)
        return self._edit(chat, current, content, params.get("reply_markup"), drop=("entities",))

    async def _edit_message_caption(self, params: _Params) -> Json:
        chat, current = self._editable(params)
        if "text" in current.raw:
            raise bad_request("there is no caption in the message to edit")
        content = self._caption_content(params)
        drop = ("caption", "caption_entities")
        return self._edit(chat, current, content, params.get("reply_markup"), drop=drop)

    async def _edit_message_media(self, params: _Params) -> Json:
        chat, current = self._editable(params)
        if "text" in current.raw:
            raise bad_request("there is no media in the message to edit")
        media = params.require("media")
        if not isinstance(media, dict):
            raise bad_request("can't parse InputMedia JSON object")
        kind = str(media.get("type"))
        content = self._media_content(_Params({**media, kind: media.get("media")}, params.files), kind)
        drop = ("photo", "document", "caption", "caption_entities")
        return self._edit(chat, current, content, params.get("reply_markup"), drop=drop)

    async def _edit_message_reply_markup(self, params: _Params) -> Json:
        chat, current = self._editable(params)
        return self._edit(chat, current, {}, params.get("reply_markup"), drop=())

    async def _delete_message(self, params: _Params) -> bool:
        chat = self._target_chat(params)
        message_id = params.require("message_id", "message identifier is not specified")
        if chat.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        self._signal.notify()
        return True

    async def _answer_callback_query(self, params: _Params) -> bool:
        query_id = str(params.require("callback_query_id", QUERY_TOO_OLD))
        if query_id not in self._queries or self._queries[query_id] is not None:
            raise bad_request(QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        self._queries[query_id] = dict(params.params)
        return True

    async def _leave_chat(self, params: _Params) -> bool:
        chat_id = params.require("chat_id")
        chat = self._chats.get(int(chat_id)) if str(chat_id).lstrip("-").isdigit() else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.user is not None:
            raise bad_request("chat member status can't be changed in private chats")
        self._target_chat(params)  # 403 when the bot is not a member
        self._member_update(chat, self.bot_user, "left")
        return True

    async def _get_file(self, params: _Params) -> Json:
        stored = self.files.get(str(params.require("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {**stored.describe(), "file_path": stored.file_path}


def _as_user(user: TgUser | FakeUser) -> TgUser:
    return user.user if isinstance(user, FakeUser) else user


class FakeUser:
    """A user in conversation with the bot: each action sends an update and waits (up to the fake's
    ``default_timeout``) for the bot's next message, sent or edited, in the private chat."""

    def __init__(self, fake: FakeTelegram, user: TgUser) -> None:
        self.fake = fake
        self.user = user

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def chat_id(self) -> int:
        return self.user.id

    async def say(self, text: str) -> BotMessage:
        return await self._exchange(lambda: self.fake.send_text(self, text))

    async def command(self, name: str, args: str | None = None) -> BotMessage:
        return await self._exchange(lambda: self.fake.send_command(self, name, args))

    async def send_photo(self, data: bytes, caption: str | None = None) -> BotMessage:
        return await self._exchange(lambda: self.fake.send_photo(self, data, caption))

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> BotMessage:
        return await self._exchange(
            lambda: self.fake.send_document(self, data, file_name, mime_type, caption)
        )

    async def forward_from(
        self,
        other: TgUser | FakeUser,
        text: str = "Forwarded message",
        *,
        hidden: bool = False,
    ) -> BotMessage:
        return await self._exchange(lambda: self.fake.forward_from(self, other, text, hidden=hidden))

    async def tap(self, message: BotMessage, label: str) -> BotMessage:
        """Press the inline button labelled ``label`` (see BotMessage.button) on the message as it
        is now; returns the bot's next message or edit."""
        return await self._exchange(lambda: self.press(message, label))

    async def tap_answer(self, message: BotMessage, label: str) -> Json:
        """Press a button and return the bot's answerCallbackQuery parameters (text, show_alert...)."""
        query_id = self.press(message, label)["callback_query"]["id"]
        await self.fake.wait_until(lambda: self.fake.callback_answer(query_id) is not None)
        answer = self.fake.callback_answer(query_id)
        assert answer is not None
        return answer

    def press(self, message: BotMessage, label: str) -> Json:
        """Press the button labelled ``label`` without waiting; returns the callback_query update."""
        current = self.fake.message(self.chat_id, message.message_id)
        return self.fake.press_button(self, current, current.button(label)["callback_data"])

    async def next_message(self) -> BotMessage:
        """The bot's next message or edit in this chat (for answers made of several messages)."""
        return await self.fake.next_bot_message(self.chat_id)

    @property
    def keyboard(self) -> list[list[str]] | None:
        """Labels of the reply keyboard the user currently sees."""
        markup = self.fake.reply_keyboard(self.chat_id)
        if markup is None:
            return None
        return [
            [button if isinstance(button, str) else button["text"] for button in row]
            for row in markup["keyboard"]
        ]

    def block(self) -> None:
        self.fake.blocked.add(self.id)

    def unblock(self) -> None:
        self.fake.blocked.discard(self.id)

    async def _exchange(self, act: Callable[[], object]) -> BotMessage:
        self.fake.mark(self.chat_id)
        act()
        return await self.fake.next_bot_message(self.chat_id)


@pytest_asyncio.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A running FakeTelegram; import it into a conftest to use it."""
    async with FakeTelegram() as fake:
        yield fake
