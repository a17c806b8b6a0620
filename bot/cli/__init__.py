"""The `warehouse-bot` command line (typer).

Registration point: every module named in COMMAND_MODULES exposes ``register(app: typer.Typer)`` and
adds its commands or sub-apps there. Add yours (``bot.cli.allegro``, ``bot.cli.wix``, …) to the tuple;
keep heavy imports (aiogram, httpx clients) inside the command functions so that every command starts
fast. Shared helpers (settings, database, clean errors and exit codes) are in ``bot.cli.common``.

The app is built on first use (``build_app()``, or the module attribute ``app``), not on import: the
bot process (``python -m bot``) imports this package only for ``bot.cli.run``, and the commands
(typer, click, rich's console and progress bars) would otherwise stay resident in it (~3 MB) unused.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

COMMAND_MODULES = ("bot.cli.catalog", "bot.cli.allegro", "bot.cli.wix", "bot.cli.check")


def run() -> None:
    """Migrate, then run the bot (long polling, or a webhook when WEBHOOK_URL is set)."""
    from bot.cli.run import run as run_bot  # aiogram is imported only when the bot is wanted

    run_bot()


@cache
def build_app() -> typer.Typer:
    """The command line with every command registered (built once)."""
    import typer

    app = typer.Typer(
        name="warehouse-bot",
        help="Warehouse assistant: catalog, stock, Telegram bot, Allegro and Wix sync.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,  # rich tracebacks print local variables: URLs, tokens
    )
    app.command("run")(run)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    return app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # `from bot.cli import app`: the tests drive the command line with it
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    build_app()(prog_name="warehouse-bot")
