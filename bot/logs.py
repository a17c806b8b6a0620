"""Logging set-up that never lets a secret (the bot token, the webhook secret) reach a log line.

aiogram and aiohttp put the token into request URLs, and an exception text can carry a URL. The
redaction works at record creation (a log record factory), so every handler — a file, the console,
pytest's caplog — sees the same cleaned record, including its formatted traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from pydantic import SecretStr

REDACTED = "***"


class SecretRedactor:
    """A log record factory wrapper that replaces every known secret in message and traceback."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._secrets: set[str] = set()
        self._formatter = logging.Formatter()

    def add(self, secrets: Iterable[str]) -> None:
        for secret in secrets:
            if secret:
                self._secrets.add(secret)
                # The part after the colon alone is what makes a bot token valid.
                _, _, tail = secret.partition(":")
                if len(tail) >= 16:
                    self._secrets.add(tail)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self._factory(*args, **kwargs)
        if not self._secrets:
            return record
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = self.redact(self._formatter.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return record


def install_redaction(secrets: Iterable[SecretStr | str | None]) -> SecretRedactor:
    """Redact these secrets from every log record from now on (idempotent, secrets accumulate)."""
    factory = logging.getLogRecordFactory()
    redactor = factory if isinstance(factory, SecretRedactor) else SecretRedactor(factory)
    redactor.add(
        secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        for secret in secrets
        if secret is not None
    )
    logging.setLogRecordFactory(redactor)
    return redactor


def setup_logging(level: str, secrets: Iterable[SecretStr | str | None]) -> None:
    install_redaction(secrets)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # aiohttp's access log would print every webhook request line; aiogram's event log every update.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
