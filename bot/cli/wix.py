"""`warehouse-bot wix …`: add a site, list the sites, print the SKU mapping report, sync stock, disable,
enable or remove a site.

The API key of `add-site` is read from standard input (`… < key.txt`, or piped from a secret store) or,
at a terminal, from a prompt that does not echo it; it is never a command-line argument (those end up
in shell history and process lists) and never printed.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from bot.cli.common import REFUSED, CliError, run_with_database, settings, stderr
from domain.db import Database

if TYPE_CHECKING:
    from domain.models import AccountState
    from integrations.wix.channel import WixChannel
    from integrations.wix.mapping import MappingReport
    from integrations.wix.sites import Removal, Site
    from integrations.wix.sync import SyncOutcome

wix_app = typer.Typer(help="Wix sites: stock sync and SKU mapping.", no_args_is_help=True)

DETAIL_LINES = 50
T = TypeVar("T")
SiteOption = Annotated[str, typer.Option("--site", help="The site's name, row id or Wix site id.")]
JOBS_NOTE = "a running bot's jobs follow within a minute"


def register(app: typer.Typer) -> None:
    app.add_typer(wix_app, name="wix")


def _with_channel(work: Callable[[WixChannel], Awaitable[T]]) -> T:
    """Run `work` with a channel on the configured database (the WIX_API_KEY site bootstrapped)."""
    from integrations.wix.channel import WixChannel

    config = settings()

    async def run(database: Database) -> T:
        async with WixChannel.from_settings(config, database) as channel:
            await channel.bootstrap()
            return await work(channel)

    return run_with_database(run)


async def _sites(channel: WixChannel, name: str | None) -> list[Site]:
    from integrations.wix.sites import all_sites

    sites = [site for site in await all_sites(channel.db) if name is None or site.name == name]
    if name is not None and not sites:
        raise CliError(f"there is no Wix site named {name!r}: `warehouse-bot wix sites` lists them")
    if not sites:
        raise CliError("no Wix sites yet: add one with `warehouse-bot wix add-site NAME --site-id ID`")
    return sites


def _lines(rows: list[str]) -> None:
    for row in rows[:DETAIL_LINES]:
        typer.echo(f"  {row}")
    if len(rows) > DETAIL_LINES:
        typer.echo(f"  … and {len(rows) - DETAIL_LINES} more")


def _read_key() -> str:
    if sys.stdin.isatty():
        return str(typer.prompt("Wix API key", hide_input=True))
    return sys.stdin.readline().strip()


@wix_app.command("add-site")
def add_site(
    name: Annotated[str, typer.Argument(help="A short name of your choice, e.g. shop.")],
    site_id: Annotated[
        str, typer.Option("--site-id", help="The GUID after /dashboard/ in the site's address.")
    ],
) -> None:
    """Add a Wix site (or give a known one a new key); the API key is read from stdin or a prompt."""
    key = _read_key()

    async def work(channel: WixChannel) -> tuple[Site, bool]:
        return await channel.add_site(name, site_id, key)

    site, created = _with_channel(work)
    version = site.catalog_version.value if site.catalog_version else "unknown"
    typer.echo(f"{'added' if created else 'updated the key of'} Wix site {site.name} (catalog {version})")


@wix_app.command("sites")
def sites() -> None:
    """List the Wix sites with their catalog version and last sync (never their keys)."""
    from integrations.wix.sites import SiteOverview, overviews

    async def work(channel: WixChannel) -> list[SiteOverview]:
        async with channel.db.sessions() as session:
            return await overviews(session)

    rows = _with_channel(work)
    if not rows:
        stderr.print(
            "no Wix sites yet: add one with `warehouse-bot wix add-site NAME --site-id ID`", markup=False
        )
    for row in rows:
        last = (
            f"last sync {row.last_sync_at:%Y-%m-%d %H:%M} UTC "
            f"({row.last_sync_trigger}, {row.last_sync_status})"
            if row.last_sync_at
            else "never synced"
        )
        state = "" if row.state.value == "active" else f"  [{row.state.value}]"
        typer.echo(f"{row.name:<16} {row.site_id}  {row.catalog_version or 'catalog unknown'}  {last}{state}")
        if row.last_error:
            typer.echo(f"  last error: {row.last_error}")


def print_mapping(site: str, report: MappingReport) -> None:
    typer.echo(
        f"{site}: {report.mapped} of {report.products} product(s) mapped to Wix "
        f"({report.catalog_version}, {report.wix_skus} SKU(s) in Wix)"
    )
    for title, rows in (
        (f"{len(report.missing)} SKU(s) missing in Wix", report.missing),
        (
            f"{len(report.duplicates)} SKU(s) duplicated in Wix",
            [f"{sku} ({count}×)" for sku, count in sorted(report.duplicates.items())],
        ),
        (f"{len(report.unknown)} SKU(s) in Wix but unknown here", report.unknown),
    ):
        if rows:
            typer.echo(title + ":")
            _lines(rows)


@wix_app.command("map")
def map_command(
    site: Annotated[str | None, typer.Option("--site", help="Only this site (default: every site).")] = None,
) -> None:
    """Refresh the SKU → Wix product/variant mapping and print what is missing, doubled or unknown."""
    from integrations.wix.errors import WixError

    async def work(channel: WixChannel) -> list[tuple[str, MappingReport | str]]:
        results: list[tuple[str, MappingReport | str]] = []
        for chosen in await _sites(channel, site):
            try:
                results.append((chosen.name, await channel.refresh_mapping(chosen.id)))
            except WixError as error:
                results.append((chosen.name, str(error)))
        return results

    failed = False
    for name, result in _with_channel(work):
        if isinstance(result, str):
            stderr.print(f"error: {name}: {result}", markup=False)
            failed = True
        else:
            print_mapping(name, result)
    if failed:
        raise typer.Exit(REFUSED)


def print_outcome(outcome: SyncOutcome) -> None:
    verb = "would change" if outcome.dry_run else "changed"
    rows = [f"{sku}: {before} → {after}" for sku, (before, after) in sorted(outcome.changes.items())]
    if rows:
        typer.echo(f"{outcome.site}: {verb}:")
        _lines(rows)
    problems = [f"{sku}: {reason}" for sku, reason in sorted(outcome.problems().items())]
    if problems:
        typer.echo(f"{outcome.site}: problems:")
        _lines(problems)
    prefix = "dry run, " if outcome.dry_run else ""
    updated = "to update" if outcome.dry_run else "updated"
    typer.echo(
        f"{outcome.site}: {prefix}{outcome.checked} checked, {outcome.updated} {updated}, "
        f"{outcome.unchanged} unchanged, {outcome.missing} missing, {outcome.failed} failed "
        f"({outcome.requests} requests)"
    )


@wix_app.command("sync")
def sync(
    site: Annotated[str | None, typer.Option("--site", help="Only this site (default: every site).")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read Wix and print what would change; write nothing.")
    ] = False,
) -> None:
    """Import Wix orders, then bring every mapped SKU in Wix to its available-to-sell level.

    A dry run writes nothing and imports no orders: Wix sales not imported yet show as increases.
    """
    from integrations.wix.errors import WixError
    from integrations.wix.sync import TRIGGER_CLI

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr,
        transient=True,
        disable=not sys.stderr.isatty(),
    )

    async def work(channel: WixChannel) -> list[SyncOutcome | tuple[str, str]]:
        results: list[SyncOutcome | tuple[str, str]] = []
        with progress:
            for chosen in await _sites(channel, site):
                task = progress.add_task(f"{chosen.name}: reading Wix", total=None)

                async def advance(done: int, total: int, task: TaskID = task) -> None:
                    progress.update(task, completed=done, total=total)

                try:
                    results.append(
                        await channel.sync_site(
                            chosen.id, trigger=TRIGGER_CLI, progress=advance, dry_run=dry_run
                        )
                    )
                except WixError as error:
                    results.append((chosen.name, str(error)))
                progress.remove_task(task)
        return results

    failed = False
    for result in _with_channel(work):
        if isinstance(result, tuple):
            stderr.print(f"error: {result[0]}: {result[1]}", markup=False)
            failed = True
        else:
            print_outcome(result)
            failed = failed or bool(result.failed)
    if failed:
        raise typer.Exit(REFUSED)


def _set_state(site: str, state: AccountState) -> Site:
    from integrations.wix.sites import find_site_id, set_site_state

    async def work(database: Database) -> Site:
        async with database.transaction() as session:
            return await set_site_state(session, await find_site_id(session, site), state)

    return run_with_database(work)


@wix_app.command("disable-site")
def disable_site(site: SiteOption) -> None:
    """Stop every job of a site (orders, pushes, syncs); its mapping and history are kept."""
    from domain.models import AccountState

    chosen = _set_state(site, AccountState.DISABLED)
    typer.echo(f"disabled Wix site {chosen.name} ({JOBS_NOTE})")


@wix_app.command("enable-site")
def enable_site(site: SiteOption) -> None:
    """Start the jobs of a disabled site again."""
    from domain.models import AccountState

    chosen = _set_state(site, AccountState.ACTIVE)
    typer.echo(f"enabled Wix site {chosen.name} ({JOBS_NOTE})")


@wix_app.command("remove-site")
def remove_site(
    site: SiteOption,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a site with its SKU mappings and sync history; stock and applied order lines stay."""
    from integrations.wix.sites import find_site_id, removal
    from integrations.wix.sites import remove_site as remove

    async def preview(database: Database) -> Removal:
        async with database.sessions() as session:
            return await removal(session, await find_site_id(session, site))

    gone = run_with_database(preview)
    if not yes:
        typer.confirm(
            f"Remove Wix site {gone.name} with its {gone.mappings} SKU mapping(s) and {gone.syncs} sync "
            "run(s)? Stock and the order lines already applied stay",
            abort=True,
        )

    async def work(database: Database) -> Removal:
        async with database.transaction() as session:
            return await remove(session, gone.id)

    done = run_with_database(work)
    counts = f"{done.mappings} SKU mapping(s), {done.syncs} sync run(s)"
    typer.echo(f"removed Wix site {done.name}: {counts} ({JOBS_NOTE})")
