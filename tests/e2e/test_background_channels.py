"""The whole loop with the real channels: an Allegro purchase on the fake Allegro reaches central stock
within seconds, the fake Wix and the Allegro offer hold the new level, the history shows it; a Wix
outage gives exactly one failure alert and, once over, exactly one recovery message.

Runs the real bot (`run_bot`, its background runner, `AllegroChannel`, `WixChannel`) against the fake
Telegram, Allegro and Wix servers, with 1-second periods. The channels are built on the bot's own
database by the same constructors as production, only with short retry delays.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from domain.actors import Actor
from domain.catalog import Catalog, InitialStock
from domain.channels import StockChannel
from domain.db import Database
from domain.models import AllegroEventTracker, Operation, OperationType, Stock
from domain.notify import Notifier
from domain.people import Warehouses
from integrations.allegro.channel import AllegroChannel
from integrations.allegro.config import ChannelRules
from integrations.wix.channel import WixChannel
from integrations.wix.connect import WixConfig
from integrations.wix.transport import RetryPolicy as WixRetry
from tests.e2e.conftest import ADMIN_ID, running_bot
from tests.fakes.allegro import FakeAllegro
from tests.fakes.stock_channel import connected_allegro_account, eventually
from tests.fakes.telegram import BotMessage, FakeTelegram
from tests.fakes.wix import FakeWix
from tests.fakes.wix_store import FakeWixSite
from tests.integration.allegro_world import FAST, FAST_RULES, settings_for

SKU = "MUG-1"
WIX_RETRY = WixRetry(attempts=2, initial_wait=0.01, max_wait=0.02, jitter=0.01)
PERIODS = {"allegro_poll_seconds": 1, "stock_push_seconds": 1, "wix_orders_seconds": 1}


@dataclass
class Loop:
    db: Database
    telegram: FakeTelegram
    allegro: FakeAllegro
    wix: FakeWixSite
    product_id: int
    offer_id: str

    async def levels(self) -> tuple[int, int]:
        """(on hand, reserved) of the product, all warehouses."""
        async with self.db.sessions() as session:
            rows = list(await session.scalars(select(Stock).where(Stock.product_id == self.product_id)))
        return sum(r.on_hand for r in rows), sum(r.reserved for r in rows)

    def offer_level(self) -> int:
        return self.allegro.offer(self.offer_id).available

    def alerts(self, start: str) -> list[BotMessage]:
        return [m for m in self.telegram.messages(ADMIN_ID) if (m.text or "").startswith(start)]


async def _seed(db: Database, allegro: FakeAllegro, site: FakeWixSite) -> tuple[int, str]:
    site.add_product(SKU, 10)
    offer_id = allegro.add_offer(SKU, available=10)
    async with db.transaction() as session:
        main = await Warehouses(session).add("MAIN", "Main")
        product = await Catalog(session).create(
            Actor.cli(), sku=SKU, name="Mug", initial_stock=[InitialStock(main.id, 10)]
        )
        account = connected_allegro_account(allegro, priority=[main.id])
        session.add(account)
        await session.flush()
        session.add(AllegroEventTracker(token_id=account.id, last_event_id=None))
        return product.id, offer_id


@pytest.fixture
async def loop(db: Database, fake: FakeTelegram) -> AsyncIterator[Loop]:
    async with FakeAllegro() as allegro, FakeWix() as wix_server:
        site = wix_server.add_site()
        product_id, offer_id = await _seed(db, allegro, site)
        allegro_settings = settings_for(allegro, db.url)

        def channels(bot_db: Database, notifier: Notifier) -> Sequence[StockChannel]:
            config = WixConfig(api_url=wix_server.base_url, rate_limit_per_minute=0, retry=WIX_RETRY)
            wix = WixChannel(
                bot_db,
                config,
                notifier,
                bootstrap_key=SecretStr(site.api_key),
                bootstrap_site_id=site.site_id,
            )
            rules = ChannelRules.from_settings(allegro_settings, **FAST_RULES)
            allegro_channel = AllegroChannel.from_settings(
                allegro_settings, bot_db, notifier, policy=FAST, rules=rules
            )
            return [allegro_channel, wix]

        async with running_bot(db, fake, channels=channels, **PERIODS):
            loop = Loop(db, fake, allegro, site, product_id, offer_id)
            await fake.user("Ada", id=ADMIN_ID, language_code="en").command("start")
            # Start-up: the site is added, its SKU mapped, both channels hold the level of 10.
            await eventually(lambda: site.quantity(SKU) == 10 and loop.offer_level() == 10, seconds=15)
            yield loop
        assert allegro.contract_violations == [] and wix_server.contract_violations == []


async def test_an_allegro_purchase_reaches_stock_wix_and_the_offer(loop: Loop) -> None:
    form = str(uuid.uuid4())
    line = (str(uuid.uuid4()), loop.offer_id, SKU, 3)
    loop.allegro.add_order_event("BOUGHT", form, [line])

    await eventually(lambda: _equals(loop.levels(), (10, 3)), seconds=5)  # reserved
    await eventually(lambda: loop.wix.quantity(SKU) == 7 and loop.offer_level() == 7, seconds=5)

    loop.allegro.add_order_event("READY_FOR_PROCESSING", form)  # paid: the reservation is sold
    await eventually(lambda: _equals(loop.levels(), (7, 0)), seconds=5)
    assert loop.wix.quantity(SKU) == 7 and loop.offer_level() == 7

    async with loop.db.sessions() as session:
        history = [
            (op.type, op.actor, op.quantity_delta)
            for op in await session.scalars(
                select(Operation).where(Operation.product_id == loop.product_id).order_by(Operation.id)
            )
        ]
    assert (OperationType.RESERVE, "allegro:shop", -3) in history
    assert (OperationType.SALE, "allegro:shop", -3) in history
    shown = await loop.telegram.user("Ada", id=ADMIN_ID, language_code="en").command("history")
    text = shown.text or ""
    assert "🛒 Sale · " in text and "🔒 Reserved for an order · " in text
    assert text.count("👤 allegro:shop") == 2 and text.count(f"Order: {form}") == 2


async def test_a_wix_outage_alerts_once_and_recovers_once(loop: Loop) -> None:
    loop.wix.fail_next(40, status=500)  # every Wix call fails for a while (each run tries twice)
    loop.allegro.add_order_event(
        "READY_FOR_PROCESSING", str(uuid.uuid4()), [(str(uuid.uuid4()), loop.offer_id, SKU, 1)]
    )

    await eventually(lambda: len(loop.alerts("⚠️")) >= 1, seconds=10)
    await eventually(lambda: not loop.wix.faults.fail_next, seconds=30)  # the outage is used up
    await eventually(lambda: len(loop.alerts("✅")) >= 1, seconds=10)
    await eventually(lambda: loop.wix.quantity(SKU) == 9, seconds=5)

    failures, recoveries = loop.alerts("⚠️"), loop.alerts("✅")
    assert len(failures) == 1 and "wix · " in (failures[0].text or "")
    assert len(recoveries) == 1 and "works again" in (recoveries[0].text or "")
    assert loop.offer_level() == 9  # Allegro was served all along


async def _equals(levels: object, expected: tuple[int, int]) -> bool:
    return await levels == expected  # type: ignore[misc]
