"""The README's first command: `python -m bot` with only BOT_TOKEN set (here also TELEGRAM_API_URL, to
reach the fake) creates the embedded SQLite database — migrated in a child process — and answers."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

from domain.schema_version import head_revision
from tests.fakes.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


async def test_the_bot_starts_on_an_empty_embedded_database_and_answers(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BOT_", "DATABASE_", "ADMIN_", "WEBHOOK_", "ALLEGRO_", "WIX_"))
    }
    async with FakeTelegram() as fake:
        env.update(BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.url, PYTHONPATH=str(ROOT))
        bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=tmp_path, env=env)
        try:
            await fake.wait_until(lambda: fake.long_polling, timeout=60)
            stranger = fake.user("Newcomer")
            reply = await stranger.say("hello")
            assert str(stranger.id) in (reply.text or "")  # the stranger is told their Telegram id
        finally:
            bot.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(bot.wait(), timeout=30)
    assert code == 0
    database = tmp_path / "data" / "warehouse.db"
    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == head_revision()
