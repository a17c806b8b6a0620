"""Typed Allegro failures.

Every exception names what a human needs to chase the problem (HTTP status, Allegro error codes, the
``trace-id`` Allegro support asks for, method and path) and never a credential: messages are built
through `redact`, which removes the secrets the caller knows about (tokens, client secret, device code)
and anything shaped like a bearer token or JWT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from integrations.allegro.models import ApiError

_REDACTED = "***"
_CREDENTIAL_PATTERNS = (
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),  # JWTs (Allegro's tokens)
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` without the given secret values and without anything that looks like a credential."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, _REDACTED)
    for pattern in _CREDENTIAL_PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)} {_REDACTED}" if m.lastindex else _REDACTED, text)
    return text


class AllegroError(Exception):
    """Base of every Allegro failure.

    ``status`` is None when no HTTP answer was received (network failure). ``codes`` are Allegro's
    error codes (``errors[].code``, or the OAuth ``error`` field).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
        trace_id: str | None = None,
        codes: Sequence[str] = (),
        errors: Sequence[ApiError] = (),
        secrets: Iterable[str | None] = (),
    ) -> None:
        self.message = redact(message, secrets)
        self.status = status
        self.method = method
        self.path = path
        self.trace_id = trace_id
        self.codes = tuple(codes)
        self.errors = tuple(errors)
        super().__init__(self.message)

    def __str__(self) -> str:
        facts = []
        if self.method and self.path:
            facts.append(f"{self.method} {self.path}")
        if self.status is not None:
            facts.append(f"status={self.status}")
        if self.codes:
            facts.append("codes=" + ",".join(self.codes))
        if self.trace_id:
            facts.append(f"trace-id={self.trace_id}")
        return f"{self.message} [{'; '.join(facts)}]" if facts else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AllegroAuthError(AllegroError):
    """Allegro refused our credentials: a 401 that a token refresh did not cure, or a bad client secret."""


class AllegroInvalidGrant(AllegroAuthError):
    """The account's refresh token is dead (or there is none): the account must be connected again."""


class AllegroForbidden(AllegroError):
    """403: the token lacks a scope or the resource belongs to another seller."""


class AllegroNotFound(AllegroError):
    """404: no such resource (order, offer, command)."""


class AllegroConflict(AllegroError):
    """409: a command id was reused, or an earlier edit of the offer is still being processed."""


class AllegroBadRequest(AllegroError):
    """The request was refused as invalid (400, 406, 415, 422, …); ``errors`` holds Allegro's list."""


class AllegroRateLimited(AllegroError):
    """429 that did not clear within the configured number of back-offs."""


class AllegroServerError(AllegroError):
    """5xx, a timeout or a broken connection that persisted through every retry."""


class AllegroProtocolError(AllegroError):
    """Allegro answered something we cannot read: not JSON, or not the documented shape."""


class AllegroTimeout(AllegroError):
    """An asynchronous operation (offer edit, batch command) did not finish in time: outcome unknown."""


class DeviceFlowError(AllegroError):
    """The device authorization did not produce tokens."""


class DeviceFlowDenied(DeviceFlowError):
    """The user refused access on the Allegro page."""


class DeviceFlowExpired(DeviceFlowError):
    """The device code expired, was already used or is unknown: start the flow again."""


def error_class_for_status(status: int) -> type[AllegroError]:
    """The exception class of an API answer that is not a success (401/429/5xx are handled earlier)."""
    if status == 401:
        return AllegroAuthError
    if status == 403:
        return AllegroForbidden
    if status == 404:
        return AllegroNotFound
    if status == 409:
        return AllegroConflict
    if status == 429:
        return AllegroRateLimited
    if status >= 500:
        return AllegroServerError
    if 400 <= status < 500:
        return AllegroBadRequest
    return AllegroProtocolError
