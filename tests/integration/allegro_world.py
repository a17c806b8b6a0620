"""Shared set-up of the Allegro channel tests: a FakeAllegro on a real socket, a migrated database
(SQLite and PostgreSQL through the `db` fixture), two warehouses and an `AllegroChannel` built the way
production builds it (`AllegroChannel.from_settings`), plus readers for stock, lines and operations.

Import the fixtures into a test module: ``from tests.integration.allegro_world import allegro, world``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.settings import Settings, load_settings
from domain.actors import Actor
from domain.catalog import Catalog, InitialStock
from domain.db import Database
from domain.models import (
    AccountState,
    AllegroAccount,
    AllegroEventTracker,
    Channel,
    ChannelOrderLine,
    Operation,
    OperationType,
    Stock,
    StockOutbox,
)
from domain.people import Warehouses
from integrations.allegro.channel import AllegroChannel
from integrations.allegro.config import ChannelRules
from integrations.allegro.store import DbTokenStore, account_key
from integrations.allegro.transport import RetryPolicy
from tests.fakes.allegro import DEFAULT_SELLER, FakeAllegro
from tests.fakes.stock_channel import RecordingNotifier

FAST = RetryPolicy(
    attempts=2,
    base_delay=0.01,
    max_delay=0.02,
    rate_limit_backoff=0.05,
    rate_limit_attempts=2,
    conflict_attempts=2,
    conflict_delay=0.01,
    operation_timeout=2.0,
)
FAST_RULES = {"command_wait": 3.0, "command_poll": 0.01}
UNSET = object()

Line = tuple[str | None, str, str | None, int]


def line(offer_id: str, sku: str | None, quantity: int = 1, line_id: str | None = None) -> Line:
    return (line_id or str(uuid.uuid4()), offer_id, sku, quantity)


def settings_for(fake: FakeAllegro, db_url: str, **overrides: object) -> Settings:
    return load_settings(
        database_url=db_url,
        allegro_client_id=fake.client_id,
        allegro_client_secret=SecretStr(fake.client_secret),
        allegro_api_url=fake.url,
        allegro_auth_url=fake.url,
        **overrides,
    )


@dataclass
class World:
    db: Database
    fake: FakeAllegro
    notifier: RecordingNotifier
    channel: AllegroChannel
    main: int
    shop: int

    def channel_with(self, **rules: object) -> AllegroChannel:
        """Another channel on the same database and fake, with other rules."""
        return AllegroChannel.from_settings(
            settings_for(self.fake, self.db.url),
            self.db,
            self.notifier,
            policy=FAST,
            rules=ChannelRules(**{**FAST_RULES, **rules}),  # type: ignore[arg-type]
        )

    async def account(
        self,
        name: str = "shop",
        *,
        seller: str = DEFAULT_SELLER,
        priority: Sequence[int] = (),
        tracker: object = UNSET,
    ) -> int:
        """A connected account (tokens stored the production way); its tracker starts after the
        seller's events so far, or at ``tracker``."""
        events = self.fake.seller(seller).events
        position = (events[-1]["id"] if events else None) if tracker is UNSET else tracker
        async with self.db.transaction() as session:
            account = AllegroAccount(name=name, seller_id=seller, warehouse_priority=list(priority))
            session.add(account)
            await session.flush()
            session.add(AllegroEventTracker(token_id=account.id, last_event_id=position))
            account_id = account.id
        await DbTokenStore(self.db).save(account_key(account_id), self.fake.grant(seller))
        return account_id

    async def product(self, sku: str, stock: Mapping[int, int] | None = None, name: str | None = None) -> int:
        async with self.db.transaction() as session:
            initial = [InitialStock(wid, qty) for wid, qty in (stock or {}).items() if qty]
            product = await Catalog(session).create(
                Actor.cli(), sku=sku, name=name or f"Product {sku}", initial_stock=initial
            )
            return product.id

    async def levels(self, product_id: int) -> dict[int, tuple[int, int]]:
        """{warehouse id: (on hand, reserved)}"""
        async with self.db.sessions() as session:
            rows = await session.scalars(select(Stock).where(Stock.product_id == product_id))
            return {row.warehouse_id: (row.on_hand, row.reserved) for row in rows}

    async def lines(self, account_id: int | None = None) -> list[ChannelOrderLine]:
        async with self.db.sessions() as session:
            query = select(ChannelOrderLine).order_by(ChannelOrderLine.id)
            if account_id is not None:
                query = query.where(ChannelOrderLine.account_id == account_id)
            return list(await session.scalars(query))

    async def line_of(self, order_id: str) -> ChannelOrderLine:
        rows = [row for row in await self.lines() if row.order_id == order_id]
        assert len(rows) == 1, rows
        return rows[0]

    async def operations(self, *types: OperationType, actor: str | None = None) -> list[Operation]:
        async with self.db.sessions() as session:
            query = select(Operation).order_by(Operation.id)
            if types:
                query = query.where(Operation.type.in_(types))
            if actor is not None:
                query = query.where(Operation.actor == actor)
            return list(await session.scalars(query))

    async def tracker(self, account_id: int) -> str | None:
        async with self.db.sessions() as session:
            return await session.scalar(
                select(AllegroEventTracker.last_event_id).where(AllegroEventTracker.token_id == account_id)
            )

    async def state(self, account_id: int) -> AccountState:
        async with self.db.sessions() as session:
            account = await session.get(AllegroAccount, account_id)
            assert account is not None
            return account.state

    async def outbox(self, account_id: int) -> dict[int, int]:
        """{product id: generation} of the account's outbox rows."""
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(StockOutbox).where(
                    StockOutbox.channel == Channel.ALLEGRO, StockOutbox.account_id == account_id
                )
            )
            return {row.product_id: row.generation for row in rows}

    async def count_lines(self) -> int:
        async with self.db.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(ChannelOrderLine)) or 0)


@pytest.fixture
async def allegro() -> AsyncIterator[FakeAllegro]:
    async with FakeAllegro() as fake:
        yield fake
        assert fake.contract_violations == []


@pytest.fixture
async def world(db: Database, allegro: FakeAllegro) -> AsyncIterator[World]:
    async with db.transaction() as session:
        warehouses = Warehouses(session)
        main = await warehouses.add("MAIN", "Main warehouse")
        shop = await warehouses.add("SHOP", "Shop floor")
        main_id, shop_id = main.id, shop.id
    notifier = RecordingNotifier()
    channel = AllegroChannel.from_settings(
        settings_for(allegro, db.url),
        db,
        notifier,
        policy=FAST,
        rules=ChannelRules(**FAST_RULES),  # type: ignore[arg-type]
    )
    try:
        yield World(db, allegro, notifier, channel, main_id, shop_id)
    finally:
        await channel.aclose()
