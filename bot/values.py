"""Checking what an admin typed or sent for a product field, shared by the edit and create flows.

Each function returns the clean value or raises a DomainError whose reason has an `error-<reason>`
message (format, uniqueness against other products, image problems)."""

from __future__ import annotations

import asyncio

from aiogram import Bot
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.files import download, sent_file
from domain.catalog import Catalog
from domain.errors import ConflictError, ImageError
from domain.images import ProcessedImage, process_photo
from domain.validation import normalize_name, normalize_sku, parse_ean_list

NO_EANS = frozenset({"-", "—", "0"})


async def check_sku(session: AsyncSession, text: str, product_id: int | None = None) -> str:
    sku = normalize_sku(text)
    other = await Catalog(session).by_sku(sku)
    if other is not None and other.id != product_id:
        raise ConflictError(
            f"SKU {sku} is taken", reason="sku_taken", value=sku, other_sku=other.sku, other_name=other.name
        )
    return sku


def check_name(text: str) -> str:
    return normalize_name(text)


async def check_eans(session: AsyncSession, text: str, product_id: int | None = None) -> list[str]:
    """Every EAN the product should have; "-" means none."""
    if text.strip() in NO_EANS:
        return []
    codes = parse_ean_list(text)
    catalog = Catalog(session)
    for code in codes:
        other = await catalog.by_ean(code)
        if other is not None and other.id != product_id:
            raise ConflictError(
                f"EAN {code} is taken",
                reason="ean_taken",
                value=code,
                other_sku=other.sku,
                other_name=other.name,
            )
    return codes


async def read_photo(bot: Bot, message: Message, max_bytes: int) -> ProcessedImage:
    """The photo or image document of a message, checked and turned into the product's WebP images."""
    file = sent_file(message)
    if file is None:
        raise ImageError("send a photo or an image file", reason="not_an_image", size=0)
    data = await download(bot, file[0], file[1], max_bytes)
    return await asyncio.to_thread(process_photo, data, max_bytes=max_bytes)
