"""What the background jobs need from a sales channel (Allegro, Wix), without knowing which.

Each integration implements `StockChannel`; the scheduler builds its jobs from these methods, and the
bot's /sync and /status read the same results. Every method opens its own short transactions (never one
across an HTTP call) and raises on failure after its own retries; a raised error is a failed run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from domain.models import AccountState

# done, total — total may grow while a run discovers more pages.
Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class AccountRef:
    channel: str
    account_id: int
    name: str
    state: AccountState


@dataclass(slots=True)
class RunCounts:
    """What one job run did: shown by /status and stored in job_runs.counts."""

    processed: int = 0  # events / orders / outbox rows looked at
    changed: int = 0  # stock changes applied, or channel items updated
    failed: int = 0
    stock_changed: bool = False  # True when the run changed central stock: wakes the stock push
    notes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "processed": self.processed,
            "changed": self.changed,
            "failed": self.failed,
            "stock_changed": self.stock_changed,
            **self.notes,
        }


@dataclass(slots=True)
class SyncReport:
    """A full reconcile of one account: the numbers /sync shows at the end."""

    channel: str
    account_name: str
    checked: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0  # SKUs we have that the channel does not
    failed: int = 0
    problem_skus: dict[str, str] = field(default_factory=dict)  # sku -> short reason
    error: str | None = None


class StockChannel(Protocol):
    name: str  # "allegro" | "wix"

    async def accounts(self) -> list[AccountRef]: ...

    async def pull_orders(self, account_id: int) -> RunCounts:
        """Apply new channel orders to central stock (exactly once)."""
        ...

    async def push_stock(self, account_id: int) -> RunCounts:
        """Drain this account's outbox rows: send available-to-sell levels, ack what was confirmed."""
        ...

    async def reconcile(self, account_id: int, progress: Progress | None = None) -> SyncReport:
        """Compare every linked product with the channel and repair drift."""
        ...

    async def refresh_credentials(self, account_id: int) -> None:
        """Refresh tokens ahead of expiry (a no-op for API-key channels)."""
        ...
