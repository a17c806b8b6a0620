"""Bot API objects as Telegram sends them, shared by the tests of how aiogram's models parse them."""

from __future__ import annotations

from typing import Any

CHAT = {"id": 42, "type": "private", "first_name": "Ola", "username": "ola"}
USER = {"id": 42, "is_bot": False, "first_name": "Ola", "language_code": "pl"}
ME = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Stock",
    "username": "stock_bot",
    "can_join_groups": True,
}
KEYBOARD = {
    "inline_keyboard": [[{"text": "▶", "callback_data": "page:2"}, {"text": "?", "url": "https://x.pl"}]]
}
PHOTO = [
    {"file_id": "p-s", "file_unique_id": "u-s", "width": 90, "height": 90, "file_size": 1_200},
    {"file_id": "p-m", "file_unique_id": "u-m", "width": 800, "height": 800, "file_size": 64_000},
]
TEXT_MESSAGE = {
    "message_id": 10,
    "date": 1_700_000_000,
    "chat": CHAT,
    "from": ME,
    "text": "Stock: 5 <b>",
    "entities": [{"type": "bold", "offset": 0, "length": 6}],
    "reply_markup": KEYBOARD,
}
EDITED_MESSAGE = {**TEXT_MESSAGE, "edit_date": 1_700_000_100, "text": "Stock: 4"}
PHOTO_MESSAGE = {
    "message_id": 11,
    "date": 1_700_000_001,
    "chat": CHAT,
    "from": ME,
    "photo": PHOTO,
    "caption": "EAN 5901234123457",
    "caption_entities": [{"type": "code", "offset": 4, "length": 13}],
}
UPDATES: list[dict[str, Any]] = [
    {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": CHAT,
            "from": USER,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "reply_to_message": PHOTO_MESSAGE,
        },
    },
    {
        "update_id": 2,
        "message": {
            "message_id": 2,
            "date": 1_700_000_001,
            "chat": CHAT,
            "from": USER,
            "document": {"file_id": "d", "file_unique_id": "du", "file_name": "stock.csv", "file_size": 10},
            "forward_origin": {"type": "user", "date": 1_700_000_000, "sender_user": USER},
        },
    },
    {
        "update_id": 3,
        "callback_query": {
            "id": "c1",
            "from": USER,
            "chat_instance": "ci",
            "data": "page:2",
            "message": TEXT_MESSAGE,
        },
    },
    {
        "update_id": 4,
        "my_chat_member": {
            "chat": CHAT,
            "from": USER,
            "date": 1_700_000_002,
            "old_chat_member": {"status": "member", "user": ME},
            "new_chat_member": {"status": "kicked", "user": ME, "until_date": 0},
        },
    },
]
