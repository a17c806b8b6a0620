"""Allegro seller accounts in the database: what a run needs to know, what admins see and change.

Network work (device flow, bootstrap, backfill search) is in `integrations.allegro.connect`; this
module only reads and writes rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.db import Database
from domain.errors import NotFoundError, ValidationError
from domain.models import AccountState, AllegroAccount, AllegroEventTracker, AllegroOffer, Warehouse
from domain.validation import sku_key
from integrations.allegro.models import Me, TokenPair

CHANNEL = "allegro"
MAX_ERROR = 500


@dataclass(frozen=True, slots=True)
class AccountContext:
    """What one run needs to know about its account, read once at its start."""

    id: int
    name: str
    state: AccountState
    priority: tuple[int, ...]

    @property
    def actor(self) -> Actor:
        return Actor.channel(CHANNEL, self.name)

    @property
    def active(self) -> bool:
        return self.state == AccountState.ACTIVE


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account as the CLI and the bot list it."""

    id: int
    name: str
    seller_id: str | None
    state: AccountState
    priority: tuple[str, ...]  # warehouse codes, in order
    tracker: str | None
    has_tracker: bool
    offers: int
    token_expires_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class ConnectedAccount:
    id: int
    name: str
    login: str
    seller_id: str
    created: bool


class SellerMismatch(Exception):
    """A reconnect was approved by another Allegro user than the one the account belongs to."""

    def __init__(self, account: str, login: str) -> None:
        super().__init__(f"the approval came from Allegro user {login}, not from the account {account}")
        self.account = account
        self.login = login


async def load_context(db: Database, account_id: int) -> AccountContext:
    async with db.sessions() as session:
        account = await session.get(AllegroAccount, account_id)
        if account is None:
            raise NotFoundError(f"Allegro account {account_id} does not exist", entity="allegro_account")
        return AccountContext(
            account.id,
            account.name,
            account.state,
            tuple(int(w) for w in account.warehouse_priority or ()),
        )


async def list_accounts(session: AsyncSession) -> list[AccountView]:
    codes = dict((await session.execute(select(Warehouse.id, Warehouse.code))).all())
    offers = dict(
        (
            await session.execute(
                select(AllegroOffer.account_id, func.count())
                .where(AllegroOffer.product_id.is_not(None))
                .group_by(AllegroOffer.account_id)
            )
        ).all()
    )
    rows = await session.execute(
        select(AllegroAccount, AllegroEventTracker)
        .outerjoin(AllegroEventTracker, AllegroEventTracker.token_id == AllegroAccount.id)
        .order_by(AllegroAccount.name)
    )
    return [
        AccountView(
            id=account.id,
            name=account.name,
            seller_id=account.seller_id,
            state=account.state,
            priority=tuple(codes.get(int(w), f"#{w}") for w in account.warehouse_priority or ()),
            tracker=tracker.last_event_id if tracker else None,
            has_tracker=tracker is not None,
            offers=offers.get(account.id, 0),
            token_expires_at=account.access_expires_at,
            last_error=account.last_error,
        )
        for account, tracker in rows.all()
    ]


async def account_view(session: AsyncSession, account_id: int) -> AccountView:
    for view in await list_accounts(session):
        if view.id == account_id:
            return view
    raise NotFoundError(f"Allegro account {account_id} does not exist", entity="allegro_account")


async def set_priority(session: AsyncSession, account_id: int, codes: Sequence[str]) -> tuple[str, ...]:
    """Set the warehouses sold stock is taken from, in order (by code); returns the codes as stored."""
    account = await session.get(AllegroAccount, account_id)
    if account is None:
        raise NotFoundError(f"Allegro account {account_id} does not exist", entity="allegro_account")
    warehouses = {sku_key(w.code): w for w in await session.scalars(select(Warehouse))}
    chosen: list[Warehouse] = []
    for code in codes:
        warehouse = warehouses.get(sku_key(code))
        if warehouse is None:
            raise ValidationError(f"no warehouse {code}", reason="allegro_unknown_warehouse", code=code)
        if warehouse not in chosen:
            chosen.append(warehouse)
    account.warehouse_priority = [warehouse.id for warehouse in chosen]
    return tuple(warehouse.code for warehouse in chosen)


async def mark_needs_reconnect(db: Database, account_id: int, reason: str) -> bool:
    """Stop the account until it is connected again; True when it was active until now."""
    async with db.transaction() as session:
        result = await session.execute(
            update(AllegroAccount)
            .where(AllegroAccount.id == account_id, AllegroAccount.state == AccountState.ACTIVE)
            .values(state=AccountState.NEEDS_RECONNECT, last_error=reason[:MAX_ERROR])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


async def save_connected(
    session: AsyncSession,
    me: Me,
    tokens: TokenPair,
    *,
    name: str | None = None,
    account_id: int | None = None,
) -> tuple[AllegroAccount, bool]:
    """Store a freshly authorised seller: a new account, or new tokens for the one it already is.

    ``account_id`` (a reconnect) insists on that account: approving as another Allegro user raises
    `SellerMismatch`. Returns (the account, whether it was created).
    """
    account = await session.scalar(select(AllegroAccount).where(AllegroAccount.seller_id == me.id))
    if account_id is not None:
        wanted = await session.get(AllegroAccount, account_id)
        if wanted is None:
            raise NotFoundError(f"Allegro account {account_id} does not exist", entity="allegro_account")
        if wanted.seller_id not in (None, me.id) or (account is not None and account.id != wanted.id):
            raise SellerMismatch(wanted.name, me.login)
        account = wanted
    created = account is None
    if account is None:
        account = AllegroAccount(name=await _free_name(session, name or me.login), warehouse_priority=[])
        session.add(account)
    account.seller_id = me.id
    account.access_token = tokens.access_token.get_secret_value()
    account.refresh_token = tokens.refresh_token.get_secret_value()
    account.access_expires_at = tokens.expires_at
    account.state = AccountState.ACTIVE
    account.last_error = None
    await session.flush()
    return account, created


async def _free_name(session: AsyncSession, wanted: str) -> str:
    base = wanted.strip()[:60] or "allegro"
    taken = set(
        await session.scalars(select(AllegroAccount.name).where(AllegroAccount.name.like(f"{base}%")))
    )
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)
