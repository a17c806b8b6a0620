"""The run history of background jobs (`job_runs`): written by the leader, read by /status anywhere.

Each run is two short transactions of its own (a "running" row at the start, the outcome at the end),
never the job's own transaction: a job that fails or is killed halfway still leaves its trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import Database
from domain.models import JobRun
from scheduler.scrub import scrub

OK = "ok"
FAILED = "failed"
RUNNING = "running"
INTERRUPTED = "interrupted"
MAX_ERROR_CHARS = 2000


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; everything we store is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class RunView:
    job_id: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    counts: dict[str, Any]
    error: str | None


@dataclass(frozen=True, slots=True)
class JobHistory:
    last: RunView
    failure_streak: int  # consecutive failed runs up to the last finished one


async def start_run(db: Database, job_id: str) -> int:
    async with db.transaction() as session:
        run = JobRun(job_id=job_id, started_at=utcnow(), status=RUNNING, counts={})
        session.add(run)
        await session.flush()
        return run.id


async def finish_run(
    db: Database,
    run_id: int,
    *,
    status: str,
    counts: Mapping[str, Any] | None = None,
    error: str | None = None,
    secrets: Iterable[str] = (),
) -> None:
    text = scrub(error, secrets)[:MAX_ERROR_CHARS] if error else None
    async with db.transaction() as session:
        await session.execute(
            update(JobRun)
            .where(JobRun.id == run_id)
            .values(finished_at=utcnow(), status=status, counts=dict(counts or {}), error=text)
        )


async def interrupt_stale_runs(db: Database) -> int:
    """At the start of a leadership term: rows still "running" belong to a leader that died."""
    async with db.transaction() as session:
        result = await session.execute(
            update(JobRun)
            .where(JobRun.status == RUNNING)
            .values(status=INTERRUPTED, finished_at=utcnow(), error="the instance stopped during the run")
        )
        return result.rowcount or 0  # type: ignore[attr-defined]


async def prune_runs(db: Database, *, keep_days: int) -> int:
    cutoff = utcnow() - timedelta(days=keep_days)
    async with db.transaction() as session:
        result = await session.execute(delete(JobRun).where(JobRun.started_at < cutoff))
        return result.rowcount or 0  # type: ignore[attr-defined]


def _view(row: JobRun) -> RunView:
    return RunView(
        job_id=row.job_id,
        started_at=as_utc(row.started_at),
        finished_at=as_utc(row.finished_at) if row.finished_at else None,
        status=row.status,
        counts=dict(row.counts or {}),
        error=row.error,
    )


async def job_histories(session: AsyncSession, *, depth: int = 50) -> dict[str, JobHistory]:
    """The last run of every job seen, with its failure streak (counted over the last `depth` runs)."""
    ranked = select(
        JobRun.id,
        func.row_number().over(partition_by=JobRun.job_id, order_by=JobRun.id.desc()).label("rank"),
    ).subquery()
    rows = await session.scalars(
        select(JobRun)
        .join(ranked, ranked.c.id == JobRun.id)
        .where(ranked.c.rank <= depth)
        .order_by(JobRun.job_id, JobRun.id.desc())
    )
    runs: dict[str, list[JobRun]] = {}
    for row in rows:
        runs.setdefault(row.job_id, []).append(row)
    histories = {}
    for job_id, newest_first in runs.items():
        streak = 0
        for row in newest_first:
            if row.status == RUNNING:
                continue
            if row.status != FAILED:
                break
            streak += 1
        histories[job_id] = JobHistory(_view(newest_first[0]), streak)
    return histories


async def last_started(session: AsyncSession, job_ids: Iterable[str]) -> dict[str, datetime]:
    rows = await session.execute(
        select(JobRun.job_id, func.max(JobRun.started_at))
        .where(JobRun.job_id.in_(list(job_ids)))
        .group_by(JobRun.job_id)
    )
    return {job_id: as_utc(moment) for job_id, moment in rows.all() if moment is not None}


async def failed_runs_between(session: AsyncSession, start: datetime, end: datetime) -> dict[str, int]:
    rows = await session.execute(
        select(JobRun.job_id, func.count())
        .where(JobRun.status == FAILED, JobRun.started_at >= start, JobRun.started_at < end)
        .group_by(JobRun.job_id)
        .order_by(JobRun.job_id)
    )
    return {job_id: count for job_id, count in rows.all()}
