"""Seller accounts: device-flow connect, reconnect, backfill, headless bootstrap, rotating tokens in the
database, invalid_grant → needs reconnect (other accounts go on), warehouse priority."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import update

from bot.settings import load_settings
from domain.errors import ValidationError
from domain.models import AccountState, AllegroAccount, OperationType
from integrations.allegro.accounts import SellerMismatch, account_view, list_accounts, set_priority
from integrations.allegro.connect import BootstrapOutcome
from integrations.allegro.models import TokenPair
from integrations.allegro.store import DbTokenStore, account_key
from tests.fakes.allegro import DEFAULT_SELLER
from tests.integration.allegro_world import World, allegro, line, world

__all__ = ["allegro", "world"]  # fixtures

OTHER_SELLER = "2002"


def backdate(world: World, event_id: str, days: float) -> None:
    for event in world.fake.seller().events:
        if event["id"] == event_id:
            moment = datetime.now(UTC) - timedelta(days=days)
            event["occurredAt"] = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def test_device_flow_connects_a_seller_that_starts_at_the_newest_event(world: World) -> None:
    await world.product("MUG-1", {world.main: 5})
    old = world.fake.add_order_event("BOUGHT", str(uuid.uuid4()), [line("1", "MUG-1", 1)])
    world.fake.device_steps = ["pending", "slow_down", "approve"]
    waits: list[str] = []

    async def on_wait(reason: object, interval: float) -> None:
        waits.append(str(reason))

    device = await world.channel.connector.start()
    tokens = await world.channel.connector.wait(device, on_wait=on_wait, interval=0.01)
    connected = await world.channel.connector.connect(tokens)

    assert waits == ["authorization_pending", "slow_down"]
    assert (connected.name, connected.login, connected.seller_id, connected.created) == (
        f"seller-{DEFAULT_SELLER}",
        f"seller-{DEFAULT_SELLER}",
        DEFAULT_SELLER,
        True,
    )
    assert await world.tracker(connected.id) == old
    stored = await DbTokenStore(world.db).load(account_key(connected.id))
    assert stored is not None and world.fake.is_access_token_valid(stored.access_token.get_secret_value())

    await world.channel.pull_orders(connected.id)
    assert await world.operations(OperationType.RESERVE) == []  # the old sale is not replayed
    world.fake.add_order_event("BOUGHT", str(uuid.uuid4()), [line("1", "MUG-1", 2)])
    await world.channel.pull_orders(connected.id)
    assert [op.quantity_delta for op in await world.operations(OperationType.RESERVE)] == [-2]

    again = await world.channel.connector.connect(world.fake.grant())
    assert (again.id, again.created) == (connected.id, False)
    assert await world.tracker(connected.id) != old  # kept where the pulls left it


async def test_connect_with_a_backfill_starts_that_many_days_back(world: World) -> None:
    await world.product("MUG-1", {world.main: 10})
    ids = [world.fake.add_order_event("BOUGHT", str(uuid.uuid4()), [line("1", "MUG-1", 1)]) for _ in range(4)]
    backdate(world, ids[0], 20)
    backdate(world, ids[1], 8)
    backdate(world, ids[2], 3)

    connected = await world.channel.connector.connect(world.fake.grant(), backfill_days=5)

    assert await world.tracker(connected.id) == ids[1]
    counts = await world.channel.pull_orders(connected.id)
    assert counts.processed == 2

    assert await world.channel.connector.backfill(connected.id, 30) is None  # from the oldest event
    await world.channel.pull_orders(connected.id)
    assert len(await world.operations(OperationType.RESERVE)) == 4  # the two seen before: not again
    with pytest.raises(ValueError, match=r"1\.\.60"):
        await world.channel.connector.backfill(connected.id, 61)


async def test_reconnect_brings_an_account_back_and_refuses_another_seller(world: World) -> None:
    account = await world.account()
    async with world.db.transaction() as session:
        await session.execute(
            update(AllegroAccount)
            .where(AllegroAccount.id == account)
            .values(state=AccountState.NEEDS_RECONNECT, last_error="refused")
        )

    with pytest.raises(SellerMismatch):
        await world.channel.connector.connect(world.fake.grant(OTHER_SELLER), account_id=account)
    connected = await world.channel.connector.connect(world.fake.grant(), account_id=account)

    assert (connected.id, connected.created) == (account, False)
    assert await world.state(account) == AccountState.ACTIVE
    async with world.db.sessions() as session:
        assert (await account_view(session, account)).last_error is None


async def test_bootstrap_from_a_refresh_token_is_idempotent(world: World) -> None:
    world.fake.refresh_grace = 0.0  # a used refresh token dies at once
    token = world.fake.grant().refresh_token
    first = world.channel_with()
    first._bootstrap_token = token  # what from_settings does with ALLEGRO_REFRESH_TOKEN
    try:
        refs = await first.accounts()
        assert [(ref.name, ref.state) for ref in refs] == [(f"seller-{DEFAULT_SELLER}", AccountState.ACTIVE)]
        assert await first.bootstrap() is None  # once per process
    finally:
        await first.aclose()

    assert await world.channel.connector.bootstrap(token) == BootstrapOutcome.ALREADY_USED
    assert len(await world.channel.accounts()) == 1
    fresh = world.fake.grant().refresh_token
    assert await world.channel.connector.bootstrap(fresh) == BootstrapOutcome.UPDATED


async def test_a_dead_bootstrap_token_without_accounts_is_logged_not_raised(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    channel = world.channel_with()
    channel._bootstrap_token = SecretStr("not-a-token-anyone-issued")
    try:
        with caplog.at_level(logging.ERROR, logger="integrations.allegro"):
            assert await channel.accounts() == []
    finally:
        await channel.aclose()
    assert "ALLEGRO_REFRESH_TOKEN could not connect" in caplog.text
    assert "not-a-token-anyone-issued" not in caplog.text


async def test_expired_access_token_is_refreshed_once_stored_then_used(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.product("MUG-1", {world.main: 50})
    account = await world.account()
    channel = world.channel_with(page_size=5)
    for _ in range(12):
        world.fake.add_order_event("BOUGHT", str(uuid.uuid4()), [line("1", "MUG-1", 1)])
    await channel.pull_orders(account)  # caches the access token
    for _ in range(12):
        world.fake.add_order_event("BOUGHT", str(uuid.uuid4()), [line("1", "MUG-1", 1)])
    world.fake.expire_access_tokens()

    with caplog.at_level(logging.DEBUG, logger="integrations.allegro"):
        try:
            counts = await channel.pull_orders(account)
        finally:
            await channel.aclose()

    assert counts.processed == 12
    refreshes = [r for r in world.fake.requests_to("/auth/oauth/token") if r.grant_type == "refresh_token"]
    assert len(refreshes) == 1
    stored = await DbTokenStore(world.db).load(account_key(account))
    assert stored is not None
    after = [r for r in world.fake.requests_to("/order/events") if r.at > refreshes[0].at]
    assert after and {r.bearer for r in after} == {stored.access_token.get_secret_value()}
    assert not any(secret in caplog.text for secret in world.fake.issued_secrets())
    assert "Access token expired" in caplog.text or "rejected" in caplog.text


async def test_invalid_grant_stops_that_account_alerts_once_and_others_go_on(world: World) -> None:
    await world.product("MUG-1", {world.main: 10})
    broken = await world.account("broken")
    healthy = await world.account("healthy", seller=OTHER_SELLER)
    world.fake.add_order_event("BOUGHT", str(uuid.uuid4()), [line("1", "MUG-1", 1)])
    world.fake.add_order_event("BOUGHT", str(uuid.uuid4()), [line("1", "MUG-1", 2)], seller=OTHER_SELLER)
    world.fake.kill_refresh_tokens(DEFAULT_SELLER)
    world.fake.expire_access_tokens(DEFAULT_SELLER)

    stopped = await world.channel.pull_orders(broken)
    went_on = await world.channel.pull_orders(healthy)

    assert stopped.notes == {"needs_reconnect": 1}
    assert went_on.processed == 1
    assert [op.quantity_delta for op in await world.operations(OperationType.RESERVE)] == [-2]
    states = {ref.name: ref.state for ref in await world.channel.accounts()}
    assert states == {"broken": AccountState.NEEDS_RECONNECT, "healthy": AccountState.ACTIVE}
    alerts = [(a.kind, a.text_key, a.params) for a in world.notifier.sent]
    assert alerts == [
        ("token_reconnect", "alert-allegro-reconnect", {"account": "broken", "account_id": broken})
    ]

    calls = len(world.fake.requests)
    assert (await world.channel.pull_orders(broken)).notes == {"needs_reconnect": 1}
    assert (await world.channel.push_stock(broken)).notes == {"needs_reconnect": 1}
    assert (await world.channel.reconcile(broken)).error == "needs_reconnect"
    await world.channel.refresh_credentials(broken)
    assert len(world.fake.requests) == calls  # nothing is sent for a stopped account
    assert len(world.notifier.sent) == 1
    async with world.db.sessions() as session:
        assert "invalid_grant" in ((await account_view(session, broken)).last_error or "")


async def test_refresh_credentials_renews_only_tokens_close_to_expiry(world: World) -> None:
    account = await world.account()

    async def expire_in(hours: float) -> None:
        async with world.db.transaction() as session:
            await session.execute(
                update(AllegroAccount)
                .where(AllegroAccount.id == account)
                .values(access_expires_at=datetime.now(UTC) + timedelta(hours=hours))
            )
        world.channel.tokens.forget(account_key(account))

    await expire_in(10)
    await world.channel.refresh_credentials(account)
    assert world.fake.count("/auth/oauth/token") == 0

    await expire_in(1)
    await world.channel.refresh_credentials(account)
    assert world.fake.count("/auth/oauth/token") == 1
    stored = await DbTokenStore(world.db).load(account_key(account))
    assert stored is not None and stored.expires_at > datetime.now(UTC) + timedelta(hours=11)

    world.fake.kill_refresh_tokens()
    await expire_in(1)
    await world.channel.refresh_credentials(account)
    assert await world.state(account) == AccountState.NEEDS_RECONNECT


async def test_warehouse_priority_is_set_by_codes_and_listed(world: World) -> None:
    account = await world.account()
    async with world.db.transaction() as session:
        assert await set_priority(session, account, ["shop", "MAIN", "SHOP"]) == ("SHOP", "MAIN")
    async with world.db.transaction() as session:
        with pytest.raises(ValidationError) as refused:
            await set_priority(session, account, ["NOPE"])
        assert refused.value.reason == "allegro_unknown_warehouse"
    async with world.db.sessions() as session:
        views = await list_accounts(session)
    assert [(v.name, v.priority, v.state, v.has_tracker) for v in views] == [
        ("shop", ("SHOP", "MAIN"), AccountState.ACTIVE, True)
    ]


def test_configured_secrets_never_show_in_reprs() -> None:
    settings = load_settings(
        allegro_client_secret="top-secret-client", allegro_refresh_token="top-secret-refresh"
    )
    assert "top-secret" not in repr(settings) and "top-secret" not in str(settings)
    pair = TokenPair(
        access_token=SecretStr("access-value"),
        refresh_token=SecretStr("refresh-value"),
        expires_at=datetime.now(UTC),
    )
    assert "-value" not in repr(pair)
