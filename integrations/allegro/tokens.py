"""Access tokens per seller account: refreshed before they expire, rotation-safe, one refresh at a time.

Allegro rotates refresh tokens: a refresh returns a new pair, the old refresh token dies 60 s after its
first use and the old access token is invalidated at once. So the new pair is saved to the `TokenStore`
*before* anything uses it (if saving fails, nothing uses it and the old refresh token still works for a
minute), and the store is re-read under the account's lock, so a pair rotated by someone else (another
coroutine, another process, a reconnect) is picked up instead of being refreshed again.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import SecretStr

from integrations.allegro.errors import AllegroInvalidGrant
from integrations.allegro.models import TokenPair


class TokenStore(Protocol):
    """Durable home of each account's token pair (the database in production)."""

    async def load(self, account_key: str) -> TokenPair | None: ...

    async def save(self, account_key: str, tokens: TokenPair) -> None: ...


class TokenRefresher(Protocol):
    async def refresh(self, refresh_token: SecretStr) -> TokenPair: ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TokenManager:
    """Hands out valid access tokens for accounts whose pairs live in a `TokenStore`."""

    def __init__(
        self,
        oauth: TokenRefresher,
        store: TokenStore,
        *,
        refresh_margin: timedelta = timedelta(minutes=5),
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._oauth = oauth
        self._store = store
        self._margin = refresh_margin
        self._clock = clock
        self._cache: dict[str, TokenPair] = {}
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def access_token(self, account_key: str) -> SecretStr:
        """A token valid for at least the refresh margin; refreshes first when needed."""
        return (await self.ensure_fresh(account_key)).access_token

    async def ensure_fresh(self, account_key: str, *, margin: timedelta | None = None) -> TokenPair:
        """The account's pair, refreshed when it expires within ``margin`` (default: the manager's).

        Raises `AllegroInvalidGrant` when the account has no tokens or its refresh token is dead.
        """
        margin = self._margin if margin is None else margin
        cached = self._cache.get(account_key)
        if cached is not None and not cached.expires_within(margin, now=self._clock()):
            return cached
        async with self._locks[account_key]:
            pair = await self._load(account_key)
            if pair.expires_within(margin, now=self._clock()):
                pair = await self._rotate(account_key, pair)
            self._cache[account_key] = pair
            return pair

    async def refresh(self, account_key: str, *, stale: SecretStr | None = None) -> TokenPair:
        """Refresh now, typically after Allegro rejected the access token ``stale``.

        When the stored access token is no longer ``stale``, someone has refreshed meanwhile and that
        pair is returned without another refresh (concurrent 401s cost one refresh, not one each).
        """
        async with self._locks[account_key]:
            pair = await self._load(account_key)
            if stale is None or pair.access_token.get_secret_value() == stale.get_secret_value():
                pair = await self._rotate(account_key, pair)
            self._cache[account_key] = pair
            return pair

    async def connect(self, account_key: str, tokens: TokenPair) -> None:
        """Store a pair obtained outside the manager (device flow, bootstrap refresh token)."""
        async with self._locks[account_key]:
            await self._store.save(account_key, tokens)
            self._cache[account_key] = tokens

    def forget(self, account_key: str) -> None:
        """Drop the cached pair, e.g. when the account was disconnected."""
        self._cache.pop(account_key, None)

    async def _load(self, account_key: str) -> TokenPair:
        pair = await self._store.load(account_key)
        if pair is None:
            raise AllegroInvalidGrant(f"account {account_key!r} has no stored tokens: connect it first")
        return pair

    async def _rotate(self, account_key: str, pair: TokenPair) -> TokenPair:
        try:
            fresh = await self._oauth.refresh(pair.refresh_token)
        except AllegroInvalidGrant:
            self._cache.pop(account_key, None)
            raise
        await self._store.save(account_key, fresh)
        return fresh
