"""Bring the database to the newest schema without loading Alembic into a long-running process.

Alembic (with Mako and its script machinery) stays ~10 MB resident once imported, for a second of
work at start-up. The bot therefore reads the schema revision the database is at, compares it with the
newest migration file (read with `ast`, no Alembic), and only when they differ runs `upgrade head` in
a short-lived child process (`python -m domain.migrations`).
"""

from __future__ import annotations

import ast
import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from domain.db import Database

VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"
VERSION_TABLE = "alembic_version"
URL_VARIABLE = "WAREHOUSE_MIGRATE_URL"  # the URL travels in the environment: argv is public (ps)


class MigrationFailed(RuntimeError):
    pass


def _assignments(source: str) -> dict[str, object]:
    """The module-level `name = <literal>` (or `name: type = <literal>`) assignments of a script."""
    found: dict[str, object] = {}
    for node in ast.parse(source).body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(value)
                except ValueError:
                    continue
    return found


def head_revision(versions: Path = VERSIONS) -> str:
    """The revision no migration builds on (the migrations form one straight line)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in versions.glob("*.py"):
        values = _assignments(script.read_text(encoding="utf-8"))
        if isinstance(values.get("revision"), str):
            revisions.add(str(values["revision"]))
            if isinstance(values.get("down_revision"), str):
                parents.add(str(values["down_revision"]))
    heads = revisions - parents
    if len(heads) != 1:
        raise MigrationFailed(f"expected one head revision in {versions}, found {sorted(heads)}")
    return heads.pop()


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):  # an empty database
        return None
    revision: str | None = connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return revision


async def current_revision(db: Database) -> str | None:
    """The revision `db` is at (None: no schema yet). Connection errors propagate."""
    async with db.engine.connect() as connection:
        return await connection.run_sync(_revision)


async def upgrade_in_child(url: str) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "domain.migrations", env={**os.environ, URL_VARIABLE: url}
    )
    code = await child.wait()
    if code != 0:
        raise MigrationFailed(f"database migration failed (exit code {code}); its log is above")


async def ensure_newest_schema(db: Database) -> bool:
    """Upgrade `db` when it is behind the newest migration; True if an upgrade ran."""
    if await current_revision(db) == head_revision():
        return False
    await upgrade_in_child(db.url)
    return True
