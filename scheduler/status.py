"""What /status shows, read from the database so that every instance answers the same.

Only the next run times come from memory, and only the leader has them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.channels import AccountRef
from domain.models import (
    AccountState,
    AllegroAccount,
    AllegroEventTracker,
    Channel,
    StockOutbox,
    WixAccount,
)
from domain.outbox import backlog
from integrations.wix.sites import SiteOverview, overviews
from scheduler.runs import RunView, as_utc, job_histories


@dataclass(frozen=True, slots=True)
class JobStatus:
    job_id: str
    last: RunView | None
    failure_streak: int
    next_run: datetime | None


@dataclass(frozen=True, slots=True)
class AllegroStatus:
    account_id: int
    name: str
    state: AccountState
    tracker: str | None  # last event id applied
    access_expires_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class BacklogStatus:
    channel: Channel
    account_id: int
    name: str
    rows: int
    oldest: datetime | None


@dataclass(slots=True)
class StatusSnapshot:
    leader: bool
    lock: str
    jobs: list[JobStatus] = field(default_factory=list)
    allegro: list[AllegroStatus] = field(default_factory=list)
    wix: list[SiteOverview] = field(default_factory=list)
    backlog: list[BacklogStatus] = field(default_factory=list)

    @property
    def backlog_total(self) -> int:
        return sum(item.rows for item in self.backlog)


async def account_refs(session: AsyncSession, channels: Iterable[str]) -> list[AccountRef]:
    """The accounts of the given channels, read in the caller's session (a handler's unit of work)."""
    wanted = set(channels)
    refs: list[AccountRef] = []
    for channel, model in ((Channel.ALLEGRO, AllegroAccount), (Channel.WIX, WixAccount)):
        if channel in wanted:
            rows = await session.execute(select(model.id, model.name, model.state).order_by(model.name))
            refs.extend(AccountRef(channel.value, *row) for row in rows.all())
    return refs


async def _allegro(session: AsyncSession) -> list[AllegroStatus]:
    rows = await session.execute(
        select(AllegroAccount, AllegroEventTracker.last_event_id)
        .outerjoin(AllegroEventTracker, AllegroEventTracker.token_id == AllegroAccount.id)
        .order_by(AllegroAccount.name)
    )
    return [
        AllegroStatus(
            account.id,
            account.name,
            account.state,
            tracker,
            as_utc(account.access_expires_at) if account.access_expires_at else None,
            account.last_error,
        )
        for account, tracker in rows.all()
    ]


async def _backlog(
    session: AsyncSession, allegro: list[AllegroStatus], wix: list[SiteOverview]
) -> list[BacklogStatus]:
    names = {(Channel.ALLEGRO, a.account_id): a.name for a in allegro}
    names.update({(Channel.WIX, w.id): w.name for w in wix})
    counts = await backlog(session)
    oldest_rows = await session.execute(
        select(StockOutbox.channel, StockOutbox.account_id, func.min(StockOutbox.changed_at)).group_by(
            StockOutbox.channel, StockOutbox.account_id
        )
    )
    oldest = {(channel, account_id): moment for channel, account_id, moment in oldest_rows.all()}
    return [
        BacklogStatus(
            channel,
            account_id,
            names.get((channel, account_id), str(account_id)),
            rows,
            as_utc(oldest[(channel, account_id)]) if oldest.get((channel, account_id)) else None,
        )
        for (channel, account_id), rows in sorted(counts.items())
    ]


async def collect_status(
    session: AsyncSession,
    *,
    leader: bool,
    lock: str,
    scheduled: dict[str, datetime | None],
) -> StatusSnapshot:
    """`scheduled`: the leader's job ids and next run times ({} on other instances)."""
    snapshot = StatusSnapshot(leader=leader, lock=lock)
    histories = await job_histories(session)
    for job_id in sorted(set(histories) | set(scheduled)):
        history = histories.get(job_id)
        snapshot.jobs.append(
            JobStatus(
                job_id,
                history.last if history else None,
                history.failure_streak if history else 0,
                scheduled.get(job_id),
            )
        )
    snapshot.allegro = await _allegro(session)
    snapshot.wix = await overviews(session)
    snapshot.backlog = await _backlog(session, snapshot.allegro, snapshot.wix)
    return snapshot
