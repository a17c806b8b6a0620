"""Start-up, access, commands and languages."""

from __future__ import annotations

from tests.e2e.conftest import BotHarness


async def test_stranger_gets_one_polite_message_with_their_id(bot_app: BotHarness) -> None:
    reply = await bot_app.stranger.say("ABC-1")
    assert str(bot_app.stranger.id) in (reply.text or "")
    assert "administrator" in (reply.text or "")
    assert not reply.buttons
    sent = [
        call
        for call in bot_app.fake.calls
        if call.method == "sendMessage" and call.params.get("chat_id") == bot_app.stranger.id
    ]
    assert len(sent) == 1


async def test_start_and_menu_commands(bot_app: BotHarness) -> None:
    reply = await bot_app.staff.command("start")
    assert "Stan" in (reply.text or "")
    assert {key[1] if isinstance(key, tuple) else key for key in bot_app.fake.commands} >= {"en", "pl", "ru"}
