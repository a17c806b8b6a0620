"""Allegro REST API client for one seller account.

Every call sends ``Accept: application/vnd.allegro.public.v1+json`` (and that ``Content-Type`` on
bodies) with the account's bearer token from the `TokenManager`. A 401 makes the manager refresh once
and the call is repeated once. Timeouts, broken connections and 5xx are retried with back-off, a 429
pauses every call going through the same `RateLimitGate` (share one gate between the clients of all
accounts: Allegro limits per application). Failures raise the typed errors of
`integrations.allegro.errors`; bad arguments raise `ValueError` before anything is sent.

Composition::

    hosts = resolve_hosts(settings.allegro_sandbox, settings.allegro_api_url, settings.allegro_auth_url)
    http = httpx.AsyncClient(timeout=30)
    oauth = AllegroOAuth(http, client_id=..., client_secret=..., auth_url=hosts.auth_url)
    tokens = TokenManager(oauth, store)
    gate = RateLimitGate()
    client = AllegroClient(http, tokens, "account-1", api_url=hosts.api_url, gate=gate)
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any, TypedDict, TypeVar, Unpack
from urllib.parse import quote
from uuid import UUID

import httpx
from pydantic import BaseModel

from integrations.allegro.errors import AllegroProtocolError, AllegroTimeout
from integrations.allegro.models import (
    CheckoutForm,
    CommandTask,
    GeneralReport,
    Me,
    Offer,
    OfferSort,
    OffersSearchResult,
    OrderEvent,
    OrderEventsList,
    OrderEventStats,
    PublicationStatus,
    QuantityChangeType,
    TaskReport,
)
from integrations.allegro.tokens import TokenManager
from integrations.allegro.transport import (
    RateLimitGate,
    RetryPolicy,
    Transport,
    decode,
    error_from_response,
    retry_after,
)

logger = logging.getLogger("integrations.allegro")

VENDOR_JSON = "application/vnd.allegro.public.v1+json"

MAX_PAGE = 1000
"""Largest ``limit`` of order events, offer searches and command task reports."""
MAX_EXTERNAL_IDS = 100
"""``external.id`` values per offer search."""
MAX_EXTERNAL_ID_LENGTH = 100
MAX_COMMAND_OFFERS = 1000
"""Offers per batch quantity command."""
_MAX_OFFER_WINDOW = 10_000_000  # offset + limit of an offer search
_MAX_TASK_OFFSET = 999

M = TypeVar("M", bound=BaseModel)
Params = list[tuple[str, str]]


class OfferFilters(TypedDict, total=False):
    """Filters of ``GET /sale/offers``; each list is OR-ed, different filters are AND-ed."""

    external_ids: Sequence[str]
    """SKUs ("sygnatura"), at most 100, each at most 100 characters."""
    offer_ids: Sequence[str]
    name: str | None
    """Text searched in offer titles."""
    publication_status: Sequence[str]
    """`PublicationStatus` values."""
    marketplace: str | None
    """E.g. ``allegro-pl``."""
    sort: str | None
    """An `OfferSort` value."""


class AllegroClient:
    """The API calls of one seller account (``account_key`` names its pair in the token store)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: TokenManager,
        account_key: str,
        *,
        api_url: str,
        policy: RetryPolicy | None = None,
        gate: RateLimitGate | None = None,
    ) -> None:
        self.account_key = account_key
        self._tokens = tokens
        self._api_url = api_url.rstrip("/")
        self._policy = policy or RetryPolicy()
        self._transport = Transport(http, policy=self._policy, gate=gate or RateLimitGate())

    # --- account -------------------------------------------------------------------------------------

    async def get_me(self) -> Me:
        return await self._get(Me, "/me")

    # --- orders --------------------------------------------------------------------------------------

    async def get_order_events_statistics(self) -> OrderEventStats:
        """``latestEvent`` is the cursor a newly connected account starts from (None: no events yet)."""
        return await self._get(OrderEventStats, "/order/event-stats")

    async def get_order_events(
        self, from_id: str | None = None, *, limit: int = MAX_PAGE, types: Sequence[str] | None = None
    ) -> OrderEventsList:
        """Up to ``limit`` events *after* ``from_id`` (exclusive), oldest first; None starts at the
        oldest event Allegro keeps (60 days)."""
        _check_range("limit", limit, 1, MAX_PAGE)
        params: Params = [("limit", str(limit))]
        if from_id is not None:
            params.append(("from", from_id))
        params.extend(("type", event_type) for event_type in types or ())
        return await self._get(OrderEventsList, "/order/events", params)

    async def iter_order_events(
        self, from_id: str | None = None, *, limit: int = MAX_PAGE, types: Sequence[str] | None = None
    ) -> AsyncIterator[list[OrderEvent]]:
        """Non-empty pages of events after ``from_id`` until a short page says there are no more.

        Each page is fetched after the previous one was consumed, from its last event id, so a caller
        can apply a page and advance its tracker before the next request.
        """
        cursor = from_id
        while True:
            page = (await self.get_order_events(cursor, limit=limit, types=types)).events
            if page:
                yield page
                cursor = page[-1].id
            if len(page) < limit:
                return

    async def get_checkout_form(self, checkout_form_id: str) -> CheckoutForm:
        return await self._get(CheckoutForm, f"/order/checkout-forms/{_segment(checkout_form_id)}")

    # --- offers --------------------------------------------------------------------------------------

    async def get_offers(
        self, *, limit: int = MAX_PAGE, offset: int = 0, **filters: Unpack[OfferFilters]
    ) -> OffersSearchResult:
        """One page of the seller's offers; several values of one filter are OR-ed."""
        _check_range("limit", limit, 1, MAX_PAGE)
        _check_range("offset", offset, 0, _MAX_OFFER_WINDOW - limit)
        params = _offer_params(filters)
        params += [("limit", str(limit)), ("offset", str(offset))]
        return await self._get(OffersSearchResult, "/sale/offers", params)

    async def iter_offers(
        self, *, page_size: int = MAX_PAGE, **filters: Unpack[OfferFilters]
    ) -> AsyncIterator[Offer]:
        """Every offer matching the filters, page by page."""
        offset = 0
        while True:
            page = await self.get_offers(limit=page_size, offset=offset, **filters)
            for offer in page.offers:
                yield offer
            offset += len(page.offers)
            if not page.offers or offset >= page.total_count:
                return

    async def find_offers_by_external_ids(
        self,
        external_ids: Iterable[str],
        *,
        publication_status: Sequence[str] = (),
        marketplace: str | None = None,
    ) -> dict[str, list[Offer]]:
        """Offers per SKU for any number of SKUs (asked 100 at a time); SKUs without offers are absent."""
        wanted = list(dict.fromkeys(external_ids))
        found: dict[str, list[Offer]] = {}
        for start in range(0, len(wanted), MAX_EXTERNAL_IDS):
            async for offer in self.iter_offers(
                external_ids=wanted[start : start + MAX_EXTERNAL_IDS],
                publication_status=publication_status,
                marketplace=marketplace,
            ):
                if offer.external_id is not None:
                    found.setdefault(offer.external_id, []).append(offer)
        return found

    async def get_product_offer(self, offer_id: str) -> Offer:
        return await self._get(Offer, f"/sale/product-offers/{_segment(offer_id)}")

    async def patch_offer_stock(self, offer_id: str, available: int, *, activate: bool = False) -> Offer:
        """Set one offer's available stock and return the offer once Allegro has applied it.

        0 on an active offer ends it; ``activate`` also asks for publication status ``ACTIVE``, which
        lists an ended offer again (Allegro needs ``available`` > 0 for that). An accepted (202) edit is
        followed until done, honouring ``Retry-After``, for at most ``policy.operation_timeout`` seconds
        (then `AllegroTimeout`). A 409 (an earlier edit still running) is retried
        ``policy.conflict_attempts`` times, then raised as `AllegroConflict`.
        """
        _check_range("available", available, 1 if activate else 0, 2**31 - 1)
        path = f"/sale/product-offers/{_segment(offer_id)}"
        body: dict[str, Any] = {"stock": {"available": available}}
        if activate:
            body["publication"] = {"status": str(PublicationStatus.ACTIVE)}
        attempts = self._policy.conflict_attempts
        for attempt in range(1, attempts + 1):
            ok = (200, 202) if attempt == attempts else (200, 202, 409)
            response = await self._request("PATCH", path, body=body, ok=ok)
            if response.status_code != 409:
                break
            delay = min(self._policy.conflict_delay * 2 ** (attempt - 1), self._policy.max_delay)
            logger.info("allegro: offer %s is busy with an earlier edit; retrying in %.2fs", offer_id, delay)
            await asyncio.sleep(delay)
        if response.status_code == 200:
            return decode(Offer, response)
        await self._follow_operation(response, offer_id)
        return await self.get_product_offer(offer_id)

    # --- batch quantity commands ---------------------------------------------------------------------

    async def set_quantity_command(
        self,
        command_id: UUID,
        value: int,
        offer_ids: Sequence[str],
        *,
        change_type: QuantityChangeType = QuantityChangeType.FIXED,
    ) -> GeneralReport:
        """Register a batch stock change of up to 1000 offers; Allegro applies it asynchronously.

        ``command_id`` is the idempotency key: sending the same command again (a retry, a restart)
        returns the report of the one already registered. FIXED needs ``value`` > 0.
        """
        if not 1 <= len(offer_ids) <= MAX_COMMAND_OFFERS:
            raise ValueError(f"a command takes 1..{MAX_COMMAND_OFFERS} offers, got {len(offer_ids)}")
        _check_member("change type", change_type, QuantityChangeType)
        if change_type == QuantityChangeType.FIXED and value <= 0:
            raise ValueError("a FIXED quantity must be greater than 0 (use patch_offer_stock for 0)")
        body = {
            "modification": {"changeType": str(change_type), "value": value},
            "offerCriteria": [{"type": "CONTAINS_OFFERS", "offers": [{"id": offer} for offer in offer_ids]}],
        }
        path = f"/sale/offer-quantity-change-commands/{command_id}"
        response = await self._request("PUT", path, body=body, ok=(201, 409))
        if response.status_code == 409:
            logger.info("allegro: quantity command %s was already registered", command_id)
            return await self.get_quantity_command(command_id)
        return decode(GeneralReport, response)

    async def get_quantity_command(self, command_id: UUID) -> GeneralReport:
        return await self._get(GeneralReport, f"/sale/offer-quantity-change-commands/{command_id}")

    async def get_quantity_command_tasks(
        self, command_id: UUID, *, limit: int = MAX_PAGE, offset: int = 0
    ) -> TaskReport:
        """One page of the per-offer results (``SUCCESS``, ``FAIL`` with a message, or still ``NEW``)."""
        _check_range("limit", limit, 1, MAX_PAGE)
        _check_range("offset", offset, 0, _MAX_TASK_OFFSET)
        params: Params = [("limit", str(limit)), ("offset", str(offset))]
        return await self._get(TaskReport, f"/sale/offer-quantity-change-commands/{command_id}/tasks", params)

    async def get_all_quantity_command_tasks(
        self, command_id: UUID, *, page_size: int = MAX_PAGE
    ) -> list[CommandTask]:
        tasks: list[CommandTask] = []
        while len(tasks) <= _MAX_TASK_OFFSET:
            page = (
                await self.get_quantity_command_tasks(command_id, limit=page_size, offset=len(tasks))
            ).tasks
            tasks.extend(page)
            if len(page) < page_size:
                break
        return tasks

    async def wait_for_quantity_command(
        self, command_id: UUID, *, within: float = 60.0, interval: float = 1.0
    ) -> GeneralReport:
        """Poll the command until Allegro reports it complete; `AllegroTimeout` after ``within`` s."""
        deadline = time.monotonic() + within
        while True:
            report = await self.get_quantity_command(command_id)
            if report.is_complete:
                return report
            if time.monotonic() + interval > deadline:
                raise AllegroTimeout(
                    f"quantity command {command_id} not complete after {within:g}s",
                    method="GET",
                    path=f"/sale/offer-quantity-change-commands/{command_id}",
                )
            await asyncio.sleep(interval)

    # --- plumbing ------------------------------------------------------------------------------------

    async def _get(self, model: type[M], path: str, params: Params | None = None) -> M:
        return decode(model, await self._request("GET", path, params=params))

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: dict[str, Any] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> httpx.Response:
        content = json.dumps(body).encode() if body is not None else None
        for refreshed in (False, True):
            token = await self._tokens.access_token(self.account_key)
            secret = token.get_secret_value()
            headers = {"Accept": VENDOR_JSON, "Authorization": f"Bearer {secret}"}
            if content is not None:
                headers["Content-Type"] = VENDOR_JSON
            response = await self._transport.send(
                method,
                self._api_url + path,
                params=params,
                content=content,
                headers=headers,
                secrets=(secret,),
            )
            if response.status_code != 401 or refreshed:
                break
            logger.info("allegro: access token of %s rejected; refreshing", self.account_key)
            await self._tokens.refresh(self.account_key, stale=token)
        if response.status_code not in ok:
            raise error_from_response(response, secrets=(secret,))
        return response

    async def _follow_operation(self, accepted: httpx.Response, offer_id: str) -> None:
        """Poll the operation named by a 202's ``Location`` until it answers 303 (done)."""
        location = accepted.headers.get("Location")
        if not location:
            raise error_from_response(
                accepted, AllegroProtocolError, message="an accepted offer edit came without a Location"
            )
        # Only the path is taken from Location: the token never goes to a host other than api_url.
        url = httpx.URL(location)
        path = url.raw_path.decode("ascii")
        deadline = time.monotonic() + self._policy.operation_timeout
        wait = max(retry_after(accepted, self._policy.base_delay), self._policy.base_delay)
        while True:
            if time.monotonic() + wait > deadline:
                raise AllegroTimeout(
                    f"the edit of offer {offer_id} was still running after "
                    f"{self._policy.operation_timeout:g}s",
                    method="GET",
                    path=url.path,
                )
            await asyncio.sleep(wait)
            response = await self._request("GET", path, ok=(202, 303))
            if response.status_code == 303:
                return
            wait = max(retry_after(response, wait), self._policy.base_delay)


