"""What every CLI command shares: settings, a database session, and errors turned into one clean line.

Exit codes: 0 done, 1 the request was refused (a domain rule, a bad file, a schema that needs
`migrate`), 2 configuration or connectivity (bad DATABASE_URL, unreachable server). No traceback for
any of these, and never a secret in the message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import ConfigError, Settings, load_settings
from domain.db import Database
from domain.errors import DomainError
from domain.schema_version import current_revision, head_revision

REFUSED = 1
CONFIG = 2

T = TypeVar("T")

# Messages and progress go to stderr, so `export-stock > file` captures data only.
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class CliError(Exception):
    """A failure the user can fix, already phrased for them."""

    def __init__(self, message: str, code: int = REFUSED) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = REFUSED) -> NoReturn:
    stderr.print(f"error: {message}", markup=False)
    raise typer.Exit(code)


def settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        fail(str(error), CONFIG)


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


async def _check_schema(database: Database, *, require_head: bool) -> None:
    try:
        current = await current_revision(database)
    except (OSError, SQLAlchemyError) as error:
        message = f"cannot open the database {safe_url(database.url)}: {_reason(error)}"
        raise CliError(message, CONFIG) from None
    if not require_head:
        return
    head = head_revision()
    if current is None:
        raise CliError(
            f"the database {safe_url(database.url)} has no tables yet: run `warehouse-bot migrate` first"
        )
    if current != head:
        raise CliError(
            f"the database schema is at revision {current} but this version needs {head}: "
            "run `warehouse-bot migrate`"
        )


def _reason(error: BaseException) -> str:
    """The driver's own first line (SQLAlchemy's wrapper adds SQL and a documentation link)."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


async def _with_database(url: str, work: Callable[[Database], Awaitable[T]], require_head: bool) -> T:
    try:
        database = Database(url)
    except OSError as error:  # e.g. SQLite's folder cannot be created
        raise CliError(f"cannot open the database {safe_url(url)}: {error}", CONFIG) from None
    try:
        await _check_schema(database, require_head=require_head)
        return await work(database)
    finally:
        await database.dispose()


def run_with_database(work: Callable[[Database], Awaitable[T]], *, require_head: bool = True) -> T:
    """Run `work` against the configured database; failures end the process cleanly.

    Only `migrate` passes ``require_head=False``: every other command refuses a database whose schema
    is missing or behind, with a hint, instead of migrating implicitly.
    """
    url = settings().database_url
    try:
        return asyncio.run(_with_database(url, work, require_head))
    except CliError as error:
        fail(str(error), error.code)
    except DomainError as error:
        fail(str(error), REFUSED)
