from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from bot.logs import install_redaction

TOKEN = "987654321:AAHsecretPartOfTheTokenMustNotLeak"


def test_token_is_redacted_from_messages_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    install_redaction([SecretStr(TOKEN), None])
    log = logging.getLogger("test.redaction")
    with caplog.at_level(logging.DEBUG):
        log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        log.warning("bare secret %s", TOKEN.split(":", 1)[1])
        try:
            raise RuntimeError(f"connection to /bot{TOKEN}/getUpdates failed")
        except RuntimeError:
            log.exception("polling failed")
    assert "AAHsecretPart" not in caplog.text
    assert "/bot***/getMe" in caplog.text
    assert "polling failed" in caplog.text and "RuntimeError" in caplog.text
    assert all("AAHsecretPart" not in record.getMessage() for record in caplog.records)


def test_installing_twice_keeps_one_factory_and_all_secrets() -> None:
    first = install_redaction(["first-secret-value"])
    second = install_redaction(["second-secret-value"])
    assert first is second
    assert second.redact("first-secret-value second-secret-value") == "*** ***"
