"""A process that takes one account's lock and keeps it until it is killed (tests of a dead holder).

`python -m tests.integration.account_lock_holder DATABASE_URL CHANNEL ACCOUNT_ID` prints "held" once
the lock is taken, then waits forever."""

from __future__ import annotations

import asyncio
import sys

from domain.channels import AccountRef
from domain.models import AccountState
from scheduler.account_locks import AccountLocks

HELD = "held"


async def hold(url: str, channel: str, account_id: int) -> None:
    ref = AccountRef(channel, account_id, "holder", AccountState.ACTIVE)
    async with AccountLocks(url).hold(ref):
        print(HELD, flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(hold(sys.argv[1], sys.argv[2], int(sys.argv[3])))
