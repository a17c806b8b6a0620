"""Where an account's order-event cursor starts: the newest event, or N days back on request.

``allegro_event_trackers.last_event_id`` is the id of the last event whose effects are committed; the next
read asks for events *after* it. None means "from the oldest event Allegro keeps" (60 days), which for a
new account is only ever chosen when that is exactly what was asked for (or there were no events at all).
Event ids are opaque, so a start N days back is found by paging from the oldest event.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import AllegroEventTracker
from integrations.allegro.client import AllegroClient

MAX_BACKFILL_DAYS = 60
"""Allegro keeps order events for 60 days."""


async def latest_position(client: AllegroClient) -> str | None:
    """The cursor of a newly connected account: its newest event (None when it has none yet)."""
    stats = await client.get_order_events_statistics()
    return stats.latest_event.id if stats.latest_event else None


async def backfill_position(client: AllegroClient, days: int, *, now: datetime | None = None) -> str | None:
    """The cursor that makes the next read start at the first event at or after ``days`` ago."""
    if not 1 <= days <= MAX_BACKFILL_DAYS:
        raise ValueError(f"a backfill goes 1..{MAX_BACKFILL_DAYS} days back, got {days}")
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    previous: str | None = None
    async for page in client.iter_order_events(None):
        for event in page:
            if event.occurred_at >= since:
                return previous
            previous = event.id
    return previous


async def read_tracker(
    session: AsyncSession, account_id: int, *, lock: bool = False
) -> AllegroEventTracker | None:
    query = select(AllegroEventTracker).where(AllegroEventTracker.token_id == account_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def set_tracker(session: AsyncSession, account_id: int, last_event_id: str | None) -> None:
    tracker = await read_tracker(session, account_id, lock=True)
    if tracker is None:
        session.add(AllegroEventTracker(token_id=account_id, last_event_id=last_event_id))
    else:
        tracker.last_event_id = last_event_id
