"""`warehouse-bot allegro …` in-process through typer's runner, against FakeAllegro, on both engines."""

from __future__ import annotations

import asyncio
import uuid

from click.testing import Result
from typer.testing import CliRunner

from bot.cli import app
from domain.models import AccountState
from tests.fakes.allegro import DEFAULT_SELLER
from tests.integration.allegro_world import World, allegro, line, world

__all__ = ["allegro", "world"]  # fixtures

runner = CliRunner()


def cli_env(world: World) -> dict[str, str]:
    """What the command line needs to reach the world's database and fake Allegro."""
    return {
        "DATABASE_URL": world.db.url,
        "ALLEGRO_CLIENT_ID": world.fake.client_id,
        "ALLEGRO_CLIENT_SECRET": world.fake.client_secret,
        "ALLEGRO_API_URL": world.fake.url,
        "ALLEGRO_AUTH_URL": world.fake.url,
    }


async def _cli(world: World, *args: str) -> Result:
    # The CLI runs its own event loop (asyncio.run); the fake answers from this one.
    return await asyncio.to_thread(runner.invoke, app, list(args), env=cli_env(world))


async def test_connect_prints_the_link_and_code_then_the_seller_and_the_offer_report(world: World) -> None:
    await world.product("MUG-1", {world.main: 3})
    await world.product("CUP-1")
    mug_a, mug_b = world.fake.add_offer("MUG-1"), world.fake.add_offer("MUG-1")
    ghost = world.fake.add_offer("GHOST-1", name="Ghost")
    latest = world.fake.add_order_event("BOUGHT", str(uuid.uuid4()), [line("1", "MUG-1", 1)])
    world.fake.device_interval = 1

    result = await _cli(world, "allegro", "connect", "--name", "main-shop")

    assert result.exit_code == 0, result.output
    assert "/skojarz-aplikacje?code=" in result.stderr
    code = result.stderr.split("confirm the code ")[1].split()[0:3]
    assert all(len(group) == 3 for group in code)
    assert result.stdout.splitlines() == [
        f"connected as seller-{DEFAULT_SELLER} (account main-shop)",
        "2 of 3 offer(s) linked to products by SKU",
        "1 product(s) have no offer",
        f"  GHOST-1: no product with this SKU (offer {ghost} “Ghost”)",
        f"  MUG-1: 2 offers: {mug_a}, {mug_b}",
    ]
    accounts = await world.channel.accounts()
    assert [(ref.name, ref.state) for ref in accounts] == [("main-shop", AccountState.ACTIVE)]
    assert await world.tracker(accounts[0].account_id) == latest

    listed = await _cli(world, "allegro", "accounts")
    assert listed.exit_code == 0
    assert "main-shop" in listed.stdout and f"events after {latest}" in listed.stdout
    assert "offers 2" in listed.stdout and "all warehouses by id" in listed.stdout
    assert " UTC" in listed.stdout.split("token until ")[1]

    priority = await _cli(world, "allegro", "priority", "main-shop", "shop", "main")
    assert (priority.exit_code, priority.stdout) == (0, "warehouse priority: SHOP > MAIN\n")
    back = await _cli(world, "allegro", "backfill", "main-shop", "7")
    assert (back.exit_code, back.stdout) == (
        0,
        "the next run reads events after the oldest one Allegro keeps\n",
    )


async def test_connect_reports_a_refusal_and_a_missing_configuration(world: World) -> None:
    world.fake.device_steps = ["deny"]
    world.fake.device_interval = 1

    refused = await _cli(world, "allegro", "connect")

    assert (refused.exit_code, refused.stderr.splitlines()[-1]) == (
        1,
        "error: access was refused on the Allegro page",
    )
    unknown = await _cli(world, "allegro", "priority", "nobody", "MAIN")
    assert unknown.exit_code == 1 and "no Allegro account 'nobody'" in unknown.stderr
    unconfigured = await asyncio.to_thread(
        runner.invoke, app, ["allegro", "connect"], env={"DATABASE_URL": world.db.url}
    )
    assert unconfigured.exit_code == 2
    assert "ALLEGRO_CLIENT_ID" in unconfigured.stderr
    assert world.fake.client_secret not in refused.output + unconfigured.output
