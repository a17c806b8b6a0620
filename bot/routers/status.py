"""/status (admins): background jobs (last run, result, next run, failure streak), Allegro accounts
(tracker position, token), Wix sites (catalog version, last sync) and the stock waiting to be pushed.

Everything comes from the database through the update's own unit of work, so any instance answers the
same; only the next run times are known to the leader alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import MenuCommand
from bot.filters import AdminOnly
from bot.settings import Settings
from bot.views.format import escape, format_time, split_text
from domain.db import Database
from integrations.wix.sites import SiteOverview
from scheduler import runs
from scheduler.runner import BackgroundRunner
from scheduler.status import (
    AllegroStatus,
    BacklogStatus,
    JobStatus,
    StatusSnapshot,
    collect_status,
)

router = Router(name=__name__)
COMMANDS = (MenuCommand("status", "status-command"),)
MAX_ERROR = 160

RESULT_ICONS = {runs.OK: "✅", runs.FAILED: "❌", runs.RUNNING: "⏳", runs.INTERRUPTED: "⚠️"}


class StatusView:
    def __init__(self, i18n: I18nContext, settings: Settings) -> None:
        self.i18n = i18n
        self.zone = settings.zone

    def time(self, moment: datetime | None) -> str:
        return format_time(moment, self.zone) if moment else self.i18n.get("status-never")

    def _job(self, job: JobStatus) -> str:
        i18n = self.i18n
        last = job.last
        parts = [f"{RESULT_ICONS.get(last.status, '•') if last else '•'} <code>{escape(job.job_id)}</code>"]
        if last is None:
            parts.append(i18n.get("status-job-never"))
        else:
            parts.append(i18n.get("status-job-last", at=self.time(last.started_at)))
            counts: dict[str, Any] = last.counts
            if last.status == runs.OK and counts.get("processed"):
                parts.append(
                    i18n.get(
                        "status-job-counts",
                        processed=counts.get("processed", 0),
                        changed=counts.get("changed", 0),
                        failed=counts.get("failed", 0),
                    )
                )
        if job.failure_streak:
            error = (last.error or "") if last else ""
            parts.append(
                i18n.get("status-job-streak", streak=job.failure_streak, error=escape(error[:MAX_ERROR]))
            )
        if job.next_run is not None:
            parts.append(i18n.get("status-job-next", at=self.time(job.next_run)))
        return " · ".join(parts)

    def _state(self, state: str) -> str:
        return self.i18n.get(f"status-state-{state}")

    def _allegro(self, account: AllegroStatus) -> str:
        expires = account.access_expires_at
        if expires is None:
            token = self.i18n.get("status-token-none")
        elif expires <= datetime.now(UTC):
            token = self.i18n.get("status-token-expired")
        else:
            token = self.i18n.get("status-token-valid", until=self.time(expires))
        return self.i18n.get(
            "status-allegro-account",
            name=escape(account.name),
            state=self._state(account.state),
            tracker=escape(account.tracker or "—"),
            token=token,
        )

    def _wix(self, site: SiteOverview) -> str:
        last = self.time(site.last_sync_at)
        if site.last_sync_status:
            last += f" ({escape(site.last_sync_status)})"
        return self.i18n.get(
            "status-wix-site",
            name=escape(site.name),
            state=self._state(site.state),
            version=escape(site.catalog_version or "—"),
            last=last,
        )

    def _backlog(self, item: BacklogStatus) -> str:
        return self.i18n.get(
            "status-outbox-line",
            channel=item.channel.value,
            name=escape(item.name),
            rows=item.rows,
            oldest=self.time(item.oldest),
        )

    def render(self, snapshot: StatusSnapshot, single_instance: bool) -> str:
        i18n = self.i18n
        if single_instance:
            leader = i18n.get("status-single-instance")
        else:
            leader = i18n.get("status-leader-here" if snapshot.leader else "status-leader-elsewhere")
        lines = [i18n.get("status-title"), leader, "", i18n.get("status-jobs")]
        lines += [self._job(job) for job in snapshot.jobs] or [i18n.get("status-no-jobs")]
        if snapshot.allegro:
            lines += ["", i18n.get("status-allegro"), *map(self._allegro, snapshot.allegro)]
        if snapshot.wix:
            lines += ["", i18n.get("status-wix"), *map(self._wix, snapshot.wix)]
        lines += ["", i18n.get("status-outbox", total=snapshot.backlog_total)]
        lines += [self._backlog(item) for item in snapshot.backlog]
        return "\n".join(lines)


@router.message(Command("status"), AdminOnly())
async def status(
    message: Message,
    session: AsyncSession,
    db: Database,
    scheduler: BackgroundRunner,
    settings: Settings,
    i18n: I18nContext,
) -> None:
    snapshot = await collect_status(
        session, leader=scheduler.is_leader, lock=scheduler.lock.description, scheduled=scheduler.scheduled()
    )
    await session.commit()  # nothing to write: no transaction (on SQLite, the write lock) over the network
    for chunk in split_text(StatusView(i18n, settings).render(snapshot, db.is_sqlite)):
        await message.answer(chunk)
