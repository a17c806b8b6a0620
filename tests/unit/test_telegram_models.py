"""bot/telegram_models.py: aiogram's models are built on first use, and parse exactly as when
aiogram builds them all on import."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from pydantic import BaseModel

from bot.telegram_models import is_deferred
from tests.unit.telegram_corpus import KEYBOARD, UPDATES

PARSE = """
import json, sys
{prelude}
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import Message, Update
deferred_after_import = not Message.__pydantic_complete__
updates = [Update.model_validate(u).model_dump(mode="json", exclude_none=True) for u in json.load(sys.stdin)]
methods = [
    method.model_dump(mode="json", exclude_defaults=True)
    for method in (
        SendMessage(chat_id=42, text="a", reply_markup={keyboard!r}),
        EditMessageText(chat_id=42, message_id=1, text="b"),
    )
]
print(json.dumps({{"deferred": deferred_after_import, "updates": updates, "methods": methods}}))
"""


def _parse_in_fresh_interpreter(prelude: str) -> dict[str, Any]:
    script = PARSE.format(prelude=prelude, keyboard=KEYBOARD)
    done = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(UPDATES), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_models_are_built_on_first_use_and_parse_as_eagerly_built_ones() -> None:
    lazy = _parse_in_fresh_interpreter("import bot")
    eager = _parse_in_fresh_interpreter("")

    assert lazy["deferred"] is True  # if aiogram changed its import-time loop, this notices
    assert eager["deferred"] is False
    assert lazy["updates"] == eager["updates"]
    assert lazy["methods"] == eager["methods"]
    assert lazy["updates"][2]["callback_query"]["message"]["reply_markup"] == KEYBOARD


def test_everyday_models_are_built_at_start_up() -> None:
    from aiogram.methods import SendMessage
    from aiogram.types import File, Message, Update

    from bot.app import build_everyday_models

    build_everyday_models()

    assert not is_deferred(Update)
    assert not is_deferred(SendMessage)
    assert not is_deferred(Message)
    assert not is_deferred(File)


def test_other_models_still_resolve_forward_references_from_the_callers_namespace() -> None:
    class Order(BaseModel):
        line: Line | None = None

    class Line(BaseModel):
        sku: str

    assert Order.model_rebuild() is True  # `Line` is found in this function's frame
    assert Order.model_validate({"line": {"sku": "A-1"}}).line == Line(sku="A-1")
