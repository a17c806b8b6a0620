"""`python -m bot` is `warehouse-bot run`."""

from bot.cli.run import run

run()
