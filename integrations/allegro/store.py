"""The production `TokenStore`: each account's token pair lives in its ``allegro_accounts`` row.

The token manager names an account by a string key; here that key is the account id. `save` commits
before it returns, which is what makes rotation safe: a refreshed pair is durable before anything uses
it (see `integrations.allegro.tokens`).
"""

from __future__ import annotations

from pydantic import SecretStr
from sqlalchemy import select, update

from domain.db import Database, as_utc
from domain.models import AllegroAccount
from integrations.allegro.models import TokenPair


def account_key(account_id: int) -> str:
    return str(account_id)


def account_id_of(key: str) -> int:
    try:
        return int(key)
    except ValueError:
        raise LookupError(f"{key!r} is not an Allegro account id") from None


class DbTokenStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, account_key: str) -> TokenPair | None:
        async with self._db.sessions() as session:
            row = (
                await session.execute(
                    select(
                        AllegroAccount.access_token,
                        AllegroAccount.refresh_token,
                        AllegroAccount.access_expires_at,
                    ).where(AllegroAccount.id == account_id_of(account_key))
                )
            ).one_or_none()
        if row is None:
            return None
        access, refresh, expires_at = row
        if not access or not refresh or expires_at is None:
            return None
        return TokenPair(
            access_token=SecretStr(access), refresh_token=SecretStr(refresh), expires_at=as_utc(expires_at)
        )

    async def save(self, account_key: str, tokens: TokenPair) -> None:
        async with self._db.transaction() as session:
            result = await session.execute(
                update(AllegroAccount)
                .where(AllegroAccount.id == account_id_of(account_key))
                .values(
                    access_token=tokens.access_token.get_secret_value(),
                    refresh_token=tokens.refresh_token.get_secret_value(),
                    access_expires_at=tokens.expires_at,
                )
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                raise LookupError(f"Allegro account {account_key} does not exist")
