"""Connecting seller accounts: the OAuth device flow (bot and CLI), the headless bootstrap from a refresh
token, and moving an account's event cursor back for a backfill.

Typical connect flow::

    device = await connector.start()
    show(device.verification_uri_complete, device.formatted_user_code)
    tokens = await connector.wait(device, on_wait=...)
    account = await connector.connect(tokens)           # GET /me → account row, tokens, tracker

A new account's tracker starts at the newest event (``/order/event-stats``), or ``backfill_days`` back.
Connecting a seller that is already known updates its tokens and makes it active again, keeping its
tracker: that is how a "needs reconnect" account comes back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum

import httpx
from pydantic import SecretStr
from sqlalchemy import select

from domain.db import Database
from domain.models import AllegroAccount
from integrations.allegro.accounts import ConnectedAccount, save_connected
from integrations.allegro.auth import AllegroOAuth, DevicePoll
from integrations.allegro.client import AllegroClient
from integrations.allegro.errors import AllegroInvalidGrant
from integrations.allegro.models import DeviceCode, TokenPair
from integrations.allegro.store import account_key
from integrations.allegro.tokens import TokenManager
from integrations.allegro.tracker import backfill_position, latest_position, read_tracker, set_tracker
from integrations.allegro.transport import RateLimitGate, RetryPolicy

log = logging.getLogger("integrations.allegro")

OnWait = Callable[[DevicePoll, float], Awaitable[None]]
_PROBE = "connecting"


class BootstrapOutcome(StrEnum):
    CONNECTED = "connected"  # a new account
    UPDATED = "updated"  # the seller was known: new tokens stored
    ALREADY_USED = "already_used"  # the token was consumed by an earlier start (accounts exist)


class _PendingPair:
    """A `TokenStore` for the one pair of an approval that is not stored in the database yet."""

    def __init__(self, pair: TokenPair) -> None:
        self.pair = pair

    async def load(self, account_key: str) -> TokenPair | None:
        return self.pair

    async def save(self, account_key: str, tokens: TokenPair) -> None:
        self.pair = tokens


class AllegroConnector:
    def __init__(
        self,
        db: Database,
        oauth: AllegroOAuth,
        http: httpx.AsyncClient,
        tokens: TokenManager,
        client: Callable[[int], AllegroClient],
        *,
        api_url: str,
        policy: RetryPolicy | None = None,
        gate: RateLimitGate | None = None,
    ) -> None:
        self._db = db
        self._oauth = oauth
        self._http = http
        self._tokens = tokens
        self._client = client
        self._api_url = api_url
        self._policy = policy
        self._gate = gate

    async def start(self) -> DeviceCode:
        """Ask Allegro for a device code: show ``verification_uri_complete`` and the user code."""
        return await self._oauth.start_device_flow()

    async def wait(
        self, device: DeviceCode, *, on_wait: OnWait | None = None, interval: float | None = None
    ) -> TokenPair:
        """Poll until the user approves (`DeviceFlowDenied` / `DeviceFlowExpired` otherwise)."""
        return await self._oauth.poll_device_flow(
            device.device_code,
            interval=interval if interval is not None else device.interval,
            expires_in=device.expires_in,
            on_wait=on_wait,
        )

    async def connect(
        self,
        tokens: TokenPair,
        *,
        name: str | None = None,
        account_id: int | None = None,
        backfill_days: int | None = None,
    ) -> ConnectedAccount:
        """Store the seller these tokens belong to (``account_id``: it must be that account)."""
        store = _PendingPair(tokens)
        probe = AllegroClient(
            self._http,
            TokenManager(self._oauth, store),
            _PROBE,
            api_url=self._api_url,
            policy=self._policy,
            gate=self._gate,
        )
        me = await probe.get_me()
        async with self._db.sessions() as session:
            known = await session.scalar(select(AllegroAccount.id).where(AllegroAccount.seller_id == me.id))
            target = account_id if account_id is not None else known
            has_tracker = target is not None and await read_tracker(session, target) is not None
        position: str | None = None
        if backfill_days is not None:
            position = await backfill_position(probe, backfill_days)
        elif not has_tracker:
            position = await latest_position(probe)
        async with self._db.transaction() as session:
            account, created = await save_connected(session, me, store.pair, name=name, account_id=account_id)
            if backfill_days is not None or not has_tracker:
                await set_tracker(session, account.id, position)
            connected = ConnectedAccount(account.id, account.name, me.login, me.id, created)
        self._tokens.forget(account_key(connected.id))
        log.info(
            "allegro: %s account %s (seller %s)",
            "connected" if created else "reconnected",
            connected.name,
            me.id,
        )
        return connected

    async def bootstrap(self, refresh_token: SecretStr) -> BootstrapOutcome:
        """Connect the seller of ``refresh_token`` (ALLEGRO_REFRESH_TOKEN); safe to run at every start.

        Allegro refresh tokens are single-use, so once an earlier start has traded this one the refresh
        is refused: with accounts already stored that just means "done before". Without any account the
        refusal is raised (`AllegroInvalidGrant`): the token is dead and a new one is needed.
        """
        try:
            pair = await self._oauth.refresh(refresh_token)
        except AllegroInvalidGrant:
            async with self._db.sessions() as session:
                if await session.scalar(select(AllegroAccount.id).limit(1)) is not None:
                    return BootstrapOutcome.ALREADY_USED
            raise
        connected = await self.connect(pair)
        return BootstrapOutcome.CONNECTED if connected.created else BootstrapOutcome.UPDATED

    async def backfill(self, account_id: int, days: int) -> str | None:
        """Move the account's cursor so the next pull starts ``days`` back; returns the new cursor.

        Lines already applied stay applied (the order line is the unit of idempotency), so reading
        events again only fills in what was missed.
        """
        position = await backfill_position(self._client(account_id), days)
        async with self._db.transaction() as session:
            await set_tracker(session, account_id, position)
        log.info("allegro: account %s will read events from %d days back", account_id, days)
        return position
