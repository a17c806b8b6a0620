"""The Telegram bot: composition root, routers, middlewares, views and the command line."""

from bot.lean_imports import skip_unused_modules
from bot.telegram_models import defer_telegram_model_build

# Before anything imports httpx: its command-line client (rich, pygments, click) stays unloaded.
skip_unused_modules()
# Before anything imports aiogram: its ~600 pydantic models are then built on first use.
defer_telegram_model_build()
