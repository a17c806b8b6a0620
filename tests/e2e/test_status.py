"""/status through the real bot: jobs with last run, result, next run and failure streak; Allegro
accounts with tracker and token; Wix sites with catalog version and last sync; the outbox backlog."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from domain.db import Database
from domain.models import AllegroAccount, AllegroEventTracker, JobRun, Role, WixAccount, WixInventorySync
from domain.people import Users
from scheduler import runs
from scheduler.alerts import MUTABLE_KINDS
from tests.e2e.conftest import ADMIN_ID, STAFF_ID, running_bot
from tests.fakes.stock_channel import FakeChannel, eventually
from tests.fakes.telegram import FakeTelegram
from tests.integration.seed import add_channel_accounts, seed


async def prepare(db: Database) -> tuple[int, int]:
    allegro_id, wix_id = await add_channel_accounts(db)
    async with db.transaction() as session:
        session.add(AllegroEventTracker(token_id=allegro_id, last_event_id="1234567"))
        await session.execute(
            update(AllegroAccount)
            .where(AllegroAccount.id == allegro_id)
            .values(access_expires_at=datetime.now(UTC) + timedelta(hours=5))
        )
        await session.execute(update(WixAccount).where(WixAccount.id == wix_id).values(catalog_version="V1"))
        session.add(
            WixInventorySync(
                account_id=wix_id, trigger="schedule", status="ok", finished_at=datetime.now(UTC)
            )
        )
        await Users(session).add(STAFF_ID, Role.STAFF, "Stan Staff")
        admin = await Users(session).add(ADMIN_ID, Role.ADMIN, "Ada")
        admin.muted_alerts = list(MUTABLE_KINDS)  # the failure alerts are not what this test reads
    await seed(db, on_hand=4)  # one outbox row per active account
    return allegro_id, wix_id


async def test_status_shows_jobs_accounts_and_backlog(db: Database, fake: FakeTelegram, backend: str) -> None:
    _allegro_id, wix_id = await prepare(db)
    wix = FakeChannel("wix", db)  # no Allegro channel here: its outbox row stays
    wix.fail["pull"] = RuntimeError("HTTP 500 from Wix")

    async def failed_twice() -> bool:
        async with db.sessions() as session:
            count = await session.scalar(
                select(func.count()).where(
                    JobRun.job_id == f"wix-orders:{wix_id}", JobRun.status == runs.FAILED
                )
            )
        return (count or 0) >= 2

    async with running_bot(db, fake, channels=[wix], wix_orders_seconds=1):
        await eventually(failed_twice, seconds=10)
        admin = fake.user("Ada", id=ADMIN_ID, language_code="en")
        status = await admin.command("status")

    text = status.text or ""
    lines = text.splitlines()
    assert lines[0] == "📊 Status"
    if backend == "sqlite":
        assert lines[1] == "SQLite: this single instance runs the background jobs."
    else:
        assert lines[1] == "This instance holds the PostgreSQL lock and runs the background jobs."
    orders = next(line for line in lines if f"wix-orders:{wix_id}" in line)
    assert orders.startswith("❌") and re.search(
        r"failed [2-9]× in a row: wix · site: RuntimeError: HTTP 500", orders
    )
    assert re.search(r"last \d{4}-\d\d-\d\d \d\d:\d\d", orders) and " · next " in orders
    push = next(line for line in lines if "stock-push" in line)
    assert push.startswith("❌")  # the Wix import before the push fails too: nothing overwritten
    assert "• shop — active · events up to 1234567 · token valid until" in text
    assert "• old — disabled · events up to — · token not stored" in text
    assert "• site — active · catalog V1 · last sync" in text and "(ok)" in text
    assert "• gone — needs to be connected again · catalog — · last sync never" in text
    assert "Stock changes waiting for a channel: 2" in text
    assert re.search(r"• allegro · shop: 1 \(oldest \d{4}-", text)
    assert re.search(r"• wix · site: 1 \(oldest \d{4}-", text)


async def test_staff_cannot_see_status(db: Database, fake: FakeTelegram) -> None:
    await prepare(db)
    async with running_bot(db, fake, channels=[]):
        staff = fake.user("Stan", id=STAFF_ID, language_code="en")
        answer = await staff.command("status")
        assert answer.text == "Not allowed for your role."
