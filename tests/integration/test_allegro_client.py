"""The Allegro client against the fake Allegro over real sockets."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr

from integrations.allegro import (
    AllegroAuthError,
    AllegroBadRequest,
    AllegroClient,
    AllegroConflict,
    AllegroError,
    AllegroInvalidGrant,
    AllegroNotFound,
    AllegroOAuth,
    AllegroProtocolError,
    AllegroRateLimited,
    AllegroServerError,
    AllegroTimeout,
    DeviceFlowDenied,
    DeviceFlowExpired,
    DevicePoll,
    RateLimitGate,
    RetryPolicy,
    TokenManager,
    TokenPair,
    resolve_hosts,
)
from integrations.allegro.client import VENDOR_JSON
from integrations.allegro.models import QuantityChangeType, TaskStatus
from tests.fakes.allegro import DEFAULT_SELLER, FakeAllegro, MemoryTokenStore, load_contract

ACCOUNT = "main"
FAST = RetryPolicy(
    attempts=3,
    base_delay=0.01,
    max_delay=0.05,
    rate_limit_backoff=0.2,
    rate_limit_attempts=3,
    conflict_attempts=3,
    conflict_delay=0.01,
    operation_timeout=2.0,
)


@dataclass
class Allegro:
    fake: FakeAllegro
    http: httpx.AsyncClient
    oauth: AllegroOAuth
    store: MemoryTokenStore
    tokens: TokenManager
    client: AllegroClient

    def new_client(self, *, policy: RetryPolicy = FAST, gate: RateLimitGate | None = None) -> AllegroClient:
        return AllegroClient(self.http, self.tokens, ACCOUNT, api_url=self.fake.url, policy=policy, gate=gate)


@pytest.fixture
async def fake() -> AsyncIterator[FakeAllegro]:
    async with FakeAllegro() as server:
        yield server
        assert server.contract_violations == []


@pytest.fixture
async def allegro(fake: FakeAllegro) -> AsyncIterator[Allegro]:
    hosts = resolve_hosts(api_url=fake.url, auth_url=fake.url)
    async with httpx.AsyncClient(timeout=5.0) as http:
        oauth = AllegroOAuth(
            http,
            client_id=fake.client_id,
            client_secret=SecretStr(fake.client_secret),
            auth_url=hosts.auth_url,
            policy=FAST,
        )
        store = MemoryTokenStore({ACCOUNT: fake.grant()})
        tokens = TokenManager(oauth, store)
        client = AllegroClient(http, tokens, ACCOUNT, api_url=hosts.api_url, policy=FAST)
        yield Allegro(fake, http, oauth, store, tokens, client)


async def wait_until(condition: Callable[[], bool], within: float = 2.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


def line(offer_id: str, sku: str | None, quantity: int = 1) -> tuple[str, str, str | None, int]:
    return (str(uuid.uuid4()), offer_id, sku, quantity)


# --- contract and plumbing ------------------------------------------------------------------------------


def test_contract_is_loaded_once_and_quickly() -> None:
    contract = load_contract()
    assert load_contract() is contract
    assert contract.load_seconds < 5
    assert "/order/events" in contract.spec["paths"]


async def test_get_me_sends_the_vendor_media_type(allegro: Allegro) -> None:
    me = await allegro.client.get_me()

    assert (me.id, me.login) == (DEFAULT_SELLER, f"seller-{DEFAULT_SELLER}")
    assert allegro.fake.count("/me", status=200) == 1


async def test_fake_refuses_requests_that_break_the_contract(allegro: Allegro) -> None:
    fake = allegro.fake
    token = (await allegro.store.load(ACCOUNT)).access_token.get_secret_value()  # type: ignore[union-attr]
    bearer = {"Authorization": f"Bearer {token}"}

    wrong_accept = await allegro.http.get(f"{fake.url}/me", headers={**bearer, "Accept": "application/json"})
    too_many_skus = await allegro.http.get(
        f"{fake.url}/sale/offers",
        params=[("external.id", f"SKU-{i}") for i in range(101)],
        headers={**bearer, "Accept": VENDOR_JSON},
    )
    no_token = await allegro.http.get(f"{fake.url}/me", headers={"Accept": VENDOR_JSON})

    assert wrong_accept.status_code == 406
    assert wrong_accept.json()["errors"][0]["code"] == "NotAcceptableException"
    assert too_many_skus.status_code == 400
    assert no_token.status_code == 401 and no_token.json()["error"] == "unauthorized"
    assert all(response.headers.get("trace-id") for response in (wrong_accept, too_many_skus, no_token))
    assert [violation.path for violation in fake.contract_violations] == ["/me", "/sale/offers"]
    fake.contract_violations.clear()


# --- device flow ----------------------------------------------------------------------------------------


async def test_device_flow_keeps_polling_until_approved(allegro: Allegro) -> None:
    allegro.fake.device_steps = ["pending", "pending", "approve"]
    waits: list[tuple[DevicePoll, float]] = []

    async def on_wait(reason: DevicePoll, interval: float) -> None:
        waits.append((reason, interval))

    device = await allegro.oauth.start_device_flow(scope=["allegro:api:orders:read"])
    pair = await allegro.oauth.poll_device_flow(
        device.device_code, interval=0.01, expires_in=device.expires_in, on_wait=on_wait
    )
    await allegro.tokens.connect("second", pair)
    second = AllegroClient(allegro.http, allegro.tokens, "second", api_url=allegro.fake.url, policy=FAST)

    assert device.verification_uri_complete and device.user_code in device.verification_uri_complete
    assert device.formatted_user_code.replace(" ", "") == device.user_code
    assert waits == [(DevicePoll.PENDING, 0.01), (DevicePoll.PENDING, 0.01)]
    assert allegro.fake.count("/auth/oauth/token") == 3
    assert (await second.get_me()).id == DEFAULT_SELLER


async def test_device_flow_slow_down_doubles_the_interval(allegro: Allegro) -> None:
    allegro.fake.device_steps = ["slow_down", "approve"]
    device = await allegro.oauth.start_device_flow()

    await allegro.oauth.poll_device_flow(device.device_code, interval=0.05, expires_in=10)

    polls = allegro.fake.requests_to("/auth/oauth/token")
    assert len(polls) == 2
    assert polls[1].at - polls[0].at >= 0.1


@pytest.mark.parametrize(
    ("step", "error"), [("deny", DeviceFlowDenied), ("expire", DeviceFlowExpired)], ids=["denied", "invalid"]
)
async def test_device_flow_stops_when_refused_or_invalid(
    allegro: Allegro, step: str, error: type[AllegroError]
) -> None:
    allegro.fake.device_steps = ["pending", step]
    device = await allegro.oauth.start_device_flow()

    with pytest.raises(error):
        await allegro.oauth.poll_device_flow(device.device_code, interval=0.01, expires_in=10)
    assert allegro.fake.count("/auth/oauth/token") == 2


async def test_device_flow_gives_up_when_the_code_expires(allegro: Allegro) -> None:
    allegro.fake.device_steps = ["pending"]
    device = await allegro.oauth.start_device_flow()

    with pytest.raises(DeviceFlowExpired):
        await allegro.oauth.poll_device_flow(device.device_code, interval=0.03, expires_in=0.2)
    assert 1 <= allegro.fake.count("/auth/oauth/token") <= 6


async def test_wrong_client_secret_is_an_auth_error(allegro: Allegro) -> None:
    oauth = AllegroOAuth(
        allegro.http,
        client_id=allegro.fake.client_id,
        client_secret=SecretStr("nope"),
        auth_url=allegro.fake.url,
    )
    with pytest.raises(AllegroAuthError) as caught:
        await oauth.start_device_flow()
    assert caught.value.status == 401


# --- tokens ---------------------------------------------------------------------------------------------


async def test_refreshes_before_expiry_and_persists_before_use(allegro: Allegro) -> None:
    fake, store = allegro.fake, allegro.store
    old = store.pairs[ACCOUNT]
    store.pairs[ACCOUNT] = old.model_copy(update={"expires_at": datetime.now(UTC) + timedelta(minutes=1)})
    used_before_saved: list[bool] = []
    store.on_save = lambda _key, pair: used_before_saved.append(
        any(request.bearer == pair.access_token.get_secret_value() for request in fake.requests)
    )

    await allegro.client.get_me()

    assert used_before_saved == [False]
    new = store.pairs[ACCOUNT]
    assert new.refresh_token.get_secret_value() != old.refresh_token.get_secret_value()
    assert fake.requests_to("/me")[0].bearer == new.access_token.get_secret_value()
    assert fake.count("/auth/oauth/token") == 1


async def test_rotation_uses_each_new_refresh_token(allegro: Allegro) -> None:
    fake = allegro.fake
    fake.refresh_grace = 0.0  # an old refresh token is dead right after its first use
    first = allegro.store.pairs[ACCOUNT]

    for _ in range(3):
        fake.expire_access_tokens()
        await allegro.client.get_me()

    assert len(allegro.store.saves) == 3
    refresh_tokens = {pair.refresh_token.get_secret_value() for _, pair in allegro.store.saves}
    assert len(refresh_tokens) == 3
    with pytest.raises(AllegroInvalidGrant):
        await allegro.oauth.refresh(first.refresh_token)


async def test_concurrent_calls_share_one_refresh_after_401(allegro: Allegro) -> None:
    fake = allegro.fake
    await allegro.client.get_me()  # warm the token cache
    fake.expire_access_tokens()

    results = await asyncio.gather(*(allegro.client.get_me() for _ in range(10)))

    assert len(results) == 10
    assert fake.count("/auth/oauth/token") == 1
    assert fake.count("/me", status=401) == 10
    assert fake.count("/me", status=200) == 11


async def test_concurrent_calls_share_one_refresh_before_expiry(allegro: Allegro) -> None:
    store = allegro.store
    soon = datetime.now(UTC) + timedelta(seconds=30)
    store.pairs[ACCOUNT] = store.pairs[ACCOUNT].model_copy(update={"expires_at": soon})

    await asyncio.gather(*(allegro.client.get_me() for _ in range(10)))

    assert allegro.fake.count("/auth/oauth/token") == 1
    assert len(store.saves) == 1
    assert allegro.fake.count("/me") == 10


async def test_second_401_after_refresh_is_an_auth_error(allegro: Allegro) -> None:
    allegro.fake.reject_all_tokens = True

    with pytest.raises(AllegroAuthError) as caught:
        await allegro.client.get_me()

    assert caught.value.status == 401
    assert caught.value.codes == ("invalid_token",)
    assert allegro.fake.count("/me") == 2
    assert allegro.fake.count("/auth/oauth/token") == 1


async def test_dead_refresh_token_means_reconnect(allegro: Allegro) -> None:
    allegro.fake.kill_refresh_tokens()
    allegro.fake.expire_access_tokens()

    with pytest.raises(AllegroInvalidGrant) as caught:
        await allegro.client.get_me()

    assert caught.value.codes == ("invalid_grant",)
    assert allegro.store.saves == []


async def test_account_without_tokens_means_reconnect(allegro: Allegro) -> None:
    client = AllegroClient(allegro.http, allegro.tokens, "unknown", api_url=allegro.fake.url, policy=FAST)
    with pytest.raises(AllegroInvalidGrant):
        await client.get_me()
    assert allegro.fake.requests == []


# --- retries and rate limits ----------------------------------------------------------------------------


async def test_429_pauses_every_call_of_the_client(allegro: Allegro) -> None:
    fake = allegro.fake
    fake.rate_limit(0.15)

    await asyncio.gather(*(allegro.client.get_me() for _ in range(5)))

    # A call that leaves after the first 429 came back waits at the gate instead of hitting the block,
    # so how many of the five saw a 429 depends on scheduling; none may succeed before the pause ends.
    assert 1 <= fake.count("/me", status=429) <= 5
    assert fake.count("/me", status=200) == 5
    last_429 = max(request.at for request in fake.requests_to("/me", status=429))
    assert min(request.at for request in fake.requests_to("/me", status=200)) >= last_429 + 0.19


async def test_no_request_leaves_during_a_block(allegro: Allegro) -> None:
    fake = allegro.fake
    fake.rate_limit(0.1)
    first = asyncio.create_task(allegro.client.get_me())
    await wait_until(lambda: fake.count("/me", status=429) > 0)
    blocked_at = fake.requests_to("/me", status=429)[0].at

    await allegro.client.get_order_events_statistics()  # starts while the client is blocked
    await first

    assert fake.count(status=429) == 1
    assert all(request.at >= blocked_at + 0.19 for request in fake.requests if request.status == 200)


async def test_persistent_429_gives_up(allegro: Allegro) -> None:
    allegro.fake.rate_limit(30)

    with pytest.raises(AllegroRateLimited) as caught:
        await allegro.client.get_me()

    assert caught.value.status == 429
    assert allegro.fake.count("/me") == FAST.rate_limit_attempts


async def test_5xx_is_retried(allegro: Allegro) -> None:
    allegro.fake.fail(503, times=2)

    await allegro.client.get_me()

    assert [request.status for request in allegro.fake.requests] == [503, 503, 200]


async def test_persistent_5xx_gives_up(allegro: Allegro) -> None:
    allegro.fake.fail(500, times=None, path="/order/event-stats")

    with pytest.raises(AllegroServerError) as caught:
        await allegro.client.get_order_events_statistics()

    assert caught.value.status == 500
    assert caught.value.trace_id
    assert caught.value.path == "/order/event-stats"
    assert allegro.fake.count("/order/event-stats") == FAST.attempts


async def test_bodies_and_token_requests_are_resent_after_5xx(allegro: Allegro) -> None:
    fake = allegro.fake
    offer_id = fake.add_offer("SKU-1", available=1)
    fake.fail(502, times=1, path=f"/sale/product-offers/{offer_id}")
    fake.fail(503, times=1, path="/auth/oauth/token")
    fake.expire_access_tokens()

    offer = await allegro.client.patch_offer_stock(offer_id, 9)

    assert offer.stock is not None and offer.stock.available == 9
    assert [(request.method, request.status) for request in fake.requests] == [
        ("PATCH", 502),
        ("PATCH", 401),
        ("POST", 503),
        ("POST", 200),
        ("PATCH", 200),
    ]
    assert fake.requests[3].grant_type == "refresh_token"


async def test_timeout_is_retried(allegro: Allegro) -> None:
    allegro.fake.slow(1.0, times=1)
    async with httpx.AsyncClient(timeout=0.3) as impatient:
        client = AllegroClient(impatient, allegro.tokens, ACCOUNT, api_url=allegro.fake.url, policy=FAST)
        assert (await client.get_me()).id == DEFAULT_SELLER
    assert allegro.fake.count("/me") == 2


async def test_garbage_body_is_a_protocol_error(allegro: Allegro) -> None:
    allegro.fake.garbage(path="/order/events")

    with pytest.raises(AllegroProtocolError) as caught:
        await allegro.client.get_order_events()

    assert "not JSON" in str(caught.value)
    assert allegro.fake.count("/order/events") == 1


# --- orders ---------------------------------------------------------------------------------------------


async def test_order_events_page_through_ten_thousand_events(allegro: Allegro) -> None:
    fake = allegro.fake
    for i in range(10_000):
        fake.add_order_event("READY_FOR_PROCESSING", line_items=[line("7001", f"SKU-{i % 50}")])

    pages = [page async for page in allegro.client.iter_order_events()]

    assert [len(page) for page in pages] == [1000] * 10
    ids = [int(event.id) for page in pages for event in page]
    assert ids == sorted(ids) and len(set(ids)) == 10_000
    assert fake.count("/order/events") == 11
    assert [request.params("from") for request in fake.requests_to("/order/events")][1] == [str(ids[999])]
    stats = await allegro.client.get_order_events_statistics()
    assert stats.latest_event is not None and stats.latest_event.id == str(ids[-1])
    assert (await allegro.client.get_order_events(stats.latest_event.id)).events == []


async def test_order_events_carry_line_items_and_filter_by_type(allegro: Allegro) -> None:
    fake = allegro.fake
    assert (await allegro.client.get_order_events_statistics()).latest_event is None
    form_id = str(uuid.uuid4())
    bought = fake.add_order_event("BOUGHT", form_id, [line("7001", "SKU-1", 2), line("7002", None)])
    fake.add_order_event("READY_FOR_PROCESSING", form_id)

    events = (await allegro.client.get_order_events(types=["READY_FOR_PROCESSING"], limit=10)).events
    after = (await allegro.client.get_order_events(bought)).events

    assert [event.type for event in events] == ["READY_FOR_PROCESSING"]
    items = events[0].order.line_items
    assert [(item.offer.external_id, item.quantity) for item in items] == [("SKU-1", 2), (None, 1)]
    assert events[0].order.checkout_form is not None and events[0].order.checkout_form.id == form_id
    assert [event.id for event in after] == [events[0].id]
    with pytest.raises(ValueError):
        await allegro.client.get_order_events(limit=1001)


async def test_checkout_form(allegro: Allegro) -> None:
    fake = allegro.fake
    form_id = str(uuid.uuid4())
    fake.add_order_event("BOUGHT", form_id, [line("7001", "SKU-1", 3)])
    fake.add_order_event("BUYER_CANCELLED", form_id)

    form = await allegro.client.get_checkout_form(form_id)
    with pytest.raises(AllegroNotFound):
        await allegro.client.get_checkout_form(str(uuid.uuid4()))
    with pytest.raises(AllegroBadRequest) as malformed:
        await allegro.client.get_checkout_form("not-a-uuid")

    assert form.status == "CANCELLED"
    assert form.revision == fake.checkout_form(form_id)["revision"]
    assert [(item.offer.external_id, item.quantity) for item in form.line_items] == [("SKU-1", 3)]
    assert malformed.value.status == 422
    assert [violation.path for violation in fake.contract_violations] == ["/order/checkout-forms/not-a-uuid"]
    fake.contract_violations.clear()


# --- offers ---------------------------------------------------------------------------------------------


async def test_offers_by_250_external_ids_take_three_requests(allegro: Allegro) -> None:
    fake = allegro.fake
    skus = [f"SKU-{i:03d}" for i in range(250)]
    for sku in skus:
        fake.add_offer(sku)
    twin = fake.add_offer("SKU-007", status="ENDED")
    fake.add_offer("NOT-ASKED")

    found = await allegro.client.find_offers_by_external_ids([*skus, "SKU-MISSING", "SKU-001"])

    assert set(found) == set(skus)
    assert twin in {offer.id for offer in found["SKU-007"]}
    assert fake.count("/sale/offers") == 3
    assert [len(request.params("external.id")) for request in fake.requests_to("/sale/offers")] == [
        100,
        100,
        51,
    ]
    with pytest.raises(ValueError):
        await allegro.client.get_offers(external_ids=[f"S{i}" for i in range(101)])
    with pytest.raises(ValueError):
        await allegro.client.get_offers(external_ids=["x" * 101])
    assert fake.count("/sale/offers") == 3


async def test_offer_search_filters_sorts_and_pages(allegro: Allegro) -> None:
    fake = allegro.fake
    for available in (5, 1, 9, 3):
        fake.add_offer(f"SKU-{available}", available=available)
    fake.add_offer("SKU-ENDED", available=0, status="ENDED")
    fake.add_offer("SKU-CZ", available=4, marketplace="allegro-cz")

    active = [
        offer.stock.available if offer.stock else None
        async for offer in allegro.client.iter_offers(
            publication_status=["ACTIVE"], marketplace="allegro-pl", sort="-stock.available", page_size=3
        )
    ]
    first_page = await allegro.client.get_offers(limit=2)

    assert active == [9, 5, 3, 1]
    assert fake.count("/sale/offers") == 3
    assert (first_page.count, first_page.total_count) == (2, 6)
    with pytest.raises(ValueError):
        await allegro.client.get_offers(sort="name")


async def test_patch_offer_stock_sync_and_zero_ends_the_offer(allegro: Allegro) -> None:
    fake = allegro.fake
    offer_id = fake.add_offer("SKU-1", available=5)

    changed = await allegro.client.patch_offer_stock(offer_id, 7)
    ended = await allegro.client.patch_offer_stock(offer_id, 0)

    assert changed.stock is not None and changed.stock.available == 7
    assert ended.publication is not None and ended.publication.status == "ENDED"
    assert fake.offer(offer_id).status == "ENDED"


async def test_patch_offer_stock_follows_an_accepted_operation(allegro: Allegro) -> None:
    fake = allegro.fake
    offer_id = fake.add_offer("SKU-1", available=5)
    fake.patch_async, fake.operation_polls = True, 2

    offer = await allegro.client.patch_offer_stock(offer_id, 8)

    assert offer.stock is not None and offer.stock.available == 8
    operation_statuses = [
        request.status for request in fake.requests_to(f"/sale/product-offers/{offer_id}/operations")
    ]
    assert operation_statuses == [202, 202, 303]
    assert [request.method for request in fake.requests] == ["PATCH", "GET", "GET", "GET", "GET"]


async def test_patch_offer_stock_gives_up_on_an_endless_operation(allegro: Allegro) -> None:
    fake = allegro.fake
    offer_id = fake.add_offer("SKU-1")
    fake.patch_async, fake.operation_polls = True, 10_000
    client = allegro.new_client(policy=RetryPolicy(base_delay=0.02, operation_timeout=0.15))

    with pytest.raises(AllegroTimeout):
        await client.patch_offer_stock(offer_id, 2)
    assert fake.count(f"/sale/product-offers/{offer_id}/operations") <= 8


async def test_patch_offer_stock_waits_out_a_busy_offer(allegro: Allegro) -> None:
    fake = allegro.fake
    offer_id = fake.add_offer("SKU-1")
    fake.patch_conflicts[offer_id] = 2

    offer = await allegro.client.patch_offer_stock(offer_id, 4)

    assert offer.stock is not None and offer.stock.available == 4
    assert [request.status for request in fake.requests] == [409, 409, 200]

    fake.patch_conflicts[offer_id] = 10
    with pytest.raises(AllegroConflict) as caught:
        await allegro.client.patch_offer_stock(offer_id, 5)
    assert caught.value.codes == ("OperationInProgressException",)
    assert fake.count(f"/sale/product-offers/{offer_id}", method="PATCH") == 3 + FAST.conflict_attempts


# --- batch quantity commands ----------------------------------------------------------------------------


async def test_quantity_command_reports_failed_offers(allegro: Allegro) -> None:
    fake = allegro.fake
    good = fake.add_offer("SKU-1", available=1)
    refused = fake.add_offer("SKU-2", available=1)
    fake.quantity_failures[refused] = "Offer is locked"
    fake.command_delay = 0.05
    command_id = uuid.uuid4()

    registered = await allegro.client.set_quantity_command(command_id, 6, [good, refused, "404404"])
    report = await allegro.client.wait_for_quantity_command(command_id, within=2, interval=0.02)
    tasks = await allegro.client.get_all_quantity_command_tasks(command_id)

    assert registered.id == str(command_id) and not registered.is_complete
    assert (report.task_count.total, report.task_count.success, report.task_count.failed) == (3, 1, 2)
    by_offer = {task.offer.id: task for task in tasks}
    assert by_offer[good].status == TaskStatus.SUCCESS
    assert by_offer[refused].status == TaskStatus.FAIL and by_offer[refused].message == "Offer is locked"
    assert by_offer["404404"].status == TaskStatus.FAIL and by_offer["404404"].errors
    assert fake.offer(good).available == 6
    assert fake.offer(refused).available == 1


async def test_quantity_command_resent_returns_the_registered_one(allegro: Allegro) -> None:
    fake = allegro.fake
    offer_id = fake.add_offer("SKU-1", available=3)
    command_id = uuid.uuid4()
    await allegro.client.set_quantity_command(command_id, 2, [offer_id], change_type=QuantityChangeType.GAIN)

    again = await allegro.client.set_quantity_command(command_id, 2, [offer_id], change_type="GAIN")

    assert again.is_complete and again.task_count.success == 1
    assert fake.offer(offer_id).available == 5
    assert [request.status for request in fake.requests] == [201, 409, 200]


async def test_quantity_command_arguments_are_checked_before_sending(allegro: Allegro) -> None:
    with pytest.raises(ValueError):
        await allegro.client.set_quantity_command(uuid.uuid4(), 0, ["1"])
    with pytest.raises(ValueError):
        await allegro.client.set_quantity_command(uuid.uuid4(), 1, [str(i) for i in range(1001)])
    with pytest.raises(ValueError):
        await allegro.client.set_quantity_command(uuid.uuid4(), 1, [])
    assert allegro.fake.requests == []


async def test_quantity_command_tasks_page(allegro: Allegro) -> None:
    fake = allegro.fake
    offers = [fake.add_offer(f"SKU-{i}") for i in range(5)]
    command_id = uuid.uuid4()
    await allegro.client.set_quantity_command(command_id, 3, offers)

    middle = await allegro.client.get_quantity_command_tasks(command_id, limit=2, offset=2)
    everything = await allegro.client.get_all_quantity_command_tasks(command_id, page_size=2)

    assert [task.offer.id for task in middle.tasks] == offers[2:4]
    assert [task.offer.id for task in everything] == offers
    assert fake.count(f"/sale/offer-quantity-change-commands/{command_id}/tasks") == 4
    with pytest.raises(AllegroNotFound):
        await allegro.client.get_quantity_command(uuid.uuid4())


# --- secrets --------------------------------------------------------------------------------------------


async def test_secrets_never_reach_exceptions_or_logs(
    allegro: Allegro, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake, client, oauth = allegro.fake, allegro.client, allegro.oauth
    failures: list[AllegroError] = []

    async def expect(call: object) -> None:
        with pytest.raises(AllegroError) as caught:
            await call  # type: ignore[misc]
        failures.append(caught.value)

    fake.reject_all_tokens = True
    await expect(client.get_me())  # 401, refresh, 401
    fake.reject_all_tokens = False
    fake.kill_refresh_tokens()
    fake.expire_access_tokens()
    await expect(client.get_me())  # invalid_grant
    await allegro.tokens.connect(ACCOUNT, fake.grant())
    fake.fail(502, times=None)
    await expect(client.get_me())
    fake.clear_faults()
    fake.garbage()
    await expect(client.get_me())
    fake.rate_limit(30)
    await expect(
        allegro.new_client(policy=RetryPolicy(rate_limit_backoff=0.01, rate_limit_attempts=2)).get_me()
    )
    fake.clear_faults()
    await expect(client.get_checkout_form(str(uuid.uuid4())))
    fake.device_steps = ["deny"]
    device = await oauth.start_device_flow()
    await expect(oauth.poll_device_flow(device.device_code, interval=0.01, expires_in=5))
    await expect(oauth.poll_device_flow(device.device_code, interval=0.01, expires_in=5))
    wrong = AllegroOAuth(
        allegro.http, client_id=fake.client_id, client_secret=SecretStr("x" * 20), auth_url=fake.url
    )
    await expect(wrong.refresh(SecretStr("some-refresh-token-value")))
    await expect(oauth.refresh(SecretStr("some-refresh-token-value")))

    basic = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
    secrets = [*fake.issued_secrets(), fake.client_secret, "x" * 20, "some-refresh-token-value", basic]
    texts = [text for failure in failures for text in (str(failure), repr(failure))]
    texts += [record.getMessage() for record in caplog.records]
    assert len(failures) == 10
    assert {type(failure) for failure in failures} >= {
        AllegroAuthError,
        AllegroInvalidGrant,
        AllegroServerError,
        AllegroProtocolError,
        AllegroRateLimited,
        AllegroNotFound,
        DeviceFlowDenied,
        DeviceFlowExpired,
    }
    assert any(record.name == "integrations.allegro" for record in caplog.records)
    for secret in secrets:
        assert not any(secret in text for text in texts), "a secret leaked"
    assert not any("Bearer " in text and "***" not in text for text in texts)


async def test_tokens_do_not_show_in_reprs(allegro: Allegro) -> None:
    pair = allegro.store.pairs[ACCOUNT]
    device = await allegro.oauth.start_device_flow()
    for secret, holder in (
        (pair.access_token.get_secret_value(), pair),
        (pair.refresh_token.get_secret_value(), pair),
        (device.device_code.get_secret_value(), device),
    ):
        assert secret not in repr(holder) and secret not in str(holder)
    assert allegro.fake.client_secret not in repr(allegro.oauth.__dict__)


async def test_token_pair_helpers(fake: FakeAllegro) -> None:
    pair: TokenPair = fake.grant()
    assert not pair.expires_within(timedelta(minutes=5))
    assert pair.expires_within(timedelta(hours=13))
