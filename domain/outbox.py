"""The stock outbox: which products each channel account still has to be told about.

Rows are written by a `before_commit` hook (see `domain.db`) for every product whose stock changed in
the transaction, so the stock change, its operation rows and its outbox rows commit together. A row
is keyed by (product, channel, account) and its `generation` grows with each change: the pusher
deletes only the generation it pushed, so a change made during a push is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.models import AccountState, AllegroAccount, Channel, StockOutbox, WixAccount


@dataclass(frozen=True, slots=True)
class OutboxItem:
    product_id: int
    channel: Channel
    account_id: int
    generation: int
    attempts: int


def _targets(session: Session) -> list[tuple[Channel, int]]:
    allegro = session.execute(
        select(AllegroAccount.id).where(AllegroAccount.state == AccountState.ACTIVE)
    ).scalars()
    wix = session.execute(select(WixAccount.id).where(WixAccount.state == AccountState.ACTIVE)).scalars()
    return [(Channel.ALLEGRO, account_id) for account_id in allegro] + [
        (Channel.WIX, account_id) for account_id in wix
    ]


def write_outbox_rows(session: Session, product_ids: Iterable[int]) -> int:
    """Upsert one row per product and active channel account (sync: runs inside before_commit)."""
    targets = _targets(session)
    rows = [
        {"product_id": product_id, "channel": channel, "account_id": account_id, "generation": 1}
        for product_id in sorted(set(product_ids))
        for channel, account_id in targets
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(StockOutbox)
    stmt = stmt.on_conflict_do_update(
        index_elements=["product_id", "channel", "account_id"],
        set_={"generation": StockOutbox.generation + 1, "changed_at": func.now(), "attempts": 0},
    )
    session.execute(stmt, rows)
    return len(rows)


async def pending(
    session: AsyncSession, channel: Channel, account_id: int, *, limit: int = 10_000
) -> list[OutboxItem]:
    result = await session.execute(
        select(StockOutbox)
        .where(StockOutbox.channel == channel, StockOutbox.account_id == account_id)
        .order_by(StockOutbox.changed_at, StockOutbox.id)
        .limit(limit)
    )
    return [
        OutboxItem(row.product_id, row.channel, row.account_id, row.generation, row.attempts)
        for row in result.scalars()
    ]


async def acknowledge(session: AsyncSession, items: Iterable[OutboxItem]) -> int:
    """Delete the rows the channel confirmed, unless they changed again since they were read."""
    keys = [(item.product_id, item.generation) for item in items]
    if not keys:
        return 0
    first = next(iter(items))
    deleted = 0
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        result = await session.execute(
            delete(StockOutbox).where(
                and_(
                    StockOutbox.channel == first.channel,
                    StockOutbox.account_id == first.account_id,
                    tuple_(StockOutbox.product_id, StockOutbox.generation).in_(chunk),
                )
            )
        )
        deleted += result.rowcount or 0  # type: ignore[attr-defined]
    return deleted


async def record_failure(session: AsyncSession, item: OutboxItem, error: str) -> None:
    row = await session.scalar(
        select(StockOutbox).where(
            StockOutbox.product_id == item.product_id,
            StockOutbox.channel == item.channel,
            StockOutbox.account_id == item.account_id,
        )
    )
    if row is not None:
        row.attempts += 1
        row.last_error = error[:2000]


async def backlog(session: AsyncSession) -> dict[tuple[Channel, int], int]:
    result = await session.execute(
        select(StockOutbox.channel, StockOutbox.account_id, func.count()).group_by(
            StockOutbox.channel, StockOutbox.account_id
        )
    )
    return {(channel, account_id): count for channel, account_id, count in result.all()}
