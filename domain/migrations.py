"""Apply Alembic migrations from inside the application (CLI `migrate`, tests), or as a child process
of the bot: `python -m domain.migrations` upgrades the database named by WAREHOUSE_MIGRATE_URL
(see domain/schema_version.py)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

import migrations
from domain.db import create_engine


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.attributes["configure_logging"] = False
    if url:
        config.attributes["database_url"] = url
    return config


async def _run(url: str, action: str, revision: str) -> None:
    engine = create_engine(url)
    config = alembic_config(url)

    def work(connection: Connection) -> None:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)

    try:
        async with engine.begin() as conn:
            await conn.run_sync(work)
    finally:
        await engine.dispose()


async def upgrade_database(url: str, revision: str = "head") -> None:
    await _run(url, "upgrade", revision)


async def downgrade_database(url: str, revision: str = "base") -> None:
    await _run(url, "downgrade", revision)


if __name__ == "__main__":
    from domain.schema_version import URL_VARIABLE

    asyncio.run(upgrade_database(os.environ[URL_VARIABLE]))
