"""Admin screens: users and warehouses (the bot-ops developer's module)."""

from aiogram import Router

router = Router(name=__name__)
