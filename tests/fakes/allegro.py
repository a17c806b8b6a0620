"""A fake Allegro for tests: the OAuth host and the REST API on one aiohttp server on 127.0.0.1.

Point both ``api_url`` and ``auth_url`` at ``fake.url``. Every API request is checked against Allegro's
OpenAPI contract (only the operations we use are loaded, once per session) and so is every answer the
fake's handlers give; a request that breaks the contract gets a 400/422 ``ErrorsHolder`` and, like any
other breach, is recorded in ``fake.contract_violations`` (tests assert it stays empty).

State is per seller (``DEFAULT_SELLER`` unless said otherwise): order events and checkout forms, offers,
quantity commands, offer-edit operations. Tokens are bound to a seller. Test-facing knobs:

- tokens: ``grant()``, ``expire_access_tokens()``, ``kill_refresh_tokens()``, ``reject_all_tokens``,
  ``refresh_grace``, ``access_ttl``
- device flow: ``device_steps`` (e.g. ``["pending", "slow_down", "approve"]``; also ``"deny"`` and
  ``"expire"``), ``device_seller``, ``device_interval``, ``device_expires_in``
- orders: ``add_order_event(...)``, ``checkout_form(id)``
- offers: ``add_offer(...)``, ``offer(id)``, ``quantity_failures``, ``command_delay``,
  ``patch_async`` / ``operation_polls`` / ``operation_retry_after``, ``patch_conflicts``
- faults: ``fail()``, ``garbage()``, ``slow()``, ``rate_limit()``, ``clear_faults()``
- inspection: ``requests``, ``count()``, ``contract_violations``
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import functools
import hashlib
import json
import os
import secrets
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web
from openapi_core import OpenAPI
from openapi_core.configurations import Config
from openapi_core.contrib.aiohttp import AIOHTTPOpenAPIWebRequest
from openapi_core.exceptions import OpenAPIError
from openapi_core.testing import MockResponse

from integrations.allegro.models import TokenPair

VENDOR_JSON = "application/vnd.allegro.public.v1+json"
DEFAULT_SELLER = "1001"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

# The operations our client uses; the contract is cut down to them so it loads fast.
CONTRACT_PATHS = (
    "/me",
    "/order/event-stats",
    "/order/events",
    "/order/checkout-forms/{id}",
    "/sale/offers",
    "/sale/offer-quantity-change-commands/{commandId}",
    "/sale/offer-quantity-change-commands/{commandId}/tasks",
    "/sale/product-offers/{offerId}",
    "/sale/product-offers/{offerId}/operations/{operationId}",
)
_REPO = Path(__file__).resolve().parents[2]
_SPEC_CANDIDATES = (
    _REPO / "specs" / "allegro-openapi.yaml",
    _REPO.parent / "shared" / "specs" / "allegro-openapi.yaml",
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# --- the contract ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contract:
    openapi: OpenAPI
    spec: dict[str, Any]
    load_seconds: float

    def declared_statuses(self, template: str, method: str) -> set[str]:
        return set(self.spec["paths"][template][method.lower()]["responses"])


def spec_path() -> Path:
    configured = os.environ.get("ALLEGRO_OPENAPI_SPEC")
    candidates = (Path(configured),) if configured else _SPEC_CANDIDATES
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "Allegro OpenAPI spec not found; set ALLEGRO_OPENAPI_SPEC (looked in "
        + ", ".join(map(str, candidates))
        + ")"
    )


@functools.cache
def load_contract() -> Contract:
    """The contract of `CONTRACT_PATHS`, parsed once per process.

    Parsing the 1.4 MB YAML takes about half a second, so the reduced spec is also cached as JSON in the
    temp directory, keyed by the spec file's size and mtime.
    """
    started = time.perf_counter()
    source = spec_path()
    stat = source.stat()
    key = hashlib.sha256(f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{CONTRACT_PATHS}".encode()).hexdigest()
    cached = Path(tempfile.gettempdir()) / f"allegro-contract-{key[:16]}.json"
    if cached.is_file():
        spec = json.loads(cached.read_text())
    else:
        spec = _reduce(yaml.load(source.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(spec))
        partial.replace(cached)
    config = Config(spec_validator_cls=None, extra_media_type_deserializers={VENDOR_JSON: json.loads})
    openapi = OpenAPI.from_dict(spec, config=config)
    return Contract(openapi=openapi, spec=spec, load_seconds=time.perf_counter() - started)


def _reduce(full: dict[str, Any]) -> dict[str, Any]:
    """Our paths and the schemas they reach. Security is left out: the fake checks bearer tokens
    itself (openapi-core does not support OAuth2 schemes)."""
    schemas = full["components"]["schemas"]
    paths = {path: full["paths"][path] for path in CONTRACT_PATHS}
    needed: set[str] = set()
    pending: list[Any] = [paths]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in needed:
                    needed.add(name)
                    pending.append(schemas[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return {
        "openapi": full["openapi"],
        "info": full["info"],
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": {name: schemas[name] for name in sorted(needed)}},
    }


def _describe(exc: OpenAPIError) -> str:
    """What broke the contract, without echoing whole bodies."""
    head = str(exc)
    if len(head) > 120:
        head = type(exc).__name__
    cause = exc.__cause__
    schema_errors = getattr(cause, "schema_errors", ())
    if schema_errors:
        reasons = [f"{error.message[:200]} at {error.json_path}" for error in schema_errors]
    elif cause is not None:
        reasons = [repr(cause)[:200]]
    else:
        reasons = []
    return head + (" (" + "; ".join(reasons) + ")" if reasons else "")


def _sample(node: Any) -> Any:
    """A copy with lists cut to three items: answers are generated uniformly, and validating a
    1000-event page whole would cost a third of a second."""
    if isinstance(node, dict):
        return {key: _sample(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_sample(item) for item in node[:3]]
    return node


# --- records and state ----------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    at: float
    bearer: str | None = None
    grant_type: str | None = None
    status: int = 0

    def params(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]


@dataclass(frozen=True)
class ContractViolation:
    direction: str  # "request" or "response"
    method: str
    path: str
    detail: str


@dataclass
class FakeOffer:
    id: str
    name: str
    external_id: str | None
    available: int
    status: str = "ACTIVE"
    marketplace: str = "allegro-pl"
    sold: int = 0
    price: str = "10.00"

    def listing(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "sellingMode": {"format": "BUY_NOW", "price": {"amount": self.price, "currency": "PLN"}},
            "stock": {"available": self.available, "sold": self.sold},
            "publication": {"status": self.status, "marketplaces": {"base": {"id": self.marketplace}}},
            "isFulfillment": False,
        }
        if self.external_id is not None:
            body["external"] = {"id": self.external_id}
        return body

    def product(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "stock": {"available": self.available, "unit": "UNIT"},
            "publication": {"status": self.status},
        }
        if self.external_id is not None:
            body["external"] = {"id": self.external_id}
        return body


@dataclass
class FakeCommand:
    id: str
    change_type: str
    value: int
    offer_ids: list[str]
    created_at: str
    ready_at: float
    completed_at: str | None = None
    tasks: list[dict[str, Any]] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        done = self.completed_at is not None
        failed = sum(task["status"] == "FAIL" for task in self.tasks) if done else 0
        return {
            "id": self.id,
            "createdAt": self.created_at,
            "completedAt": self.completed_at,
            "taskCount": {
                "total": len(self.tasks) if done else 0,
                "success": len(self.tasks) - failed if done else 0,
                "failed": failed,
            },
        }


@dataclass
class FakeOperation:
    id: str
    offer_id: str
    available: int
    polls_left: int
    started_at: str
    done: bool = False
    status: str | None = None  # the publication status the edit asked for


@dataclass
class FakeSeller:
    id: str
    login: str
    events: list[dict[str, Any]] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)
    offers: dict[str, FakeOffer] = field(default_factory=dict)
    commands: dict[str, FakeCommand] = field(default_factory=dict)
    operations: dict[str, FakeOperation] = field(default_factory=dict)


@dataclass
class _AccessToken:
    seller: str
    expires_at: float
    revoked: bool = False


@dataclass
class _RefreshToken:
    seller: str
    first_used_at: float | None = None
    dead: bool = False


@dataclass
class _DeviceCode:
    seller: str
    steps: list[str]
    expires_at: float
    consumed: bool = False


@dataclass
class _Fault:
    kind: str  # "status", "garbage" or "slow"
    path: str | None
    remaining: int | None
    status: int = 503
    seconds: float = 0.0

    def matches(self, path: str) -> bool:
        return self.path is None or path == self.path or path.startswith(self.path.rstrip("/") + "/")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _errors(status: int, code: str, message: str, *, path: str | None = None) -> web.Response:
    error = {"code": code, "message": message, "details": None, "path": path, "userMessage": message}
    return web.json_response({"errors": [error]}, status=status, content_type=VENDOR_JSON)


def _auth_error(status: int, error: str, description: str) -> web.Response:
    return web.json_response({"error": error, "error_description": description}, status=status)


def _vendor(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(body, status=status, content_type=VENDOR_JSON, headers=headers)


def _int_param(request: web.Request, name: str, default: int) -> int:
    value = request.query.get(name)
    return int(value) if value is not None else default


SELLER = web.RequestKey("seller", FakeSeller)
RECORD = web.RequestKey("record", RecordedRequest)


# --- the server -----------------------------------------------------------------------------------------


class FakeAllegro:
    def __init__(
        self,
        *,
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret-value",
        access_ttl: int = 43199,
        refresh_grace: float = 60.0,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_ttl = access_ttl
        self.refresh_grace = refresh_grace
        self.url = ""
        self.contract = load_contract()

        self.requests: list[RecordedRequest] = []
        self.contract_violations: list[ContractViolation] = []

        self.reject_all_tokens = False
        self.device_steps: list[str] = ["approve"]
        self.device_seller = DEFAULT_SELLER
        self.device_interval = 5
        self.device_expires_in = 3600

        self.quantity_failures: dict[str, str] = {}
        self.command_delay = 0.0
        self.patch_async = False
        self.operation_polls = 1
        self.operation_retry_after = 0
        self.patch_conflicts: dict[str, int] = {}

        self._sellers: dict[str, FakeSeller] = {}
        self._access: dict[str, _AccessToken] = {}
        self._refresh: dict[str, _RefreshToken] = {}
        self._devices: dict[str, _DeviceCode] = {}
        self._faults: list[_Fault] = []
        self._blocked_until = 0.0
        self._block_seconds = 0.0
        self._next_event_id = int(time.time() * 1_000_000)
        self._next_offer_id = 7_000_000_000
        self._runner: web.AppRunner | None = None

    # --- lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_post("/auth/oauth/device", self._device)
        app.router.add_post("/auth/oauth/token", self._token)
        app.router.add_get("/me", self._me)
        app.router.add_get("/order/event-stats", self._event_stats)
        app.router.add_get("/order/events", self._events)
        app.router.add_get("/order/checkout-forms/{id}", self._checkout_form)
        app.router.add_get("/sale/offers", self._offers)
        app.router.add_put("/sale/offer-quantity-change-commands/{commandId}", self._put_command)
        app.router.add_get("/sale/offer-quantity-change-commands/{commandId}", self._get_command)
        app.router.add_get("/sale/offer-quantity-change-commands/{commandId}/tasks", self._get_tasks)
        app.router.add_get("/sale/product-offers/{offerId}", self._get_product_offer)
        app.router.add_patch("/sale/product-offers/{offerId}", self._patch_product_offer)
        app.router.add_get("/sale/product-offers/{offerId}/operations/{operationId}", self._operation)
        # A short shutdown timeout: a test may leave a deliberately slow answer pending.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeAllegro:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # --- inspection ------------------------------------------------------------------------------------

    def count(self, path: str | None = None, *, method: str | None = None, status: int | None = None) -> int:
        """Requests to ``path`` (exactly, or below it), optionally of one method or answer status."""
        return len(self.requests_to(path, method=method, status=status))

    def requests_to(
        self, path: str | None = None, *, method: str | None = None, status: int | None = None
    ) -> list[RecordedRequest]:
        return [
            request
            for request in self.requests
            if (path is None or request.path == path or request.path.startswith(path.rstrip("/") + "/"))
            and (method is None or request.method == method)
            and (status is None or request.status == status)
        ]

    # --- sellers and tokens ----------------------------------------------------------------------------

    def seller(self, seller_id: str = DEFAULT_SELLER) -> FakeSeller:
        if seller_id not in self._sellers:
            self._sellers[seller_id] = FakeSeller(id=seller_id, login=f"seller-{seller_id}")
        return self._sellers[seller_id]

    def grant(self, seller: str = DEFAULT_SELLER) -> TokenPair:
        """A fresh token pair for ``seller``, as a finished device flow would give."""
        body = self._issue(seller)
        expires_at = datetime.fromtimestamp(time.time() + body["expires_in"], UTC)
        return TokenPair.model_validate({**body, "expires_at": expires_at})

    def expire_access_tokens(self, seller: str | None = None) -> None:
        for token in self._access.values():
            if seller is None or token.seller == seller:
                token.expires_at = 0.0

    def kill_refresh_tokens(self, seller: str | None = None) -> None:
        """Every refresh token issued so far answers ``invalid_grant`` from now on."""
        for token in self._refresh.values():
            if seller is None or token.seller == seller:
                token.dead = True

    def issued_secrets(self) -> list[str]:
        """Every access token, refresh token and device code the fake has handed out."""
        return [*self._access, *self._refresh, *self._devices]

    def is_access_token_valid(self, token: str) -> bool:
        info = self._access.get(token)
        return info is not None and not info.revoked and info.expires_at > time.monotonic()

    def _issue(self, seller: str) -> dict[str, Any]:
        self.seller(seller)
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._access[access] = _AccessToken(seller=seller, expires_at=time.monotonic() + self.access_ttl)
        self._refresh[refresh] = _RefreshToken(seller=seller)
        return {
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh,
            "expires_in": self.access_ttl,
            "scope": "allegro:api:orders:read allegro:api:sale:offers:read allegro:api:sale:offers:write",
            "allegro_api": True,
            "jti": str(uuid.uuid4()),
        }

    # --- orders ----------------------------------------------------------------------------------------

    def add_order_event(
        self,
        type: str,
        checkout_form_id: str | None = None,
        line_items: Sequence[tuple[str | None, str, str | None, int]] = (),
        *,
        seller: str = DEFAULT_SELLER,
        marketplace: str = "allegro-pl",
    ) -> str:
        """Append an event and update its checkout form; returns the event id.

        ``line_items`` are ``(line_id or None, offer_id, external_id or None, quantity)``; when empty the
        event carries the form's current lines.
        """
        state = self.seller(seller)
        form_id = checkout_form_id or str(uuid.uuid4())
        now = _now_iso()
        form = state.forms.get(form_id)
        if form is None:
            form = {
                "id": form_id,
                "buyer": {"id": "5001", "email": "buyer@example.com", "login": "buyer", "guest": False},
                "status": "BOUGHT",
                "lineItems": [],
                "surcharges": [],
                "summary": {"totalToPay": {"amount": "0.00", "currency": "PLN"}},
                "marketplace": {"id": marketplace},
            }
            state.forms[form_id] = form
        if line_items:
            form["lineItems"] = [
                {
                    "id": line_id or str(uuid.uuid4()),
                    "offer": {"id": offer_id, "name": f"Offer {offer_id}"}
                    | ({"external": {"id": external_id}} if external_id is not None else {}),
                    "quantity": quantity,
                    "originalPrice": {"amount": "10.00", "currency": "PLN"},
                    "price": {"amount": "10.00", "currency": "PLN"},
                    "boughtAt": now,
                }
                for line_id, offer_id, external_id, quantity in line_items
            ]
            total = sum(line["quantity"] for line in form["lineItems"]) * 10
            form["summary"] = {"totalToPay": {"amount": f"{total}.00", "currency": "PLN"}}
        status = {
            "BOUGHT": "BOUGHT",
            "FILLED_IN": "FILLED_IN",
            "READY_FOR_PROCESSING": "READY_FOR_PROCESSING",
            "BUYER_CANCELLED": "CANCELLED",
            "AUTO_CANCELLED": "CANCELLED",
        }.get(type)
        if status is not None:
            form["status"] = status
        form["revision"] = secrets.token_hex(4)
        form["updatedAt"] = now
        self._next_event_id += 1
        event_id = self._next_event_id
        state.events.append(
            {
                "id": str(event_id),
                "occurredAt": now,
                "type": type,
                "order": {
                    "seller": {"id": seller},
                    "buyer": {"id": "5001", "email": "buyer@example.com", "login": "buyer", "guest": False},
                    "lineItems": [dict(line) for line in form["lineItems"]],
                    "checkoutForm": {"id": form_id, "revision": form["revision"]},
                    "marketplace": {"id": marketplace},
                },
            }
        )
        state.event_ids.append(event_id)
        return str(event_id)

    def checkout_form(self, checkout_form_id: str, seller: str = DEFAULT_SELLER) -> dict[str, Any]:
        return self.seller(seller).forms[checkout_form_id]

    # --- offers ----------------------------------------------------------------------------------------

    def add_offer(
        self,
        external_id: str | None = None,
        *,
        available: int = 1,
        status: str = "ACTIVE",
        name: str | None = None,
        marketplace: str = "allegro-pl",
        offer_id: str | None = None,
        seller: str = DEFAULT_SELLER,
    ) -> str:
        if offer_id is None:
            self._next_offer_id += 1
            offer_id = str(self._next_offer_id)
        self.seller(seller).offers[offer_id] = FakeOffer(
            id=offer_id,
            name=name or f"Offer {external_id or offer_id}",
            external_id=external_id,
            available=available,
            status=status,
            marketplace=marketplace,
        )
        return offer_id

    def offer(self, offer_id: str, seller: str = DEFAULT_SELLER) -> FakeOffer:
        self._settle()
        return self.seller(seller).offers[offer_id]

    # --- faults ----------------------------------------------------------------------------------------

    def fail(self, status: int = 503, *, times: int | None = 1, path: str | None = None) -> None:
        """Answer ``status`` to the next ``times`` requests (None: until cleared) under ``path``."""
        self._faults.append(_Fault("status", path, times, status=status))

    def garbage(self, *, times: int | None = 1, path: str | None = None) -> None:
        """Answer 200 with a body that is not JSON."""
        self._faults.append(_Fault("garbage", path, times))

    def slow(self, seconds: float, *, times: int | None = 1, path: str | None = None) -> None:
        """Wait ``seconds`` before answering (then answer normally)."""
        self._faults.append(_Fault("slow", path, times, seconds=seconds))

    def rate_limit(self, seconds: float) -> None:
        """Block the API for ``seconds``; each request during the block gets 429 and restarts it."""
        self._block_seconds = seconds
        self._blocked_until = time.monotonic() + seconds

    def clear_faults(self) -> None:
        self._faults.clear()
        self._blocked_until = 0.0

    # --- middleware ------------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            query=tuple(request.query.items()),
            at=time.monotonic(),
        )
        self.requests.append(record)
        request[RECORD] = record
        response = await self._answer(request, handler, record)
        response.headers["trace-id"] = secrets.token_hex(8)
        record.status = response.status
        return response

    async def _answer(
        self, request: web.Request, handler: Handler, record: RecordedRequest
    ) -> web.StreamResponse:
        is_api = not request.path.startswith("/auth/")
        if is_api and time.monotonic() < self._blocked_until:
            self._blocked_until = time.monotonic() + self._block_seconds
            return _errors(429, "TooManyRequestsException", "Too many requests")
        for fault in list(self._faults):
            if not fault.matches(request.path):
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
            if fault.kind == "slow":
                await asyncio.sleep(fault.seconds)
            elif fault.kind == "garbage":
                return web.Response(status=200, text="<html>upstream hiccup</html>", content_type="text/html")
            else:
                return _errors(fault.status, "InternalServerErrorException", "Injected failure")
        if not is_api:
            return await handler(request)
        return await self._api(request, handler, record)

    async def _api(
        self, request: web.Request, handler: Handler, record: RecordedRequest
    ) -> web.StreamResponse:
        authorization = request.headers.get("Authorization", "")
        if not authorization.startswith("Bearer "):
            return _auth_error(401, "unauthorized", "Full authentication is required to access this resource")
        record.bearer = token = authorization.removeprefix("Bearer ")
        if self.reject_all_tokens or not self.is_access_token_valid(token):
            return _auth_error(401, "invalid_token", f"Access token expired: {token}")
        if VENDOR_JSON not in request.headers.get("Accept", ""):
            self._violation("request", request, "Accept is not " + VENDOR_JSON)
            return _errors(
                406,
                "NotAcceptableException",
                "Not acceptable representation requested. Please check 'Accept' request header",
            )
        resource = request.match_info.route.resource
        template = resource.canonical if resource is not None else None
        if template not in CONTRACT_PATHS:
            self._violation("request", request, "no such operation in the contract")
            return _errors(404, "NotFoundException", "Resource not found")
        body = await request.read()
        openapi_request = AIOHTTPOpenAPIWebRequest(request, body=body or None)
        try:
            self.contract.openapi.validate_request(openapi_request)
        except OpenAPIError as exc:
            detail = _describe(exc)
            self._violation("request", request, detail)
            declared = self.contract.declared_statuses(template, request.method)
            return _errors(422 if "422" in declared else 400, "ConstraintViolationException", detail)
        request[SELLER] = self.seller(self._access[token].seller)
        self._settle()
        response = await handler(request)
        self._check_response(request, openapi_request, response)
        return response

    def _check_response(
        self, request: web.Request, openapi_request: AIOHTTPOpenAPIWebRequest, response: web.StreamResponse
    ) -> None:
        assert isinstance(response, web.Response)
        body = response.body if isinstance(response.body, bytes) else b""
        data = json.dumps(_sample(json.loads(body))).encode() if body else b""
        headers = {key: value for key, value in response.headers.items() if key != "Content-Type"}
        mock = MockResponse(data, status_code=response.status, content_type=VENDOR_JSON, headers=headers)
        try:
            self.contract.openapi.validate_response(openapi_request, mock)
        except OpenAPIError as exc:
            self._violation("response", request, _describe(exc))

    def _violation(self, direction: str, request: web.Request, detail: str) -> None:
        self.contract_violations.append(ContractViolation(direction, request.method, request.path, detail))

    def _settle(self) -> None:
        """Carry out the quantity commands whose processing time has come."""
        now = time.monotonic()
        for state in self._sellers.values():
            for command in state.commands.values():
                if command.completed_at is None and command.ready_at <= now:
                    self._run_command(state, command)

    def _run_command(self, state: FakeSeller, command: FakeCommand) -> None:
        for task in command.tasks:
            offer_id = task["offer"]["id"]
            offer = state.offers.get(offer_id)
            new = (
                None
                if offer is None
                else (command.value if command.change_type == "FIXED" else offer.available + command.value)
            )
            if offer_id in self.quantity_failures:
                problem = self.quantity_failures[offer_id]
            elif offer is None or new is None:
                problem = "The offer does not exist."
            elif new < 0:
                problem = "The quantity cannot be negative."
            else:
                offer.available = new
                task["status"] = "SUCCESS"
                continue
            task["status"] = "FAIL"
            task["message"] = problem
            task["errors"] = [
                {
                    "code": "QuantityChangeFailed",
                    "message": problem,
                    "details": None,
                    "path": None,
                    "userMessage": problem,
                    "metadata": {},
                }
            ]
        command.completed_at = _now_iso()

    # --- OAuth host ------------------------------------------------------------------------------------

    def _client_ok(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return header == f"Basic {expected}"

    async def _form(self, request: web.Request) -> dict[str, str]:
        form = dict(request.query)
        form.update({key: str(value) for key, value in (await request.post()).items()})
        return form

    async def _device(self, request: web.Request) -> web.Response:
        if not self._client_ok(request):
            return _auth_error(401, "unauthorized", "Bad credentials")
        form = await self._form(request)
        if form.get("client_id") != self.client_id:
            return _auth_error(400, "invalid_client", "Unknown client id")
        device_code, user_code = secrets.token_urlsafe(24), secrets.token_hex(5)[:9]
        self._devices[device_code] = _DeviceCode(
            seller=self.device_seller,
            steps=list(self.device_steps),
            expires_at=time.monotonic() + self.device_expires_in,
        )
        verification = f"{self.url}/skojarz-aplikacje"
        return web.json_response(
            {
                "user_code": user_code,
                "device_code": device_code,
                "expires_in": self.device_expires_in,
                "interval": self.device_interval,
                "verification_uri": verification,
                "verification_uri_complete": f"{verification}?code={user_code}",
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        if not self._client_ok(request):
            return _auth_error(401, "unauthorized", "Bad credentials")
        form = await self._form(request)
        request[RECORD].grant_type = grant = form.get("grant_type")
        if grant == DEVICE_CODE_GRANT:
            return self._device_token(form.get("device_code", ""))
        if grant == "refresh_token":
            return self._refresh_token(form.get("refresh_token", ""))
        return _auth_error(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")

    def _device_token(self, code: str) -> web.Response:
        device = self._devices.get(code)
        if device is None or device.consumed or device.expires_at <= time.monotonic():
            return _auth_error(400, "Invalid device code", "Invalid device code")
        step = device.steps.pop(0) if len(device.steps) > 1 else device.steps[0]
        if step in ("pending", "slow_down"):
            error = "authorization_pending" if step == "pending" else "slow_down"
            return _auth_error(400, error, error)
        device.consumed = True
        if step == "deny":
            return _auth_error(400, "access_denied", "User denied access")
        if step == "expire":
            return _auth_error(400, "Invalid device code", "Invalid device code")
        return web.json_response(self._issue(device.seller))

    def _refresh_token(self, token: str) -> web.Response:
        info = self._refresh.get(token)
        now = time.monotonic()
        if (
            info is None
            or info.dead
            or (info.first_used_at is not None and now - info.first_used_at > self.refresh_grace)
        ):
            return _auth_error(400, "invalid_grant", "Invalid refresh token")
        if info.first_used_at is None:
            info.first_used_at = now
        for access in self._access.values():
            if access.seller == info.seller:
                access.revoked = True
        return web.json_response(self._issue(info.seller))

    # --- API: account and orders -----------------------------------------------------------------------

    async def _me(self, request: web.Request) -> web.Response:
        state = request[SELLER]
        return _vendor({"id": state.id, "login": state.login, "baseMarketplace": {"id": "allegro-pl"}})

    async def _event_stats(self, request: web.Request) -> web.Response:
        state = request[SELLER]
        if not state.events:
            return _vendor({})
        latest = state.events[-1]
        return _vendor({"latestEvent": {"id": latest["id"], "occurredAt": latest["occurredAt"]}})

    async def _events(self, request: web.Request) -> web.Response:
        state = request[SELLER]
        limit = _int_param(request, "limit", 100)
        after = request.query.get("from")
        if after is not None and not after.isdigit():
            return _errors(422, "ConstraintViolationException", "Invalid event id", path="from")
        start = bisect.bisect_right(state.event_ids, int(after)) if after is not None else 0
        types = set(request.query.getall("type", []))
        page: list[dict[str, Any]] = []
        for event in state.events[start:]:
            if len(page) == limit:
                break
            if not types or event["type"] in types:
                page.append(event)
        return _vendor({"events": page})

    async def _checkout_form(self, request: web.Request) -> web.Response:
        state = request[SELLER]
        form = state.forms.get(request.match_info["id"])
        if form is None:
            return _errors(404, "NotFoundException", "Checkout form not found")
        return _vendor(form)

    # --- API: offers -----------------------------------------------------------------------------------

    async def _offers(self, request: web.Request) -> web.Response:
        state = request[SELLER]
        query = request.query
        offer_ids = set(query.getall("offer.id", []))
        external_ids = set(query.getall("external.id", []))
        statuses = set(query.getall("publication.status", []))
        marketplace = query.get("publication.marketplace")
        name = query.get("name", "").lower()
        offers = [
            offer
            for offer in state.offers.values()
            if (not offer_ids or offer.id in offer_ids)
            and (not external_ids or offer.external_id in external_ids)
            and (not statuses or offer.status in statuses)
            and (marketplace is None or offer.marketplace == marketplace)
            and name in offer.name.lower()
        ]
        sort = query.get("sort")
        if sort:
            field_name = sort.lstrip("-")
            keys: dict[str, Callable[[FakeOffer], Any]] = {
                "sellingMode.price.amount": lambda offer: float(offer.price),
                "stock.sold": lambda offer: offer.sold,
                "stock.available": lambda offer: offer.available,
            }
            offers.sort(key=keys[field_name], reverse=sort.startswith("-"))
        limit, offset = _int_param(request, "limit", 20), _int_param(request, "offset", 0)
        page = offers[offset : offset + limit]
        return _vendor(
            {"offers": [offer.listing() for offer in page], "count": len(page), "totalCount": len(offers)}
        )

    async def _get_product_offer(self, request: web.Request) -> web.Response:
        state = request[SELLER]
        offer = state.offers.get(request.match_info["offerId"])
        if offer is None:
            return _errors(404, "NotFoundException", "Offer not found")
        return _vendor(offer.product())

    async def _patch_product_offer(self, request: web.Request) -> web.Response:
        state = request[SELLER]
        offer = state.offers.get(request.match_info["offerId"])
        if offer is None:
            return _errors(404, "NotFoundException", "Offer not found")
        if self.patch_conflicts.get(offer.id, 0) > 0:
            self.patch_conflicts[offer.id] -= 1
            return _errors(
                409, "OperationInProgressException", "A previous edit of this offer is in progress"
            )
        body = json.loads(await request.read())
        requested = body.get("stock", {}).get("available")
        status = body.get("publication", {}).get("status")
        if requested is None and status is None:
            return _vendor(offer.product())
        available = offer.available if requested is None else requested
        if status == "ACTIVE" and available == 0:
            return _errors(422, "ConstraintViolationException", "An offer without stock cannot be activated")
        if not self.patch_async:
            _edit_offer(offer, available, status)
            return _vendor(offer.product())
        operation = FakeOperation(
            id=str(uuid.uuid4()),
            offer_id=offer.id,
            available=available,
            polls_left=self.operation_polls,
            started_at=_now_iso(),
            status=status,
        )
        state.operations[operation.id] = operation
        location = f"{self.url}/sale/product-offers/{offer.id}/operations/{operation.id}"
        headers = {"Location": location, "Retry-After": str(self.operation_retry_after)}
        return _vendor(offer.product(), status=202, headers=headers)

    async def _operation(self, request: web.Request) -> web.Response:
        state = request[SELLER]
        operation = state.operations.get(request.match_info["operationId"])
        if operation is None or operation.offer_id != request.match_info["offerId"]:
            return web.Response(status=404)
        if operation.polls_left > 0:
            operation.polls_left -= 1
            body = {
                "offer": {"id": operation.offer_id},
                "operation": {"id": operation.id, "status": "IN_PROGRESS", "startedAt": operation.started_at},
            }
            return _vendor(body, status=202, headers={"Retry-After": str(self.operation_retry_after)})
        if not operation.done:
            operation.done = True
            _edit_offer(state.offers[operation.offer_id], operation.available, operation.status)
        return web.Response(
            status=303, headers={"Location": f"{self.url}/sale/product-offers/{operation.offer_id}"}
        )

    # --- API: batch quantity commands ------------------------------------------------------------------

    async def _put_command(self, request: web.Request) -> web.Response:
        state = request[SELLER]
        command_id = request.match_info["commandId"]
        try:
            uuid.UUID(command_id)
        except ValueError:
            return _errors(422, "ConstraintViolationException", "Command id must be a UUID", path="commandId")
        if any(command_id in other.commands for other in self._sellers.values()):
            return _errors(409, "CommandIdAlreadyUsedException", "Command id was already used")
        body = json.loads(await request.read())
        modification = body.get("modification") or {}
        change_type, value = modification.get("changeType"), modification.get("value")
        offer_ids = [
            offer["id"]
            for criterion in body.get("offerCriteria") or []
            if criterion.get("type") == "CONTAINS_OFFERS"
            for offer in criterion.get("offers") or []
        ]
        if change_type not in ("FIXED", "GAIN") or not isinstance(value, int):
            return _errors(
                422, "ConstraintViolationException", "modification is invalid", path="modification"
            )
        if change_type == "FIXED" and value <= 0:
            return _errors(
                422,
                "ConstraintViolationException",
                "Quantity must be greater than 0",
                path="modification.value",
            )
        if not 1 <= len(offer_ids) <= 1000:
            return _errors(
                422, "ConstraintViolationException", "Provide from 1 to 1000 offers", path="offerCriteria"
            )
        command = FakeCommand(
            id=command_id,
            change_type=change_type,
            value=value,
            offer_ids=offer_ids,
            created_at=_now_iso(),
            ready_at=time.monotonic() + self.command_delay,
            tasks=[
                {"offer": {"id": offer_id}, "field": "quantity", "status": "NEW", "message": "", "errors": []}
                for offer_id in offer_ids
            ],
        )
        state.commands[command_id] = command
        return _vendor(
            {
                "id": command_id,
                "createdAt": command.created_at,
                "completedAt": None,
                "taskCount": {"total": 0, "success": 0, "failed": 0},
            },
            status=201,
        )

    async def _get_command(self, request: web.Request) -> web.Response:
        command = request[SELLER].commands.get(request.match_info["commandId"])
        if command is None:
            return web.Response(status=404)
        return _vendor(command.report())

    async def _get_tasks(self, request: web.Request) -> web.Response:
        command = request[SELLER].commands.get(request.match_info["commandId"])
        if command is None:
            return web.Response(status=404)
        limit, offset = _int_param(request, "limit", 100), _int_param(request, "offset", 0)
        return _vendor({"tasks": command.tasks[offset : offset + limit]})


def _edit_offer(offer: FakeOffer, available: int, status: str | None) -> None:
    offer.available = available
    if status is not None:
        offer.status = status  # e.g. ACTIVE re-lists an ended offer (its stock was checked to be > 0)
    elif available == 0 and offer.status in ("ACTIVE", "ACTIVATING"):
        offer.status = "ENDED"  # Allegro ends an active offer whose stock is set to 0


class MemoryTokenStore:
    """A `TokenStore` in memory that records every save (tests assert the order of saves and use)."""

    def __init__(self, pairs: dict[str, TokenPair] | None = None) -> None:
        self.pairs: dict[str, TokenPair] = dict(pairs or {})
        self.saves: list[tuple[str, TokenPair]] = []
        self.on_save: Callable[[str, TokenPair], None] | None = None

    async def load(self, account_key: str) -> TokenPair | None:
        return self.pairs.get(account_key)

    async def save(self, account_key: str, tokens: TokenPair) -> None:
        if self.on_save is not None:
            self.on_save(account_key, tokens)
        self.pairs[account_key] = tokens
        self.saves.append((account_key, tokens))
