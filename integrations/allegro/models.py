"""Pydantic models of the Allegro bodies we read and send.

Only the fields the project uses are declared; unknown fields are ignored so that Allegro adding a field
never breaks us. Enumerated values (event types, statuses) are kept as plain strings on the models and
the ``StrEnum`` classes below name the known ones: a value Allegro adds later still parses.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic.alias_generators import to_camel


class AllegroModel(BaseModel):
    """REST API bodies: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class OAuthModel(BaseModel):
    """OAuth host bodies, which use snake_case on the wire."""

    model_config = ConfigDict(extra="ignore", frozen=True)


# --- errors -------------------------------------------------------------------------------------------


class ApiError(AllegroModel):
    code: str | None = None
    message: str | None = None
    details: str | None = None
    path: str | None = None
    user_message: str | None = None
    metadata: dict[str, object] | None = None


class ErrorsHolder(AllegroModel):
    errors: list[ApiError] = Field(default_factory=list)


class AuthErrorBody(OAuthModel):
    """The OAuth-style body of 401s on the API and of every error on the token endpoint."""

    error: str
    error_description: str | None = None


# --- OAuth --------------------------------------------------------------------------------------------


class TokenResponse(OAuthModel):
    access_token: SecretStr
    token_type: str = "bearer"
    refresh_token: SecretStr | None = None
    expires_in: int
    scope: str | None = None
    jti: str | None = None


class TokenPair(BaseModel):
    """What a `TokenStore` persists for one account. Token values never show in reprs or logs."""

    model_config = ConfigDict(frozen=True)

    access_token: SecretStr
    refresh_token: SecretStr
    expires_at: datetime
    scope: str | None = None

    @classmethod
    def from_response(cls, response: TokenResponse, *, now: datetime) -> TokenPair:
        if response.refresh_token is None:
            raise ValueError("the token response carries no refresh token")
        return cls(
            access_token=response.access_token,
            refresh_token=response.refresh_token,
            expires_at=now + timedelta(seconds=response.expires_in),
            scope=response.scope,
        )

    def expires_within(self, margin: timedelta, *, now: datetime | None = None) -> bool:
        return self.expires_at - margin <= (now or datetime.now(UTC))


class DeviceCode(OAuthModel):
    """Answer of ``POST /auth/oauth/device``: show ``verification_uri_complete`` and the user code."""

    device_code: SecretStr
    user_code: str
    expires_in: int
    interval: int = 5
    verification_uri: str
    verification_uri_complete: str | None = None

    @property
    def formatted_user_code(self) -> str:
        return format_user_code(self.user_code)


def format_user_code(code: str) -> str:
    """Allegro suggests showing the user code in groups of three: ``cbt3zdu4g`` → ``cbt 3zd u4g``."""
    compact = "".join(code.split())
    return " ".join(compact[i : i + 3] for i in range(0, len(compact), 3))


# --- account --------------------------------------------------------------------------------------------


class Me(AllegroModel):
    id: str
    login: str


# --- orders ---------------------------------------------------------------------------------------------


class OrderEventType(StrEnum):
    BOUGHT = "BOUGHT"
    FILLED_IN = "FILLED_IN"
    READY_FOR_PROCESSING = "READY_FOR_PROCESSING"
    BUYER_CANCELLED = "BUYER_CANCELLED"
    FULFILLMENT_STATUS_CHANGED = "FULFILLMENT_STATUS_CHANGED"
    BUYER_MODIFIED = "BUYER_MODIFIED"
    AUTO_CANCELLED = "AUTO_CANCELLED"


class CheckoutFormStatus(StrEnum):
    BOUGHT = "BOUGHT"
    FILLED_IN = "FILLED_IN"
    READY_FOR_PROCESSING = "READY_FOR_PROCESSING"
    CANCELLED = "CANCELLED"


class Reference(AllegroModel):
    id: str


class ExternalId(AllegroModel):
    id: str | None = None


