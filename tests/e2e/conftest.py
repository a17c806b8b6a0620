"""A running bot for end-to-end tests: the real `run_bot` (long polling) against FakeTelegram and the
`db` fixture (SQLite and PostgreSQL).

Fixture `bot_app` → `BotHarness` with `.fake` (FakeTelegram), `.db`, `.settings`, and three users
who have started the bot: `.admin` (from ADMIN_IDS), `.staff` (added as staff), `.stranger` (unknown).
Helpers seed data directly through the domain services: `add_warehouse`, `add_product`, `add_user`.
Use `running_bot(db, fake, **settings_overrides)` to start one with other settings.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass

import pytest

from bot.app import run_bot
from bot.settings import Settings, load_settings
from domain.actors import Actor
from domain.catalog import Catalog, InitialStock
from domain.channels import StockChannel
from domain.db import Database
from domain.images import ProcessedImage
from domain.models import Product, Role, Warehouse
from domain.people import Users, Warehouses
from scheduler.service import ChannelFactory
from tests.fakes.telegram import FakeTelegram, FakeUser

ADMIN_ID = 910_000_001
STAFF_ID = 910_000_002
STRANGER_ID = 910_000_003
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


@dataclass
class BotHarness:
    fake: FakeTelegram
    db: Database
    settings: Settings
    admin: FakeUser
    staff: FakeUser
    stranger: FakeUser

    async def add_warehouse(self, code: str, name: str | None = None) -> Warehouse:
        async with self.db.transaction() as session:
            return await Warehouses(session).add(code, name or f"Warehouse {code}")

    async def add_product(
        self,
        sku: str,
        name: str,
        eans: Sequence[str] = (),
        stock: Mapping[str, int] | None = None,
        image: ProcessedImage | None = None,
    ) -> Product:
        async with self.db.transaction() as session:
            warehouses = Warehouses(session)
            initial = []
            for code, quantity in (stock or {}).items():
                warehouse = await warehouses.by_code(code) or await warehouses.add(code, f"Warehouse {code}")
                initial.append(InitialStock(warehouse.id, quantity))
            return await Catalog(session).create(
                Actor.cli(), sku=sku, name=name, eans=eans, image=image, initial_stock=initial
            )

    async def add_user(self, role: Role = Role.STAFF, *, language_code: str | None = "en") -> FakeUser:
        person = self.fake.user(f"{role.value.title()} user", language_code=language_code)
        async with self.db.transaction() as session:
            await Users(session).add(person.id, role, person.user.first_name)
        return person

    async def product(self, product_id: int) -> Product:
        async with self.db.transaction() as session:
            product = await session.get(Product, product_id)
            assert product is not None
            return product


@contextlib.asynccontextmanager
async def running_bot(
    db: Database,
    fake: FakeTelegram,
    *,
    channels: Sequence[StockChannel] | ChannelFactory | None = None,
    **overrides: object,
) -> AsyncIterator[Settings]:
    """Run the real bot (`run_bot`) against `fake` until the block ends; yields its settings.
    `channels` replaces the configured sales channels (background-work tests)."""
    settings = load_settings(
        bot_token=fake.token,
        database_url=db.url,
        admin_ids=[ADMIN_ID],
        telegram_api_url=fake.url,
        **overrides,
    )
    stop = asyncio.Event()
    since = len(fake.calls)
    task = asyncio.create_task(run_bot(settings, stop=stop, handle_signals=False, channels=channels))
    if settings.webhook_url:
        waiting = asyncio.create_task(fake.wait_for("setWebhook", since=since, timeout=START_TIMEOUT))
    else:
        waiting = asyncio.create_task(fake.wait_until(lambda: fake.long_polling, timeout=START_TIMEOUT))
    await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiting.cancel()
        task.result()  # start-up failed: raise its error here
    await waiting
    try:
        yield settings
    finally:
        stop.set()
        await asyncio.wait_for(task, STOP_TIMEOUT)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot_app(db: Database, fake: FakeTelegram) -> AsyncIterator[BotHarness]:
    async with db.transaction() as session:
        await Users(session).add(STAFF_ID, Role.STAFF, "Stan Staff")
    async with running_bot(db, fake) as settings:
        yield BotHarness(
            fake=fake,
            db=db,
            settings=settings,
            admin=fake.user("Ada", id=ADMIN_ID, language_code="en"),
            staff=fake.user("Stan", id=STAFF_ID, language_code="en"),
            stranger=fake.user("Sam", id=STRANGER_ID, language_code="en"),
        )
