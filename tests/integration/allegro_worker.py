"""The worker process of `test_allegro_crash`: one `pull_orders` with the production channel.

``python -m tests.integration.allegro_worker DB_URL FAKE_URL ACCOUNT [PAUSE_AT N]``; with PAUSE_AT it
says "PAUSED" and stops right before the N-th SQL statement that starts with PAUSE_AT (inside a page's
transaction), so the test knows its SIGKILL lands mid-page. Kept apart from the test module so that it
starts without pytest and the fake's OpenAPI machinery.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

from pydantic import SecretStr
from sqlalchemy import event

from bot.settings import load_settings
from domain.db import Database
from integrations.allegro.channel import AllegroChannel
from integrations.allegro.config import ChannelRules

PAGE = 100
PAUSE_SECONDS = 30.0


def _pause_before(database: Database, prefix: str, occurrence: int) -> None:
    seen = 0

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal seen
        if statement.lstrip().upper().startswith(prefix.upper()):
            seen += 1
            if seen == occurrence:
                print("PAUSED", flush=True)
                time.sleep(PAUSE_SECONDS)  # until the test kills us

    event.listen(database.engine.sync_engine, "before_cursor_execute", before)


async def _work(db_url: str, fake_url: str, account_id: int, pause: tuple[str, int] | None) -> None:
    settings = load_settings(
        database_url=db_url,
        allegro_client_id=os.environ["FAKE_ALLEGRO_CLIENT_ID"],
        allegro_client_secret=SecretStr(os.environ["FAKE_ALLEGRO_CLIENT_SECRET"]),
        allegro_api_url=fake_url,
        allegro_auth_url=fake_url,
    )
    database = Database(db_url)
    if pause is not None:
        _pause_before(database, *pause)
    async with AllegroChannel.from_settings(
        settings, database, rules=ChannelRules(page_size=PAGE)
    ) as channel:
        counts = await channel.pull_orders(account_id)
    await database.dispose()
    print(f"DONE {counts.processed}", flush=True)


def main(argv: list[str]) -> None:
    db_url, fake_url, account = argv[:3]
    pause = (argv[3], int(argv[4])) if len(argv) > 4 else None
    asyncio.run(_work(db_url, fake_url, int(account), pause))


if __name__ == "__main__":
    main(sys.argv[1:])
