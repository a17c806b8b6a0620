"""The `warehouse-bot` command line (typer).

Registration point: every module named in COMMAND_MODULES exposes ``register(app: typer.Typer)`` and
adds its commands or sub-apps there. Add yours (``bot.cli.allegro``, ``bot.cli.wix``, …) to the tuple;
keep heavy imports (aiogram, httpx clients) inside the command functions so that every command starts
fast. Shared helpers (settings, database, clean errors and exit codes) are in ``bot.cli.common``.
"""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES = ("bot.cli.catalog", "bot.cli.allegro", "bot.cli.wix", "bot.cli.check")

app = typer.Typer(
    name="warehouse-bot",
    help="Warehouse assistant: catalog, stock, Telegram bot, Allegro and Wix sync.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # rich tracebacks print local variables: URLs, tokens
)


@app.command("run")
def run() -> None:
    """Migrate, then run the bot (long polling, or a webhook when WEBHOOK_URL is set)."""
    from bot.cli.run import run as run_bot  # aiogram is imported only when the bot is wanted

    run_bot()


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    app(prog_name="warehouse-bot")
