"""The stock outbox: which products each channel account still has to be told about.

Rows are written by a `before_commit` hook (see `domain.db`) for every product whose stock changed in
the transaction, so the stock change, its operation rows and its outbox rows commit together. A row
is keyed by (product, channel, account) and its `generation` grows with each change: the pusher
deletes only the generation it pushed, so a change made during a push is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, func, literal, select, true, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.models import AccountState, AllegroAccount, Channel, Product, StockOutbox, WixAccount
from domain.upsert import insert_for


@dataclass(frozen=True, slots=True)
class OutboxItem:
    product_id: int
    channel: Channel
    account_id: int
    generation: int
    attempts: int


def _upsert_statement(dialect: str) -> Any:
    """One INSERT … SELECT for every (changed product, active account) pair, whatever their number.

    The ids are an expanding parameter, so the statement is built once per dialect (`_UPSERTS`):
    building it and computing its cache key cost more than the round trip on every stock change.
    """
    accounts = union_all(
        select(literal(Channel.ALLEGRO.value).label("channel"), AllegroAccount.id.label("account_id")).where(
            AllegroAccount.state == AccountState.ACTIVE
        ),
        select(literal(Channel.WIX.value), WixAccount.id).where(WixAccount.state == AccountState.ACTIVE),
    ).subquery("accounts")
    pairs = (
        select(Product.id, accounts.c.channel, accounts.c.account_id, literal(1), literal(0))
        .join(accounts, true())
        .where(Product.id.in_(bindparam("product_ids", expanding=True)))
    )
    # On the table, not the entity: an ORM insert given parameters would run as an ORM bulk insert.
    outbox = cast(Table, StockOutbox.__table__)
    stmt = insert_for(dialect, outbox).from_select(
        ["product_id", "channel", "account_id", "generation", "attempts"], pairs
    )
    return stmt.on_conflict_do_update(
        index_elements=["product_id", "channel", "account_id"],
        set_={"generation": outbox.c.generation + 1, "changed_at": func.now(), "attempts": 0},
    )


_UPSERTS: dict[str, Any] = {}


def write_outbox_rows(session: Session, product_ids: Iterable[int]) -> int:
    """Upsert one row per product and active channel account (sync: runs inside before_commit).

    A single statement: it runs on every stock change, so it must not cost a round trip per account
    kind (reading the accounts first took two more).
    """
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    dialect = session.get_bind().dialect.name
    statement = _UPSERTS.get(dialect)
    if statement is None:
        statement = _UPSERTS[dialect] = _upsert_statement(dialect)
    result = session.execute(statement, {"product_ids": ids})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


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
