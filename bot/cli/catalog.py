"""Commands for the database and the catalog: migrate, warehouses, users, products CSV in, stock out."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.cli.common import fail, run_with_database, stderr
from domain.actors import Actor
from domain.csv_io import ImportReport, export_stock, import_products, write_stock_csv
from domain.db import Database
from domain.models import Role
from domain.people import Users, Warehouses

warehouse_app = typer.Typer(help="Warehouses stock is kept in.", no_args_is_help=True)
user_app = typer.Typer(help="Who may use the bot, and with which role.", no_args_is_help=True)

# A dry run or an import lists at most this many products; the totals always cover everything.
DETAIL_LINES = 50


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)
    app.add_typer(warehouse_app, name="warehouse")
    app.add_typer(user_app, name="user")
    app.command("import-products")(import_products_command)
    app.command("export-stock")(export_stock_command)


# --- database ----------------------------------------------------------------------------------------


def migrate() -> None:
    """Apply the database migrations (creates the tables on first use)."""

    async def work(database: Database) -> None:
        from domain.migrations import upgrade_database  # Alembic only for the command that needs it

        await upgrade_database(database.url)

    run_with_database(work, require_head=False)
    typer.echo("database is up to date")


# --- warehouses --------------------------------------------------------------------------------------


@warehouse_app.command("add")
def warehouse_add(
    code: Annotated[str, typer.Argument(help="Short code, e.g. MAIN (letters, digits, '-', '_').")],
    name: Annotated[str, typer.Argument(help="Name shown to staff.")],
) -> None:
    """Add a warehouse."""

    async def work(database: Database) -> tuple[str, str]:
        async with database.transaction() as session:
            warehouse = await Warehouses(session).add(code, name)
            return warehouse.code, warehouse.name

    added_code, added_name = run_with_database(work)
    typer.echo(f"added warehouse {added_code} ({added_name})")


@warehouse_app.command("list")
def warehouse_list() -> None:
    """List warehouses, inactive ones included."""

    async def work(database: Database) -> list[tuple[str, str, bool]]:
        async with database.transaction() as session:
            rows = await Warehouses(session).list(include_inactive=True)
            return [(w.code, w.name, w.active) for w in rows]

    rows = run_with_database(work)
    if not rows:
        stderr.print("no warehouses yet: add one with `warehouse-bot warehouse add CODE NAME`", markup=False)
    for code, name, active in rows:
        typer.echo(f"{code:<16} {name}" + ("" if active else "  (inactive)"))


# --- users -------------------------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    telegram_id: Annotated[int, typer.Argument(help="Numeric Telegram user id.")],
    role: Annotated[Role, typer.Option("--role", case_sensitive=False, help="admin or staff.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
) -> None:
    """Give someone access (or change the role of, or bring back, a known user)."""

    async def work(database: Database) -> str:
        async with database.transaction() as session:
            user = await Users(session).add(telegram_id, role, name)
            return user.display_name

    shown = run_with_database(work)
    typer.echo(f"user {telegram_id} is {role.value}" + (f" ({shown})" if shown else ""))


@user_app.command("list")
def user_list() -> None:
    """List users with their role; removed ones are marked."""

    async def work(database: Database) -> list[tuple[int, str, str, bool]]:
        async with database.transaction() as session:
            users = await Users(session).list()
            return [(u.telegram_id, u.role.value, u.display_name, u.active) for u in users]

    rows = run_with_database(work)
    if not rows:
        stderr.print("no users yet: add one with `warehouse-bot user add ID --role admin`", markup=False)
    for telegram_id, role, name, active in rows:
        typer.echo(f"{telegram_id:<14} {role:<6} {name}" + ("" if active else "  (removed)"))


@user_app.command("remove")
def user_remove(telegram_id: Annotated[int, typer.Argument(help="Numeric Telegram user id.")]) -> None:
    """Take access away. The user's history stays; the last active admin cannot be removed."""

    async def work(database: Database) -> None:
        async with database.transaction() as session:
            await Users(session).deactivate(telegram_id)

    run_with_database(work)
    typer.echo(f"user {telegram_id} removed")


# --- products in, stock out --------------------------------------------------------------------------


def _print_report(report: ImportReport) -> None:
    plans = report.to_create + report.to_update
    for plan in plans[:DETAIL_LINES]:
        if plan.creates:
            detail = f"create {plan.sku} “{plan.name}”" + (f" EAN {' '.join(plan.eans)}" if plan.eans else "")
        else:
            parts = [f"name “{plan.old_name}” → “{plan.name}”"] if plan.renames else []
            parts += [f"add EAN {' '.join(plan.new_eans)}"] if plan.new_eans else []
            detail = f"update {plan.sku}: " + ", ".join(parts)
        typer.echo(f"  line {plan.line}: {detail}")
    if len(plans) > DETAIL_LINES:
        typer.echo(f"  … and {len(plans) - DETAIL_LINES} more")
    receipts = report.receipts
    summary = (
        f"{len(report.to_create)} product(s) to create, {len(report.to_update)} to update, "
        f"{report.units} unit(s) to receive in {len(receipts)} receipt(s)"
    )
    if report.applied:
        summary = summary.replace(" to create", " created").replace(" to update", " updated")
        summary = summary.replace(" to receive", " received")
    typer.echo(summary)


def import_products_command(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv", exists=True, dir_okay=False, readable=True, help="CSV with a header line."
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; save nothing.")] = False,
) -> None:
    """Import products and stock: columns sku,name,ean,warehouse,quantity; all or nothing.

    Several EANs go in one cell separated by spaces or ';'. One row per SKU and warehouse. An existing
    SKU gets the row's name and any new EANs (none are removed); quantities are received as RECEIPTs.
    """
    data = file.read_bytes()
    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    task = progress.add_task("import", total=None)

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    async def work(database: Database) -> ImportReport:
        with progress:
            return await import_products(
                database, data, source=file.name, actor=Actor.cli(), dry_run=dry_run, progress=advance
            )

    report = run_with_database(work)
    if report.errors:
        for error in report.errors:
            stderr.print(str(error), markup=False)
        fail(f"nothing was imported: {len(report.errors)} error(s) in {file.name}")
    _print_report(report)
    if dry_run:
        typer.echo("dry run: nothing was saved")


def export_stock_command(
    output_format: Annotated[
        ExportFormat, typer.Option("--format", case_sensitive=False, help="json or csv.")
    ] = ExportFormat.JSON,
) -> None:
    """Print every product's stock per warehouse (on hand, reserved, available) to stdout."""

    async def work(database: Database) -> list[dict[str, object]]:
        async with database.transaction() as session:
            return await export_stock(session)

    products = run_with_database(work)
    if output_format == ExportFormat.CSV:
        write_stock_csv(products, sys.stdout)
    else:
        json.dump(products, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
