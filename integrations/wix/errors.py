"""Typed errors built from Wix's error body.

Every error names the request (method and path), the HTTP status and Wix's application error code; none of
them can carry the API key: the transport strips it from any text before an error is built.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from integrations.wix.models import CatalogVersion, FieldViolation, WixErrorBody

CATALOG_VERSION_CODES = frozenset(
    {"CATALOG_V1_SITE_CALLING_CATALOG_V3_API", "CATALOG_V3_SITE_CALLING_CATALOG_V1_API"}
)


class WixError(Exception):
    """Base of everything the Wix client raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        where = f"{self.method} {self.path}" if self.method and self.path else "Wix request"
        status = f" -> {self.status}" if self.status is not None else ""
        code = f" [{self.code}]" if self.code else ""
        message = f": {self.message}" if self.message else ""
        return f"{where}{status}{code}{message}"


class WixAuthError(WixError):
    """401 (bad or missing key) or 403 (the key may not act on this site, or lacks a permission)."""


class WixNotFound(WixError):
    """404."""


class WixBadRequest(WixError):
    """400: a bad parameter; `field_violations` lists what Wix rejected."""

    def __init__(self, message: str, *, field_violations: tuple[FieldViolation, ...] = (), **kw: Any):
        self.field_violations = field_violations
        super().__init__(message, **kw)

    def _text(self) -> str:
        fields = ", ".join(f"{v.field}: {v.description}" for v in self.field_violations)
        return super()._text() + (f" ({fields})" if fields else "")


class WixRevisionConflict(WixError):
    """409: the entity changed since it was read (or already exists)."""


class WixPreconditionFailed(WixError):
    """428: Wix refused because of the site's state (e.g. a store still being provisioned)."""


class WixCatalogVersionMismatch(WixPreconditionFailed):
    """428 CATALOG_*_CALLING_CATALOG_*_API: the call was for the other catalog version.

    `catalog_version` is the site's version as re-checked after the refusal (None if that check failed).
    """

    catalog_version: CatalogVersion | None = None


class WixRateLimited(WixError):
    """429 after the client's own retries; `retry_after` is Wix's hint in seconds, when it sent one."""

    retry_after: float | None = None


class WixServerError(WixError):
    """5xx (Wix sends these with an empty body on purpose)."""


class WixProtocolError(WixError):
    """Wix answered something that is not the JSON we expect."""


class WixNetworkError(WixError):
    """No usable answer: connection failed or timed out.

    `maybe_applied` is False when the request never reached Wix (connect errors), so resending is safe.
    """

    def __init__(self, message: str, *, maybe_applied: bool, **kw: Any) -> None:
        self.maybe_applied = maybe_applied
        super().__init__(message, **kw)


class WixStoresNotInstalled(WixError):
    """The site has no Wix Stores (catalog version STORES_NOT_INSTALLED)."""


_BY_STATUS: dict[int, type[WixError]] = {
    400: WixBadRequest,
    401: WixAuthError,
    403: WixAuthError,
    404: WixNotFound,
    409: WixRevisionConflict,
    428: WixPreconditionFailed,
    429: WixRateLimited,
}


def parse_error_body(raw: bytes) -> WixErrorBody:
    """Wix's error body, or an empty one when the body is not Wix's JSON (proxies send HTML)."""
    try:
        return WixErrorBody.model_validate(json.loads(raw))
    except (ValueError, PydanticValidationError):
        return WixErrorBody()


def error_from_response(
    status: int,
    raw: bytes,
    *,
    method: str,
    path: str,
    retry_after: float | None = None,
    scrub: str | None = None,
) -> WixError:
    """Build the typed error for a non-2xx answer; `scrub` is removed from every text taken from the body."""
    body = parse_error_body(raw)
    app = body.details.application_error if body.details else None
    validation = body.details.validation_error if body.details else None
    code = app.code if app and app.code else None
    message = _scrubbed(body.message or (app.description if app else ""), scrub)
    kw: dict[str, Any] = {"status": status, "code": code, "method": method, "path": path}
    if status >= 500:
        return WixServerError(message, **kw)
    if status == 400:
        violations = tuple(
            violation.model_copy(update={"description": _scrubbed(violation.description, scrub)})
            for violation in (validation.field_violations if validation else [])
        )
        return WixBadRequest(message, field_violations=violations, **kw)
    if status == 428 and code in CATALOG_VERSION_CODES:
        return WixCatalogVersionMismatch(message, **kw)
    error = _BY_STATUS.get(status, WixError)(message, **kw)
    if isinstance(error, WixRateLimited):
        error.retry_after = retry_after
    return error


def _scrubbed(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text
