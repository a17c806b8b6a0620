"""Remove secrets from error texts before they are stored, logged or sent to a chat.

Integrations already keep tokens out of their exceptions; this is the second line of defence for texts
that come from libraries (a URL with a query token, an echoed Authorization header).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "***"
MIN_SECRET_LENGTH = 6

_PATTERNS = (
    # Authorization: Bearer <token> / Basic <blob>
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),
    # key=value and "key": "value" shapes of the usual secret names
    re.compile(
        r"(?i)([\"']?(?:access_token|refresh_token|client_secret|api_key|apikey|password|token|"
        r"authorization|secret)[\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;}]+)"
    ),
    # a Telegram bot token anywhere (also inside /bot<token>/ URLs)
    re.compile(r"(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}"),
    # credentials in a URL: scheme://user:password@host
    re.compile(r"(?<=://)([^:/@\s]+):([^@/\s]+)@"),
)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    bearer, named, telegram, url_credentials = _PATTERNS
    text = bearer.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = named.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = telegram.sub(REDACTED, text)
    return url_credentials.sub(lambda m: f"{m.group(1)}:{REDACTED}@", text)


def describe(error: BaseException, secrets: Iterable[str] = ()) -> str:
    """A one-line, secret-free description: the type and the message."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return scrub(text, secrets)
