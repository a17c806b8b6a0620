"""The daily digest: yesterday's sales per channel, stock-outs, failed syncs, corrections.

The numbers are gathered here; the words come from the bot's translations. Lines passed to the
translation hold only names, SKUs and numbers, so they read the same in every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Operation, OperationType, WixInventorySync
from scheduler.runs import failed_runs_between
from scheduler.watch import low_stock

LIST_LIMIT = 15


@dataclass(slots=True)
class ChannelSales:
    channel: str
    sold: int = 0
    returned: int = 0
    orders: int = 0


@dataclass(slots=True)
class Digest:
    day: date
    sales: list[ChannelSales] = field(default_factory=list)
    stockouts: list[str] = field(default_factory=list)  # SKUs with nothing available now
    low: list[tuple[str, int]] = field(default_factory=list)  # (SKU, available) at or under threshold
    failed_jobs: dict[str, int] = field(default_factory=dict)  # job id -> failed runs
    failed_wix_syncs: int = 0
    counts: int = 0  # COUNT operations
    count_delta: int = 0  # their net effect on on-hand
    write_offs: int = 0
    written_off_units: int = 0

    def params(self) -> dict[str, Any]:
        sales = "\n".join(
            f"{s.channel}: −{s.sold}" + (f" / +{s.returned}" if s.returned else "") + f" ({s.orders})"
            for s in self.sales
        )
        failed = "\n".join(f"{job}: {count}" for job, count in self.failed_jobs.items())
        return {
            "day": self.day.isoformat(),
            "sales": sales or "—",
            "sold": sum(s.sold for s in self.sales),
            "stockouts_count": len(self.stockouts),
            "stockouts": _shortlist(self.stockouts),
            "low_count": len(self.low),
            "low": _shortlist([f"{sku} ({available})" for sku, available in self.low]),
            "failed_count": sum(self.failed_jobs.values()) + self.failed_wix_syncs,
            "failed": failed or "—",
            "counts": self.counts,
            "count_delta": f"{self.count_delta:+d}",
            "write_offs": self.write_offs,
            "written_off": self.written_off_units,
        }


def _shortlist(items: list[str]) -> str:
    if not items:
        return "—"
    shown = ", ".join(items[:LIST_LIMIT])
    return shown + (f" … +{len(items) - LIST_LIMIT}" if len(items) > LIST_LIMIT else "")


def yesterday_bounds(now: datetime, zone: ZoneInfo) -> tuple[date, datetime, datetime]:
    """The previous calendar day in `zone`, as [start, end) UTC instants.

    UTC because SQLite drops the zone of a bound timestamp instead of converting it.
    """
    day = now.astimezone(zone).date() - timedelta(days=1)
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return day, start, end


def channel_of(actor: str) -> str:
    return actor.split(":", 1)[0]


async def _sales(session: AsyncSession, start: datetime, end: datetime) -> list[ChannelSales]:
    rows = await session.execute(
        select(
            Operation.actor,
            Operation.type,
            func.sum(Operation.quantity_delta),
            func.count(func.distinct(Operation.external_ref)),
        )
        .where(
            Operation.type.in_([OperationType.SALE, OperationType.RETURN]),
            Operation.created_at >= start,
            Operation.created_at < end,
        )
        .group_by(Operation.actor, Operation.type)
    )
    by_channel: dict[str, ChannelSales] = {}
    for actor, op_type, delta, orders in rows.all():
        entry = by_channel.setdefault(channel_of(actor), ChannelSales(channel_of(actor)))
        if op_type == OperationType.SALE:
            entry.sold += -int(delta or 0)
            entry.orders += int(orders or 0)
        else:
            entry.returned += int(delta or 0)
    return sorted(by_channel.values(), key=lambda s: (-s.sold, s.channel))


async def _corrections(session: AsyncSession, start: datetime, end: datetime) -> tuple[int, int, int, int]:
    is_count = Operation.type == OperationType.COUNT
    row = (
        await session.execute(
            select(
                func.sum(case((is_count, 1), else_=0)),
                func.sum(case((is_count, Operation.quantity_delta), else_=0)),
                func.sum(case((is_count, 0), else_=1)),
                func.sum(case((is_count, 0), else_=-Operation.quantity_delta)),
            ).where(
                Operation.type.in_([OperationType.COUNT, OperationType.WRITE_OFF]),
                Operation.created_at >= start,
                Operation.created_at < end,
            )
        )
    ).one()
    return tuple(int(value or 0) for value in row)  # type: ignore[return-value]


async def build_digest(
    session: AsyncSession, now: datetime, zone: ZoneInfo, default_threshold: int
) -> Digest:
    day, start, end = yesterday_bounds(now, zone)
    digest = Digest(day)
    digest.sales = await _sales(session, start, end)
    low, _fine = await low_stock(session, default_threshold)
    digest.stockouts = [item.sku for item in low if item.available <= 0]
    digest.low = [(item.sku, item.available) for item in low if item.available > 0]
    digest.failed_jobs = await failed_runs_between(session, start, end)
    digest.failed_wix_syncs = (
        await session.scalar(
            select(func.count()).where(
                WixInventorySync.status == "failed",
                WixInventorySync.started_at >= start,
                WixInventorySync.started_at < end,
            )
        )
        or 0
    )
    digest.counts, digest.count_delta, digest.write_offs, digest.written_off_units = await _corrections(
        session, start, end
    )
    return digest