def _offer_params(filters: OfferFilters) -> Params:
    external_ids = filters.get("external_ids", ())
    if len(external_ids) > MAX_EXTERNAL_IDS:
        raise ValueError(f"at most {MAX_EXTERNAL_IDS} external ids per request, got {len(external_ids)}")
    for external_id in external_ids:
        if not external_id or len(external_id) > MAX_EXTERNAL_ID_LENGTH:
            raise ValueError(f"external id must be 1..{MAX_EXTERNAL_ID_LENGTH} characters: {external_id!r}")
    statuses = filters.get("publication_status", ())
    for status in statuses:
        _check_member("publication status", status, PublicationStatus)
    params: Params = [("offer.id", offer_id) for offer_id in filters.get("offer_ids", ())]
    params += [("external.id", external_id) for external_id in external_ids]
    params += [("publication.status", str(status)) for status in statuses]
    if (name := filters.get("name")) is not None:
        params.append(("name", name))
    if (marketplace := filters.get("marketplace")) is not None:
        params.append(("publication.marketplace", marketplace))
    if (sort := filters.get("sort")) is not None:
        _check_member("sort", sort, OfferSort)
        params.append(("sort", str(sort)))
    return params


def _segment(value: str) -> str:
    if not value:
        raise ValueError("an id must not be empty")
    return quote(value, safe="")


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be within {low}..{high}, got {value}")


def _check_member(name: str, value: str, allowed: type[Any]) -> None:
    if value not in {member.value for member in allowed}:
        raise ValueError(f"unknown {name} {value!r}")
