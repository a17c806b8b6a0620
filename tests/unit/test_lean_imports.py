"""The bot process leaves out what it never uses: httpx's command-line client (rich, pygments, click),
the `warehouse-bot` commands (typer), the PostgreSQL dialect until an upsert is built for it, and
pillow-heif until the first photo."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from typer.testing import CliRunner

from domain.upsert import insert_for

NOT_LOADED_BY_THE_BOT = ("httpx._main", "rich", "pygments", "click", "typer", "shellingham", "pillow_heif")

LOADED = """
import json, sys
{imports}
print(json.dumps(sorted(name for name, module in sys.modules.items() if module is not None)))
"""


def _loaded_in_fresh_interpreter(imports: str) -> set[str]:
    env = {**os.environ, "DATABASE_URL": "sqlite+aiosqlite:///:memory:"}
    done = subprocess.run(
        [sys.executable, "-c", LOADED.format(imports=imports)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_the_bot_process_loads_neither_the_httpx_cli_nor_the_commands() -> None:
    loaded = _loaded_in_fresh_interpreter(
        "import bot, bot.app, bot.cli.run\nimport httpx\nassert callable(httpx.main) and httpx.AsyncClient"
    )

    assert "httpx" in loaded and "aiogram" in loaded  # the probe did import the bot
    assert sorted(loaded.intersection(NOT_LOADED_BY_THE_BOT)) == []


def test_the_upsert_helper_imports_a_dialect_only_for_its_first_statement() -> None:
    probe = """
import sqlalchemy as sa
from domain.upsert import insert_for
table = sa.Table("t", sa.MetaData(), sa.Column("k", sa.Integer, primary_key=True))
assert "sqlalchemy.dialects.postgresql" not in sys.modules
insert_for("sqlite", table)
assert "sqlalchemy.dialects.postgresql" not in sys.modules
insert_for("postgresql", table)
"""
    assert "sqlalchemy.dialects.postgresql" in _loaded_in_fresh_interpreter(probe)


def _table() -> sa.Table:
    columns = (sa.Column("k", sa.Integer, primary_key=True), sa.Column("v", sa.Integer))
    return sa.Table("t", sa.MetaData(), *columns)


def test_the_upsert_helper_builds_the_dialects_own_statement() -> None:
    table = _table()
    for name, dialect, own in (
        ("postgresql", postgresql.dialect(), postgresql.insert),
        ("sqlite", sqlite.dialect(), sqlite.insert),
    ):
        built = insert_for(name, table).values(k=1, v=2)
        built = built.on_conflict_do_update(index_elements=["k"], set_={"v": built.excluded.v})
        expected = own(table).values(k=1, v=2)
        expected = expected.on_conflict_do_update(index_elements=["k"], set_={"v": expected.excluded.v})
        assert type(built) is type(expected)
        assert str(built.compile(dialect=dialect)) == str(expected.compile(dialect=dialect))


def test_the_upsert_helper_refuses_an_unknown_dialect() -> None:
    with pytest.raises(ValueError, match="mysql"):
        insert_for("mysql", _table())


def test_the_command_line_is_built_on_first_use_with_every_command() -> None:
    import bot.cli

    assert bot.cli.app is bot.cli.build_app()
    shown = CliRunner().invoke(bot.cli.app, ["--help"], env={"COLUMNS": "200"})

    assert shown.exit_code == 0, shown.output
    for command in ("run", "migrate", "import-products", "check", "allegro", "wix"):
        assert f" {command} " in shown.output


def test_heic_support_arrives_with_the_first_photo() -> None:
    probe = """
import io
from PIL import Image
from domain.images import HEIF_SUPPORTED, open_photo
assert "pillow_heif" not in sys.modules
buffer = io.BytesIO()
Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
open_photo(buffer.getvalue())
assert ("pillow_heif" in sys.modules) == HEIF_SUPPORTED
"""
    _loaded_in_fresh_interpreter(probe)
