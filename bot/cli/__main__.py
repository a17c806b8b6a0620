"""`python -m bot.cli …` is `warehouse-bot …`."""

from bot.cli import main

main()
