"""`warehouse-bot allegro …`: connect seller accounts (device flow), list them, set their warehouse
priority, read events again from N days back.

A backfill takes the account's lock of the background jobs (`scheduler.account_locks`, seen across
processes), so beside a running bot it waits for the bot's order pull of that account, says so, and
moves the cursor only once the pull is done."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import CONFIG, CliError, run_with_database, settings, stderr
from bot.settings import Settings
from domain.db import Database
from domain.errors import NotFoundError

if TYPE_CHECKING:
    from integrations.allegro.accounts import AccountView
    from integrations.allegro.channel import AllegroChannel
    from integrations.allegro.offers import LinkReport

allegro_app = typer.Typer(help="Allegro seller accounts.", no_args_is_help=True)

PROBLEM_LINES = 50


def register(app: typer.Typer) -> None:
    app.add_typer(allegro_app, name="allegro")


def _channel(config: Settings, database: Database) -> AllegroChannel:
    from integrations.allegro.channel import AllegroChannel
    from integrations.allegro.config import AllegroNotConfigured

    try:
        return AllegroChannel.from_settings(config, database)
    except AllegroNotConfigured as error:
        raise CliError(str(error), CONFIG) from None


async def _account(database: Database, account: str) -> AccountView:
    from integrations.allegro.accounts import list_accounts

    async with database.sessions() as session:
        for view in await list_accounts(session):
            if account in (view.name, str(view.id)):
                return view
    raise NotFoundError(f"no Allegro account {account!r}: `warehouse-bot allegro accounts` lists them")


async def _account_id(database: Database, account: str) -> int:
    return (await _account(database, account)).id


def print_link_report(report: LinkReport) -> None:
    typer.echo(f"{report.linked} of {report.offers} offer(s) linked to products by SKU")
    if report.missing:
        typer.echo(f"{len(report.missing)} product(s) have no offer")
    problems = sorted(report.problems().items())
    for sku, reason in problems[:PROBLEM_LINES]:
        typer.echo(f"  {sku}: {reason}")
    if len(problems) > PROBLEM_LINES:
        typer.echo(f"  … and {len(problems) - PROBLEM_LINES} more")


@allegro_app.command("connect")
def connect(
    name: Annotated[
        str | None, typer.Option("--name", help="Account name (default: the seller login).")
    ] = None,
    backfill_days: Annotated[
        int | None,
        typer.Option("--backfill-days", min=1, max=60, help="Apply orders from this many days back."),
    ] = None,
    reconnect: Annotated[
        str | None, typer.Option("--reconnect", help="Connect this account (name or id) again.")
    ] = None,
) -> None:
    """Connect a seller account: open the link, enter the code, approve; then offers are linked."""
    from integrations.allegro.auth import DevicePoll
    from integrations.allegro.errors import AllegroError, DeviceFlowDenied, DeviceFlowExpired

    config = settings()

    async def on_wait(reason: DevicePoll, interval: float) -> None:
        if reason is DevicePoll.SLOW_DOWN:
            stderr.print(f"Allegro asks to check less often: next check in {interval:g} s", markup=False)

    async def work(database: Database) -> tuple[str, str, LinkReport]:
        account_id = await _account_id(database, reconnect) if reconnect else None
        async with _channel(config, database) as channel:
            try:
                device = await channel.connector.start()
                link = device.verification_uri_complete or device.verification_uri
                stderr.print(f"Open {link}", markup=False)
                stderr.print(f"and confirm the code {device.formatted_user_code}", markup=False)
                stderr.print("waiting for the approval…", markup=False)
                tokens = await channel.connector.wait(device, on_wait=on_wait)
                account = await channel.connector.connect(
                    tokens, name=name, account_id=account_id, backfill_days=backfill_days
                )
                report = await channel.link_offers(account.id)
            except DeviceFlowDenied:
                raise CliError("access was refused on the Allegro page") from None
            except DeviceFlowExpired:
                raise CliError("the code expired before it was approved: run the command again") from None
            except AllegroError as error:
                raise CliError(f"Allegro: {error}", CONFIG) from None
        return account.login, account.name, report

    login, account_name, report = run_with_database(work)
    typer.echo(f"connected as {login} (account {account_name})")
    print_link_report(report)


@allegro_app.command("accounts")
def accounts() -> None:
    """List the accounts: state, event cursor, warehouse priority, linked offers."""
    from integrations.allegro.accounts import list_accounts
    from integrations.allegro.store import as_utc

    async def work(database: Database) -> list[AccountView]:
        async with database.sessions() as session:
            return await list_accounts(session)

    views = run_with_database(work)
    if not views:
        stderr.print("no Allegro accounts yet: `warehouse-bot allegro connect` adds one", markup=False)
    for view in views:
        priority = " > ".join(view.priority) or "all warehouses by id"
        cursor = view.tracker or ("oldest event" if view.has_tracker else "not started")
        expiry = (
            as_utc(view.token_expires_at).strftime("%Y-%m-%d %H:%M UTC") if view.token_expires_at else "—"
        )
        typer.echo(
            f"{view.id:<4} {view.name:<24} {view.state.value:<16} seller {view.seller_id or '—'}"
            f"  events after {cursor}  offers {view.offers}  warehouses {priority}  token until {expiry}"
        )
        if view.last_error:
            typer.echo(f"     last error: {view.last_error}")


@allegro_app.command("priority")
def priority(
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    codes: Annotated[list[str], typer.Argument(help="Warehouse codes, first one first.")],
) -> None:
    """Set the warehouses sold stock is taken from, in order (others follow by id)."""
    from integrations.allegro.accounts import set_priority

    async def work(database: Database) -> tuple[str, ...]:
        account_id = await _account_id(database, account)
        async with database.transaction() as session:
            return await set_priority(session, account_id, codes)

    typer.echo("warehouse priority: " + " > ".join(run_with_database(work)))


@allegro_app.command("backfill")
def backfill(
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    days: Annotated[int, typer.Argument(min=1, max=60, help="How many days back (Allegro keeps 60).")],
) -> None:
    """Read the account's order events again from DAYS back (lines already applied stay as they are).

    Waits, saying so, while the bot pulls the same account's orders."""
    from domain.channels import AccountRef
    from integrations.allegro.accounts import CHANNEL
    from integrations.allegro.errors import AllegroError
    from scheduler.account_locks import AccountLocks

    config = settings()

    async def work(database: Database) -> str | None:
        view = await _account(database, account)

        async def on_wait() -> None:
            stderr.print(f"waiting for the bot's pull of {view.name} to finish…", markup=False)

        ref = AccountRef(CHANNEL, view.id, view.name, view.state)
        async with (
            _channel(config, database) as channel,
            AccountLocks(database.url).hold(ref, on_wait=on_wait),
        ):
            try:
                return await channel.connector.backfill(view.id, days)
            except AllegroError as error:
                raise CliError(f"Allegro: {error}", CONFIG) from None

    position = run_with_database(work)
    typer.echo(f"the next run reads events after {position or 'the oldest one Allegro keeps'}")
