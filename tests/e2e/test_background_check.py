"""`warehouse-bot check`: one line per check against the fake Telegram, Allegro and Wix; exit 1 when a
check fails; `--quick` stops after the database; no secret ever printed."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.cli.check import run_checks
from bot.settings import load_settings
from domain.db import Database
from domain.models import WixAccount
from tests.fakes.allegro import FakeAllegro
from tests.fakes.stock_channel import connected_allegro_account
from tests.fakes.telegram import FakeTelegram
from tests.fakes.wix import FakeWix

CLI = str(Path(sys.executable).with_name("warehouse-bot"))
WRONG_TOKEN = "123456789:AAThisIsNotTheFakeBotApiToken"


async def _accounts(db: Database, allegro: FakeAllegro, wix: FakeWix) -> list[str]:
    """One Allegro account and one Wix site; returns the secrets they hold."""
    site = wix.add_site()
    account = connected_allegro_account(allegro)
    async with db.transaction() as session:
        session.add(account)
        session.add(WixAccount(name="site", site_id=site.site_id, api_key=site.api_key))
    return [account.access_token or "", account.refresh_token or "", site.api_key]


def _environment(db_url: str, telegram: FakeTelegram, allegro: FakeAllegro, wix: FakeWix) -> dict[str, str]:
    return {
        "DATABASE_URL": db_url,
        "BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.url,
        "ALLEGRO_CLIENT_ID": allegro.client_id,
        "ALLEGRO_CLIENT_SECRET": allegro.client_secret,
        "ALLEGRO_API_URL": allegro.url,
        "ALLEGRO_AUTH_URL": allegro.url,
        "WIX_API_URL": wix.base_url,
    }


async def test_every_check_passes_against_the_fakes(db: Database, db_url: str, fake: FakeTelegram) -> None:
    async with FakeAllegro() as allegro, FakeWix() as wix:
        await _accounts(db, allegro, wix)
        env = _environment(db_url, fake, allegro, wix)
        settings = load_settings(**{name.lower(): value for name, value in env.items()})
        lines = await run_checks(settings=settings)
    assert [(line.status, line.name) for line in lines] == [
        ("ok", "configuration"),
        ("ok", "database"),
        ("ok", "telegram"),
        ("ok", "allegro · shop"),
        ("ok", "wix · site"),
    ]
    assert lines[2].detail.startswith("@warehouse_test_bot")
    assert lines[3].detail.startswith("seller ")
    assert lines[4].detail == "catalog V1_CATALOG"


async def _cli(*args: str, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        CLI,
        "check",
        *args,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_a_failing_check_exits_1_without_secrets(
    db: Database, db_url: str, fake: FakeTelegram, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("the command line is the same on both engines; one run is enough")
    async with FakeAllegro() as allegro, FakeWix() as wix:
        secrets = await _accounts(db, allegro, wix)
        env = _environment(db_url, fake, allegro, wix)
        bad_code, bad = await _cli(env={**env, "BOT_TOKEN": WRONG_TOKEN})
        quick_code, quick = await _cli("--quick", env={**env, "BOT_TOKEN": WRONG_TOKEN})

    assert bad_code == 1
    assert [line.split()[:2] for line in bad.splitlines()] == [
        ["ok", "configuration"],
        ["ok", "database"],
        ["FAIL", "telegram"],
        ["ok", "allegro"],
        ["ok", "wix"],
    ]
    assert "Unauthorized" in bad.splitlines()[2]
    assert quick_code == 0
    assert [line.split()[1] for line in quick.splitlines()] == ["configuration", "database"]
    for output in (bad, quick):
        for secret in [*secrets, fake.token, WRONG_TOKEN, allegro.client_secret]:
            assert secret not in output
