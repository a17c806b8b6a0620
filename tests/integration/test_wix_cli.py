"""`warehouse-bot wix …` in-process through typer's runner, against the fake Wix, on both engines."""

from __future__ import annotations

import asyncio

from click.testing import Result
from typer.testing import CliRunner

from bot.cli import app
from domain.db import Database
from domain.models import AccountState
from integrations.wix.sites import all_sites
from tests.fakes import wix as endpoints
from tests.fakes.wix import FakeWix
from tests.fakes.wix_store import V3_CATALOG
from tests.integration.wix_support import seed_products, sync_runs

runner = CliRunner()
JOBS_NOTE = "a running bot's jobs follow within a minute"

pytest_plugins = ("tests.integration.wix_fixtures",)


async def _cli(db_url: str, fake: FakeWix, *args: str, key: str | None = None, **env: str) -> Result:
    variables = {
        "DATABASE_URL": db_url,
        "WIX_API_URL": fake.base_url,
        "WIX_RATE_LIMIT_PER_MINUTE": "0",
        **env,
    }
    # The CLI runs its own event loop (asyncio.run), so it gets a thread of its own.
    return await asyncio.to_thread(runner.invoke, app, list(args), env=variables, input=key)


async def test_add_site_reads_the_key_from_stdin_and_never_prints_it(
    db: Database, db_url: str, fake_wix: FakeWix
) -> None:
    site = fake_wix.add_site(catalog_version=V3_CATALOG)

    added = await _cli(
        db_url, fake_wix, "wix", "add-site", "shop", "--site-id", site.site_id, key=site.api_key + "\n"
    )
    refused = await _cli(
        db_url, fake_wix, "wix", "add-site", "outlet", "--site-id", site.site_id, key="IST.wrong\n"
    )
    listed = await _cli(db_url, fake_wix, "wix", "sites")

    assert (added.exit_code, added.stdout) == (0, "added Wix site shop (catalog V3_CATALOG)\n")
    assert refused.exit_code == 1 and refused.stderr.startswith("error: Wix refused this API key")
    assert listed.exit_code == 0 and listed.stdout.startswith(
        f"shop             {site.site_id}  V3_CATALOG  never synced"
    )
    for result in (added, refused, listed):
        assert site.api_key not in result.output and "IST.wrong" not in result.output


async def test_sync_dry_run_prints_what_would_change_and_writes_nothing(
    db: Database, db_url: str, fake_wix: FakeWix
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    site.add_product("PLATE", 2)
    site.add_product("ONLY-WIX", 1)
    await _cli(db_url, fake_wix, "wix", "add-site", "shop", "--site-id", site.site_id, key=site.api_key)
    await seed_products(db, {"MUG": 8, "PLATE": 2, "ONLY-HERE": 3})

    dry = await _cli(db_url, fake_wix, "wix", "sync", "--dry-run")

    assert dry.exit_code == 0, dry.output
    requests = fake_wix.count(endpoints.V1_PRODUCTS_QUERY)
    assert dry.stdout.splitlines() == [
        "shop: would change:",
        "  MUG: 5 → 8",
        "shop: problems:",
        "  ONLY-HERE: not in Wix",
        "  ONLY-WIX: in Wix, not here",
        f"shop: dry run, 2 checked, 1 to update, 1 unchanged, 1 missing, 0 failed ({requests} requests)",
    ]
    assert site.quantity("MUG") == 5 and fake_wix.count(endpoints.ORDERS_SEARCH) == 0
    (account_id,) = [site.id for site in await all_sites(db)]
    assert await sync_runs(db, account_id) == []

    done = await _cli(db_url, fake_wix, "wix", "sync", "--site", "shop")

    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[:2] == ["shop: changed:", "  MUG: 5 → 8"]
    assert "1 updated" in done.stdout and site.quantity("MUG") == 8
    assert [run.trigger for run in await sync_runs(db, account_id)] == ["cli"]


async def test_map_prints_the_mapping_report(db: Database, db_url: str, fake_wix: FakeWix) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    site.add_product("TWICE", 1)
    site.add_product(variants=[("TWICE", 1), ("ONLY-WIX", 1)])
    await _cli(db_url, fake_wix, "wix", "add-site", "shop", "--site-id", site.site_id, key=site.api_key)
    await seed_products(db, {"MUG": 1, "TWICE": 1, "ONLY-HERE": 1})

    mapped = await _cli(db_url, fake_wix, "wix", "map")
    unknown = await _cli(db_url, fake_wix, "wix", "map", "--site", "nope")

    assert mapped.exit_code == 0, mapped.output
    assert mapped.stdout.splitlines() == [
        "shop: 1 of 3 product(s) mapped to Wix (V1_CATALOG, 3 SKU(s) in Wix)",
        "1 SKU(s) missing in Wix:",
        "  ONLY-HERE",
        "1 SKU(s) duplicated in Wix:",
        "  TWICE (2×)",
        "1 SKU(s) in Wix but unknown here:",
        "  ONLY-WIX",
    ]
    assert site.quantity("MUG") == 5
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "error: there is no Wix site named 'nope': `warehouse-bot wix sites` lists them\n",
    )


