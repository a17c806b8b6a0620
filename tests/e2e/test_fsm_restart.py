"""A flow lives in the database: an edit started before a restart is finished by the new process."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.actors import Actor
from domain.catalog import Catalog
from domain.db import Database
from domain.models import FsmState, Product
from tests.e2e.conftest import ADMIN_ID, running_bot
from tests.fakes.telegram import FakeTelegram


async def test_an_edit_flow_survives_a_restart(db: Database, fake: FakeTelegram) -> None:
    async with db.transaction() as session:
        product = await Catalog(session).create(Actor.cli(), sku="ABC-1", name="Blue mug")
    admin = fake.user("Ada", id=ADMIN_ID, language_code="en")
    async with running_bot(db, fake):
        card = await admin.say("ABC-1")
        prompt = await admin.tap(card, "✏️ Name")
        assert "Blue mug" in (prompt.text or "")

    async with running_bot(db, fake):  # a new process: nothing is left in memory
        confirm = await admin.say("Red mug")
        assert "Blue mug → Red mug" in (confirm.text or "")
        await admin.tap(confirm, "Confirm")
        card = await admin.next_message()
        assert "Red mug" in (card.text or "")

    async with db.transaction() as session:
        saved = await session.get(Product, product.id)
        assert saved is not None and saved.name == "Red mug"
        # The finished flow left no row; the searches remembered beside it stay.
        states = await session.scalar(select(func.count()).where(FsmState.state.is_not(None)))
        assert states == 0
