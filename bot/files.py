"""Downloading what a user sent (photos, image documents, CSV files), with the size limits checked
before the download and Telegram's own 20 MB getFile refusal turned into a clear error."""

from __future__ import annotations

import io

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message

from domain.errors import ImageError, ValidationError

TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024
IMAGE_MIME_PREFIX = "image/"


def _mb(size: int) -> float:
    return round(size / (1024 * 1024), 1)


def sent_file(message: Message) -> tuple[str, int | None] | None:
    """(file_id, size) of the photo (largest size) or document in a message."""
    if message.photo:
        largest = message.photo[-1]
        return largest.file_id, largest.file_size
    if message.document is not None:
        return message.document.file_id, message.document.file_size
    return None


async def download(bot: Bot, file_id: str, size: int | None, max_bytes: int, *, kind: str = "image") -> bytes:
    """The file's bytes. Raises ImageError (kind "image") or ValidationError (other kinds) with reason
    `file_too_large` when over `max_bytes`, `telegram_file_too_big` when Telegram refuses to hand it out."""
    error = ImageError if kind == "image" else ValidationError
    if size is not None and size > max_bytes:
        raise error(
            f"the file is {_mb(size)} MB; at most {_mb(max_bytes)} MB are accepted",
            reason="file_too_large",
            size_mb=str(_mb(size)),
            max_mb=str(_mb(max_bytes)),
        )
    try:
        file = await bot.get_file(file_id)
    except TelegramBadRequest as exc:
        if "too big" in str(exc).lower():
            raise error(
                "Telegram does not hand files over 20 MB to bots",
                reason="telegram_file_too_big",
                max_mb=str(_mb(TELEGRAM_DOWNLOAD_LIMIT)),
            ) from None
        raise
    assert file.file_path is not None
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, destination=buffer)
    data = buffer.getvalue()
    if len(data) > max_bytes:
        raise error(
            f"the file is {_mb(len(data))} MB; at most {_mb(max_bytes)} MB are accepted",
            reason="file_too_large",
            size_mb=str(_mb(len(data))),
            max_mb=str(_mb(max_bytes)),
        )
    return data
