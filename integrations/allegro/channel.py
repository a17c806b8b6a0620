"""`AllegroChannel`: the `domain.channels.StockChannel` of Allegro, for every connected seller account.

Composition (the bot's composition root, the CLI)::

    channel = AllegroChannel.from_settings(settings, db, notifier)   # owns its HTTP client
    ...
    await channel.aclose()

One channel serves all accounts: one HTTP client, one token manager (one refresh at a time per
account) and one 429 gate (Allegro limits per application). Each method opens its own short
transactions and never holds one across an HTTP call.

An account whose refresh token Allegro refuses (``invalid_grant``) is marked ``needs_reconnect``, its
admins are alerted once (kind ``token_reconnect``) and the method returns normally with
``notes["needs_reconnect"] = 1``: it is a state of the account, not a failure of the run. From then on
`accounts` reports the state and every method leaves the account alone until it is connected again;
other accounts are not affected.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import httpx
from pydantic import SecretStr
from sqlalchemy import Table, bindparam, select, update

from domain.channels import AccountRef, Progress, RunCounts, SyncReport
from domain.db import Database
from domain.inventory import read_levels
from domain.models import AccountState, AllegroAccount, AllegroOffer, Channel
from domain.notify import Notifier
from domain.outbox import OutboxItem, acknowledge, pending, record_failure
from integrations.allegro.accounts import CHANNEL, AccountContext, load_context, mark_needs_reconnect
from integrations.allegro.alerts import ChannelAlerts
from integrations.allegro.auth import AllegroOAuth
from integrations.allegro.client import AllegroClient
from integrations.allegro.config import AllegroNotConfigured, AllegroSettings, ChannelRules, is_configured
from integrations.allegro.connect import AllegroConnector, BootstrapOutcome
from integrations.allegro.errors import AllegroError, AllegroInvalidGrant
from integrations.allegro.hosts import resolve_hosts
from integrations.allegro.models import Offer
from integrations.allegro.offers import LinkReport, OfferLinker, ProductRef, product_refs
from integrations.allegro.orders import OrderSync
from integrations.allegro.push import OfferTarget, PushResult, StockPusher
from integrations.allegro.store import DbTokenStore, account_key
from integrations.allegro.tokens import TokenManager
from integrations.allegro.transport import RateLimitGate, RetryPolicy

log = logging.getLogger("integrations.allegro")

T = TypeVar("T")


@dataclass
class _Delivery:
    """A push's outcome per product: what to acknowledge, what to retry, what to tell."""

    confirmed: list[OutboxItem] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # product id -> reason
    updated: set[int] = field(default_factory=set)


