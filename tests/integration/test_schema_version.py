"""domain/schema_version.py: the bot's start-up upgrade without Alembic in its own process."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from domain.db import Database
from domain.migrations import alembic_config, downgrade_database
from domain.schema_version import (
    MigrationFailed,
    current_revision,
    ensure_newest_schema,
    head_revision,
)


def test_head_read_from_the_scripts_is_alembics_head() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_fork_in_the_migrations_is_refused(tmp_path: Path) -> None:
    for name, parent in (("a", None), ("b", "a"), ("c", "a")):
        down = "None" if parent is None else repr(parent)
        (tmp_path / f"{name}.py").write_text(f'revision: str = "{name}"\ndown_revision = {down}\n')
    with pytest.raises(MigrationFailed, match=r"\['b', 'c'\]"):
        head_revision(tmp_path)


async def test_a_database_behind_is_upgraded_in_a_child_process_and_then_left_alone(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert await current_revision(db) is None
        assert await ensure_newest_schema(db) is True
        assert await current_revision(db) == head_revision()
        assert await ensure_newest_schema(db) is False  # at head: no child process

        await downgrade_database(db.url, "0001")
        assert await ensure_newest_schema(db) is True
        assert await current_revision(db) == head_revision()
    finally:
        await db.dispose()


async def test_a_failed_upgrade_in_the_child_is_reported(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'from-the-future.db'}")
    try:
        await ensure_newest_schema(db)
        async with db.transaction() as session:  # a revision this code base does not know
            await session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(MigrationFailed, match="exit code 1"):
            await ensure_newest_schema(db)
    finally:
        await db.dispose()