class Price(AllegroModel):
    amount: Decimal
    currency: str


class OfferReference(AllegroModel):
    id: str
    name: str | None = None
    external: ExternalId | None = None

    @property
    def external_id(self) -> str | None:
        """The seller's SKU ("sygnatura"), or None when the offer has none."""
        return self.external.id if self.external else None


class LineItem(AllegroModel):
    """One order line, as carried by order events and by checkout forms."""

    id: str
    offer: OfferReference
    quantity: int
    price: Price | None = None
    original_price: Price | None = None
    bought_at: datetime | None = None


class Buyer(AllegroModel):
    id: str
    login: str | None = None
    email: str | None = None
    guest: bool | None = None


class CheckoutFormReference(AllegroModel):
    id: str
    revision: str | None = None


class OrderEventData(AllegroModel):
    seller: Reference | None = None
    buyer: Buyer | None = None
    line_items: list[LineItem] = Field(default_factory=list)
    checkout_form: CheckoutFormReference | None = None
    marketplace: Reference | None = None


class OrderEvent(AllegroModel):
    id: str
    type: str
    occurred_at: datetime
    order: OrderEventData


class OrderEventsList(AllegroModel):
    events: list[OrderEvent]


class LatestOrderEvent(AllegroModel):
    id: str
    occurred_at: datetime


class OrderEventStats(AllegroModel):
    latest_event: LatestOrderEvent | None = None


class CheckoutForm(AllegroModel):
    id: str
    status: str
    revision: str | None = None
    line_items: list[LineItem]
    buyer: Buyer | None = None
    marketplace: Reference | None = None
    updated_at: str | None = None


# --- offers ---------------------------------------------------------------------------------------------


class PublicationStatus(StrEnum):
    INACTIVE = "INACTIVE"
    ACTIVE = "ACTIVE"
    ACTIVATING = "ACTIVATING"
    ENDED = "ENDED"


class OfferSort(StrEnum):
    PRICE = "sellingMode.price.amount"
    PRICE_DESC = "-sellingMode.price.amount"
    SOLD = "stock.sold"
    SOLD_DESC = "-stock.sold"
    AVAILABLE = "stock.available"
    AVAILABLE_DESC = "-stock.available"


class OfferStock(AllegroModel):
    available: int | None = None
    sold: int | None = None
    unit: str | None = None


class OfferPublication(AllegroModel):
    status: str | None = None


class Offer(AllegroModel):
    """An offer as listed by ``GET /sale/offers`` or returned by ``/sale/product-offers/{id}``."""

    id: str
    name: str | None = None
    external: ExternalId | None = None
    stock: OfferStock | None = None
    publication: OfferPublication | None = None

    @property
    def external_id(self) -> str | None:
        return self.external.id if self.external else None


class OffersSearchResult(AllegroModel):
    offers: list[Offer] = Field(default_factory=list)
    count: int = 0
    total_count: int = 0


# --- batch quantity commands ---------------------------------------------------------------------------


class QuantityChangeType(StrEnum):
    FIXED = "FIXED"
    GAIN = "GAIN"


class TaskStatus(StrEnum):
    NEW = "NEW"
    SUCCESS = "SUCCESS"
    FAIL = "FAIL"


class TaskCount(AllegroModel):
    total: int = 0
    success: int = 0
    failed: int = 0


class GeneralReport(AllegroModel):
    """State of a batch command; counts stay 0 until Allegro starts processing it."""

    id: str
    created_at: datetime | None = None
    completed_at: datetime | None = None
    task_count: TaskCount = Field(default_factory=TaskCount)

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class OfferId(AllegroModel):
    id: str | None = None


class CommandTask(AllegroModel):
    offer: OfferId = Field(default_factory=OfferId)
    field: str | None = None
    status: str
    message: str | None = None
    errors: list[ApiError] = Field(default_factory=list)


class TaskReport(AllegroModel):
    tasks: list[CommandTask] = Field(default_factory=list)
