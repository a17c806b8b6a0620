"""`warehouse-bot run`: migrate, then the bot (long polling, or a webhook when WEBHOOK_URL is set)."""

from __future__ import annotations

import asyncio
import sys

from bot.logs import setup_logging
from bot.malloc_arenas import limit_malloc_arenas
from bot.settings import ConfigError, load_settings

CONFIG_EXIT_CODE = 2


def run() -> None:
    """Run the bot until SIGINT/SIGTERM."""
    try:
        settings = load_settings()
        settings.require_bot_token()
    except ConfigError as error:
        message = "; ".join(line.strip() for line in str(error).splitlines())
        print(f"configuration error: {message}", file=sys.stderr)
        raise SystemExit(CONFIG_EXIT_CODE) from None
    setup_logging(settings.log_level, [settings.bot_token, settings.webhook_secret])
    limit_malloc_arenas()  # before the first thread (SQLite connections, executors) allocates
    # Imported only now: aiogram takes seconds to import, and a configuration error should not wait.
    from bot.app import run_bot

    asyncio.run(run_bot(settings))