async def test_the_environment_site_is_bootstrapped_and_a_failing_site_exits_1(
    db: Database, db_url: str, fake_wix: FakeWix
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    env = {"WIX_API_KEY": site.api_key, "WIX_SITE_ID": site.site_id}

    listed = await _cli(db_url, fake_wix, "wix", "sites", **env)
    site.api_key = "IST.revoked"  # Wix no longer takes the configured key
    failed = await _cli(db_url, fake_wix, "wix", "sync", **env)

    assert listed.stdout.startswith(f"default          {site.site_id}  catalog unknown  never synced")
    assert failed.exit_code == 1
    assert (
        failed.stderr
        == "error: default: POST /ecom/v1/orders/search -> 401 [UNAUTHENTICATED]: the API key is not valid\n"
    )
    assert env["WIX_API_KEY"] not in failed.output


async def test_disable_and_enable_a_site_by_name_or_id(db: Database, db_url: str, fake_wix: FakeWix) -> None:
    site = fake_wix.add_site()
    await _cli(db_url, fake_wix, "wix", "add-site", "shop", "--site-id", site.site_id, key=site.api_key)
    [added] = await all_sites(db)

    disabled = await _cli(db_url, fake_wix, "wix", "disable-site", "--site", "shop")
    listed = await _cli(db_url, fake_wix, "wix", "sites")
    [state_then] = [chosen.state for chosen in await all_sites(db)]
    enabled = await _cli(db_url, fake_wix, "wix", "enable-site", "--site", str(added.id))
    unknown = await _cli(db_url, fake_wix, "wix", "disable-site", "--site", "outlet")

    assert (disabled.exit_code, disabled.stdout) == (
        0,
        f"disabled Wix site shop ({JOBS_NOTE})\n",
    )
    assert listed.stdout.rstrip().endswith("never synced  [disabled]")
    assert state_then is AccountState.DISABLED
    assert enabled.exit_code == 0 and enabled.stdout.startswith("enabled Wix site shop")
    assert [chosen.state for chosen in await all_sites(db)] == [AccountState.ACTIVE]
    assert unknown.exit_code == 1 and unknown.stderr == "error: there is no Wix site 'outlet'\n"


async def test_remove_site_asks_first_unless_yes(db: Database, db_url: str, fake_wix: FakeWix) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    await seed_products(db, {"MUG": 5})
    await _cli(db_url, fake_wix, "wix", "add-site", "shop", "--site-id", site.site_id, key=site.api_key)
    await _cli(db_url, fake_wix, "wix", "sync")
    [added] = await all_sites(db)
    runs = len(await sync_runs(db, added.id))

    declined = await _cli(db_url, fake_wix, "wix", "remove-site", "--site", "shop", key="n\n")
    kept = await all_sites(db)
    confirmed = await _cli(db_url, fake_wix, "wix", "remove-site", "--site", site.site_id, key="y\n")
    again = await _cli(db_url, fake_wix, "wix", "remove-site", "--site", "shop", "--yes")

    assert declined.exit_code == 1 and "Remove Wix site shop with its 1 SKU mapping(s)" in declined.stdout
    assert [chosen.name for chosen in kept] == ["shop"]
    assert confirmed.exit_code == 0, confirmed.output
    assert confirmed.stdout.splitlines()[-1] == (
        f"removed Wix site shop: 1 SKU mapping(s), {runs} sync run(s) ({JOBS_NOTE})"
    )
    assert await all_sites(db) == [] and await sync_runs(db, added.id) == []
    assert again.exit_code == 1 and again.stderr == "error: there is no Wix site 'shop'\n"


async def test_remove_site_with_yes_does_not_ask(db: Database, db_url: str, fake_wix: FakeWix) -> None:
    site = fake_wix.add_site()
    await _cli(db_url, fake_wix, "wix", "add-site", "shop", "--site-id", site.site_id, key=site.api_key)

    removed = await _cli(db_url, fake_wix, "wix", "remove-site", "--site", "shop", "--yes")

    assert removed.exit_code == 0 and removed.stdout == (
        f"removed Wix site shop: 0 SKU mapping(s), 0 sync run(s) ({JOBS_NOTE})\n"
    )
    assert await all_sites(db) == []
