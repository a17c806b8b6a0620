"""Placeholder until the flow lands."""

from aiogram import Router

router = Router(name=__name__)
