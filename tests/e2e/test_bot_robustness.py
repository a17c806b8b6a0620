"""Crashes, flooding, languages, secrets in logs, webhook mode, and the command line's config errors."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from domain.db import Database
from domain.models import Role, User
from domain.people import Users
from tests.e2e.conftest import ADMIN_ID, STAFF_ID, BotHarness, running_bot
from tests.fakes.telegram import ApiCall, FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


def _sent_to(chat_id: int, fragment: str):  # type: ignore[no-untyped-def]
    def match(call: ApiCall) -> bool:
        return (
            call.method == "sendMessage"
            and call.params.get("chat_id") == chat_id
            and fragment in str(call.params.get("text", ""))
        )

    return match


async def test_a_crash_tells_the_user_and_alerts_the_admins(
    bot_app: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_search(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail: pool exhausted at 10.0.0.7")

    monkeypatch.setattr("bot.routers.search.search_products", broken_search)
    reply = await bot_app.staff.say("mug")
    assert "something went wrong" in (reply.text or "")
    assert "10.0.0.7" not in (reply.text or "") and "RuntimeError" not in (reply.text or "")
    alert = await bot_app.fake.wait_for(_sent_to(ADMIN_ID, "RuntimeError"))
    assert "10.0.0.7" not in str(alert.params["text"])


async def test_muted_admins_get_no_alert(bot_app: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    async with bot_app.db.transaction() as session:
        admin = await Users(session).by_telegram_id(ADMIN_ID)
        assert admin is not None
        Users(session).toggle_alert(admin, "bot_error")

    async def broken_search(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.routers.search.search_products", broken_search)
    await bot_app.staff.say("mug")
    assert not [call for call in bot_app.fake.calls if _sent_to(ADMIN_ID, "RuntimeError")(call)]


async def test_flooding_is_throttled_with_one_note(bot_app: BotHarness) -> None:
    for number in range(40):
        bot_app.fake.send_text(bot_app.staff, f"nothing-{number}")

    def replies() -> tuple[int, int]:
        texts = [m.text or "" for m in bot_app.fake.messages(STAFF_ID) if m.from_bot]
        return sum("too fast" in t for t in texts), sum("Nothing found" in t for t in texts)

    await bot_app.fake.wait_until(lambda: replies()[0] == 1 and replies()[1] >= 15)
    notes, answered = replies()
    assert notes == 1
    assert answered < 39


async def test_language_switch_is_remembered(bot_app: BotHarness) -> None:
    menu = await bot_app.staff.command("language")
    switched = await bot_app.staff.tap(menu, "Polski")
    assert "polski" in (switched.text or "")
    reply = await bot_app.staff.say("jednorożec")
    assert "Nic nie znaleziono" in (reply.text or "")
    async with bot_app.db.transaction() as session:
        user = await Users(session).by_telegram_id(STAFF_ID)
        assert isinstance(user, User) and user.language == "pl"


async def test_default_language_comes_from_telegram(bot_app: BotHarness) -> None:
    russian = await bot_app.add_user(language_code="ru")
    reply = await russian.say("единорог")
    assert "ничего не найдено" in (reply.text or "")
    stranger = bot_app.fake.user("Piotr", language_code="pl")
    greeting = await stranger.say("hej")
    assert "Twój identyfikator Telegram" in (greeting.text or "")


async def test_the_token_is_never_logged(
    bot_app: BotHarness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    token = bot_app.fake.token

    async def leaky(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"cannot reach https://api.telegram.org/bot{token}/getMe")

    await bot_app.staff.say("mug")
    monkeypatch.setattr("bot.routers.search.search_products", leaky)
    await bot_app.staff.say("mug")
    await bot_app.fake.wait_for(_sent_to(ADMIN_ID, "RuntimeError"))
    logging.getLogger("aiogram.client").debug("request to %s", f"/bot{token}/sendMessage")
    secret_part = token.split(":", 1)[1]
    assert caplog.records
    assert secret_part not in caplog.text
    assert "/bot***/getMe" in caplog.text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_checks_the_secret_token(db: Database, fake: FakeTelegram) -> None:
    async with db.transaction() as session:
        await Users(session).add(STAFF_ID, Role.STAFF)
    port = _free_port()
    async with running_bot(
        db,
        fake,
        webhook_url="https://bot.example.test/",
        webhook_listen=f"127.0.0.1:{port}",
        webhook_secret="webhook-secret-value-1234",
    ):
        assert fake.webhook is not None and fake.webhook["url"].endswith("/telegram/webhook")
        staff = fake.user("Stan", id=STAFF_ID)
        update = fake.send_text(staff, "/start")
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update) as response:
                assert response.status == 401
            since = len(fake.calls)
            headers = {"X-Telegram-Bot-Api-Secret-Token": "webhook-secret-value-1234"}
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status == 200
        await fake.wait_for(_sent_to(STAFF_ID, "Hello"), since=since)


def test_missing_token_is_one_clear_line_and_exit_code_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "BOT_TOKEN" in result.stderr
