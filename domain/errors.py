"""Domain errors.

Every error carries a stable ``code`` and the ``params`` needed to explain it. The domain knows no
locale: the bot turns ``code`` + ``params`` into a translated message (the catalog key is
``error-<code>``), the CLI prints ``str(error)``, which is an English sentence naming the bad value.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every rule violation a user can cause and fix."""

    code = "domain"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class ValidationError(DomainError):
    """A value does not follow the rules (bad SKU characters, EAN checksum, …)."""

    code = "validation"

    def __init__(self, message: str, *, reason: str, **params: Any) -> None:
        super().__init__(message, reason=reason, **params)
        self.reason = reason


class ImageError(DomainError):
    """An uploaded file cannot become a product photo."""

    code = "image"

    def __init__(self, message: str, *, reason: str, **params: Any) -> None:
        super().__init__(message, reason=reason, **params)
        self.reason = reason


class NotFoundError(DomainError):
    code = "not_found"


class ConflictError(DomainError):
    """Uniqueness: a SKU or EAN already belongs to another product."""

    code = "conflict"


class StaleVersionError(DomainError):
    """Optimistic lock: somebody changed the product since the user looked at it."""

    code = "stale_version"


class InsufficientStockError(DomainError):
    code = "insufficient_stock"


class PermissionDeniedError(DomainError):
    code = "permission_denied"