class AllegroChannel:
    name = CHANNEL

    def __init__(
        self,
        db: Database,
        oauth: AllegroOAuth,
        http: httpx.AsyncClient,
        *,
        api_url: str,
        notifier: Notifier | None = None,
        rules: ChannelRules | None = None,
        policy: RetryPolicy | None = None,
        gate: RateLimitGate | None = None,
        bootstrap_token: SecretStr | None = None,
    ) -> None:
        self.db = db
        self.rules = rules or ChannelRules()
        self.tokens = TokenManager(oauth, DbTokenStore(db))
        self.alerts = ChannelAlerts(notifier)
        self.orders = OrderSync(db, self.rules, self.alerts)
        self.linker = OfferLinker(db, self.rules)
        self.pusher = StockPusher(self.rules)
        self._http = http
        self._api_url = api_url
        self._policy = policy
        self._gate = gate or RateLimitGate()
        self._clients: dict[int, AllegroClient] = {}
        self._owned_http: httpx.AsyncClient | None = None
        self._bootstrap_token = bootstrap_token
        self._bootstrap_lock = asyncio.Lock()
        self.connector = AllegroConnector(
            db, oauth, http, self.tokens, self.client, api_url=api_url, policy=policy, gate=self._gate
        )

    @classmethod
    def from_settings(
        cls,
        settings: AllegroSettings,
        db: Database,
        notifier: Notifier | None = None,
        *,
        http: httpx.AsyncClient | None = None,
        policy: RetryPolicy | None = None,
        rules: ChannelRules | None = None,
    ) -> AllegroChannel:
        """The channel the configuration describes; raises `AllegroNotConfigured` without an app."""
        if not is_configured(settings):
            raise AllegroNotConfigured("set ALLEGRO_CLIENT_ID and ALLEGRO_CLIENT_SECRET to use Allegro")
        assert settings.allegro_client_id is not None and settings.allegro_client_secret is not None
        hosts = resolve_hosts(settings.allegro_sandbox, settings.allegro_api_url, settings.allegro_auth_url)
        client = http or httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=10.0))
        oauth = AllegroOAuth(
            client,
            client_id=settings.allegro_client_id,
            client_secret=settings.allegro_client_secret,
            auth_url=hosts.auth_url,
            policy=policy,
        )
        channel = cls(
            db,
            oauth,
            client,
            api_url=hosts.api_url,
            notifier=notifier,
            rules=rules or ChannelRules.from_settings(settings),
            policy=policy,
            bootstrap_token=settings.allegro_refresh_token,
        )
        if http is None:
            channel._owned_http = client
        return channel

    async def aclose(self) -> None:
        if self._owned_http is not None:
            await self._owned_http.aclose()
            self._owned_http = None

    async def __aenter__(self) -> AllegroChannel:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def client(self, account_id: int) -> AllegroClient:
        """The API client of one account (its tokens come from the database)."""
        if account_id not in self._clients:
            self._clients[account_id] = AllegroClient(
                self._http,
                self.tokens,
                account_key(account_id),
                api_url=self._api_url,
                policy=self._policy,
                gate=self._gate,
            )
        return self._clients[account_id]

    # --- StockChannel --------------------------------------------------------------------------------

    async def accounts(self) -> list[AccountRef]:
        """Every account with its state; the first call also runs the ALLEGRO_REFRESH_TOKEN bootstrap."""
        await self.bootstrap()
        async with self.db.sessions() as session:
            rows = await session.execute(
                select(AllegroAccount.id, AllegroAccount.name, AllegroAccount.state).order_by(
                    AllegroAccount.name
                )
            )
            return [AccountRef(CHANNEL, account_id, name, state) for account_id, name, state in rows.all()]

    async def pull_orders(self, account_id: int) -> RunCounts:
        """Apply the account's new order events to central stock (exactly once per order line)."""

        async def work(account: AccountContext, client: AllegroClient) -> RunCounts:
            return (await self.orders.pull(client, account)).counts()

        return await self._run(account_id, work, _idle)

    async def push_stock(self, account_id: int) -> RunCounts:
        """Import new order events, then send the levels of the account's outbox products to their
        offers; acknowledges only what Allegro confirmed."""

        async def work(account: AccountContext, client: AllegroClient) -> RunCounts:
            pulled = await self.orders.pull(client, account)
            async with self.db.sessions() as session:
                items = await pending(session, Channel.ALLEGRO, account.id)
                products = await product_refs(session, [item.product_id for item in items])
            counts = RunCounts(processed=len(items), notes={"orders_imported": pulled.effects})
            if not items:
                return counts
            linked = await self.linker.link_products(client, account.id, products)
            await self.orders.apply_unmatched(account)  # lines waiting for an offer linked just now
            result = await self._send(client, account.id, linked)
            delivery = await self._settle(account, items, products, linked, result)
            counts.changed = len(result.updated)
            counts.failed = len(delivery.failed)
            counts.notes.update(
                unchanged=len(result.unchanged),
                commands=result.commands,
                patches=result.patches,
                no_offers=sum(1 for item in items if not linked.get(item.product_id)),
            )
            return counts

        return await self._run(account_id, work, _idle)

    async def reconcile(self, account_id: int, progress: Progress | None = None) -> SyncReport:
        """Relink every offer, then send every linked product's level where the offer shows another."""

        async def work(account: AccountContext, client: AllegroClient) -> SyncReport:
            await self.orders.pull(client, account)
            async with self.db.sessions() as session:
                items = await pending(session, Channel.ALLEGRO, account.id)
            linked, links = await self.linker.link_all(client, account.id, progress)
            await self.orders.apply_unmatched(account)  # lines waiting for an offer linked just now
            async with self.db.sessions() as session:
                products = await product_refs(session, set(linked) | {item.product_id for item in items})
            result = await self._send(client, account.id, linked, progress)
            delivery = await self._settle(account, items, products, linked, result)
            return _sync_report(account.name, products, linked, links, delivery)

        async def idle(account: AccountContext) -> SyncReport:
            return SyncReport(CHANNEL, account.name, error=account.state.value)

        return await self._run(account_id, work, idle)

    async def refresh_credentials(self, account_id: int) -> None:
        """Renew the account's tokens when they expire within `ChannelRules.refresh_margin`."""

        async def work(account: AccountContext, client: AllegroClient) -> None:
            await self.tokens.ensure_fresh(account_key(account.id), margin=self.rules.refresh_margin)

        async def idle(account: AccountContext) -> None:
            return None

        await self._run(account_id, work, idle)

    # --- accounts ------------------------------------------------------------------------------------

    async def bootstrap(self) -> BootstrapOutcome | None:
        """Connect the account of ALLEGRO_REFRESH_TOKEN, once per process (None: nothing to do).

        A failure is logged, not raised: the other accounts and the bot keep working.
        """
        async with self._bootstrap_lock:
            token, self._bootstrap_token = self._bootstrap_token, None
            if token is None:
                return None
            try:
                outcome = await self.connector.bootstrap(token)
            except AllegroError as exc:
                log.error("allegro: ALLEGRO_REFRESH_TOKEN could not connect an account: %s", exc)
                return None
            log.info("allegro: ALLEGRO_REFRESH_TOKEN bootstrap: %s", outcome.value)
            return outcome

    async def link_offers(self, account_id: int) -> LinkReport:
        """Relink every offer of the account and report problems (no stock is sent)."""
        _, report = await self.linker.link_all(self.client(account_id), account_id)
        return report

    # --- plumbing ------------------------------------------------------------------------------------

    async def _run(
        self,
        account_id: int,
        work: Callable[[AccountContext, AllegroClient], Awaitable[T]],
        idle: Callable[[AccountContext], Awaitable[T]],
    ) -> T:
        account = await load_context(self.db, account_id)
        if not account.active:
            return await idle(account)
        try:
            return await work(account, self.client(account.id))
        except AllegroInvalidGrant as exc:
            await self._needs_reconnect(account, exc)
            return await idle(replace(account, state=AccountState.NEEDS_RECONNECT))

    async def _needs_reconnect(self, account: AccountContext, exc: AllegroInvalidGrant) -> None:
        self.tokens.forget(account_key(account.id))
        if await mark_needs_reconnect(self.db, account.id, f"Allegro refused the refresh token: {exc}"):
            log.warning("allegro: account %s needs to be connected again (%s)", account.name, exc)
            await self.alerts.reconnect(account.name, account.id)

    async def _send(
        self,
        client: AllegroClient,
        account_id: int,
        linked: dict[int, list[Offer]],
        progress: Progress | None = None,
    ) -> PushResult:
        async with self.db.sessions() as session:
            levels = await read_levels(session, [pid for pid, offers in linked.items() if offers])
            zeroed = set(
                await session.scalars(
                    select(AllegroOffer.offer_id).where(
                        AllegroOffer.account_id == account_id, AllegroOffer.last_pushed_quantity == 0
                    )
                )
            )
        targets = [
            OfferTarget(
                offer.id,
                product_id,
                levels[product_id],
                offer.stock.available if offer.stock else None,
                status=offer.publication.status if offer.publication else None,
                zeroed=offer.id in zeroed,
            )
            for product_id, offers in linked.items()
            for offer in offers
        ]
        return await self.pusher.push(client, targets, progress)

    async def _settle(
        self,
        account: AccountContext,
        items: list[OutboxItem],
        products: list[ProductRef],
        linked: dict[int, list[Offer]],
        result: PushResult,
    ) -> _Delivery:
        """Record what each offer got, acknowledge the confirmed outbox rows, count the failures.

        A 0 left alone on an offer showing another level is not recorded as its level: the offer still
        shows what it had, and an ended one is thereby known as ended by the seller (not listed again,
        see `integrations.allegro.push`).
        """
        delivery = _Delivery()
        for product_id, offers in linked.items():
            reasons = [result.failed[offer.id] for offer in offers if offer.id in result.failed]
            if reasons:
                delivery.failed[product_id] = reasons[0]
            elif any(offer.id in result.updated for offer in offers):
                delivery.updated.add(product_id)
        delivery.confirmed = [item for item in items if item.product_id not in delivery.failed]
        now = datetime.now(UTC)
        table = cast(Table, AllegroOffer.__table__)
        offer = (table.c.account_id == account.id) & (table.c.offer_id == bindparam("offer"))
        confirmed = [
            {"offer": offer_id, "quantity": level, "at": now}
            for offer_id, level in result.levels.items()
            if result.confirmed(offer_id) and offer_id not in result.left
        ]
        statuses = [{"offer": offer_id, "status": status} for offer_id, status in result.statuses.items()]
        refused = [{"offer": offer_id, "error": reason} for offer_id, reason in result.failed.items()]
        async with self.db.transaction() as session:
            if confirmed:
                values: dict[str, Any] = {
                    "last_pushed_quantity": bindparam("quantity"),
                    "last_pushed_at": bindparam("at"),
                }
                await session.execute(update(table).where(offer).values(last_error=None, **values), confirmed)
            if refused:
                await session.execute(
                    update(table).where(offer).values(last_error=bindparam("error")), refused
                )
            if statuses:
                await session.execute(update(table).where(offer).values(status=bindparam("status")), statuses)
            await acknowledge(session, delivery.confirmed)
            for item in items:
                if item.product_id in delivery.failed:
                    await record_failure(session, item, delivery.failed[item.product_id])
        if delivery.failed:
            skus = {product.id: product.sku for product in products}
            failed = sorted(skus.get(pid, f"#{pid}") for pid in delivery.failed)
            await self.alerts.push_failed(account.name, failed, next(iter(delivery.failed.values())))
        return delivery


async def _idle(account: AccountContext) -> RunCounts:
    """A run of an account that is not active: nothing done, its state noted."""
    return RunCounts(notes={account.state.value: 1})


def _sync_report(
    account: str,
    products: list[ProductRef],
    linked: dict[int, list[Offer]],
    links: LinkReport,
    delivery: _Delivery,
) -> SyncReport:
    skus = {product.id: product.sku for product in products}
    report = SyncReport(CHANNEL, account, problem_skus=links.problems())
    for product_id, offers in linked.items():
        if not offers:
            continue
        report.checked += 1
        if product_id in delivery.failed:
            report.failed += 1
            report.problem_skus[skus.get(product_id, f"#{product_id}")] = delivery.failed[product_id]
        elif product_id in delivery.updated:
            report.updated += 1
        else:
            report.unchanged += 1
    report.missing = len(links.missing)
    return report
